"""The OpenAPI schema, exact enough for schemathesis with every check:

- every query parameter with its exact syntax (the filters' patterns and ranges come from
  the same definitions the API validates with, api.filters), `allowEmptyValue` (an empty
  value is the same as none), `format` and JSON-stat's `lang` and `geo` as enums, `page_size`
  with its range;
- every status code an operation answers — 200, 304, 400 (lists: an invalid parameter), 401,
  404, 405, 406, 412, 429 — with its body and headers (ETag, Last-Modified, Retry-After,
  WWW-Authenticate, Allow);
- CSV bodies as text, and the documentation page (Swagger UI from our own static files, so
  the strict Content-Security-Policy holds: no CDN, no inline script or style)."""

from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_parameter_type
from drf_spectacular.utils import OpenApiParameter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authentication import SessionAuthentication

from api.authentication import ApiTokenAuthentication
from api.conditional import PRECONDITION_FAILED
from api.errors import JsonErrorsMixin
from api.filters import SchemaFilter
from api.renderers import DIALECTS
from api.strict import takes_csv, view_parameters

ERROR_REF = {"$ref": "#/components/schemas/Error"}
PARAMETER_ERRORS_REF = {"$ref": "#/components/schemas/ParameterErrors"}
COMPONENTS = {
    "Error": {
        "type": "object",
        "properties": {"detail": {"type": "string", "description": "What went wrong."}},
        "required": ["detail"],
        "description": "An error.",
    },
    "ParameterErrors": {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
        "minProperties": 1,
        "description": "Per invalid query parameter, the reasons.",
        "example": {"updated_since": ["Give the time as ISO 8601, e.g. 2022-05-01T12:00:00Z "
                                      "or 2022-05-01."]},
    },
}
HTTP_DATE = ("^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct"
             "|Nov|Dec) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$")
ERRORS = {
    "401": _("No credentials, or an unknown or revoked token."),
    "404": _("No such object, or the reader may not see it; or an invalid cursor."),
    "405": _("The API is read-only: only GET, HEAD and OPTIONS are answered."),
    "406": _("An unknown format, or none of the media types in Accept can be given; the "
             "body names the formats."),
    "412": PRECONDITION_FAILED,
    "429": _("Too many requests: see Retry-After."),
}
CSV = {"type": "string",
       "description": "CSV (UTF-8, comma-separated, header row): one line per row, with the "
                      "fields of the JSON rows as columns; lists joined with |."}


def _header(description, schema: dict, required: bool = False) -> dict:
    header = {"description": str(description), "schema": schema}
    if required:
        header["required"] = True
    return header


def validator_headers() -> dict:
    """The validators of a 200 or a 304 (Cache-Control and Vary come along, undescribed)."""
    return {
        "ETag": _header(_("Version of the data, a strong validator: send it back in "
                          "If-None-Match, or in If-Match to be answered only while the data "
                          "is that version."),
                        {"type": "string", "pattern": '^(W/)?"[^"]*"$'}, required=True),
        "Last-Modified": _header(_("When the newest row changed (absent when there are no "
                                   "rows): send it back in If-Modified-Since."),
                                 {"type": "string", "pattern": HTTP_DATE}),
    }


class ApiFilterExtension(DjangoFilterExtension):
    """django-filter's parameters, with the exact schema of our own filters (api.filters):
    a comma-separated list is a string with a pattern, as the API reads it."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        if not isinstance(filter_field, SchemaFilter):
            return super().resolve_filter_field(
                auto_schema, model, filterset_class, field_name, filter_field)
        return [{
            "in": OpenApiParameter.QUERY,
            "name": field_name,
            "schema": filter_field.openapi_schema(),
            "description": str(filter_field.extra.get("help_text", "")),
        }]


class ApiAutoSchema(AutoSchema):
    def _get_format_parameters(self):
        """`format` where there is a choice of data formats (not for a PDF download; the
        browsable pages, format=api, are for people and not part of the schema)."""
        formats = [r.format for r in self.view.renderer_classes if r.format not in ("api", "pdf")]
        if self.method != "GET" or len(formats) < 2:
            return []
        parameters = [build_parameter_type(
            name="format", schema={"type": "string"}, location=OpenApiParameter.QUERY,
            enum=formats, description=str(_(
                "Output format; JSON unless asked. CSV of a list holds every row of the "
                "selection (no pages), streamed.")))]
        if takes_csv(self.view):
            parameters.append(build_parameter_type(
                name="dialect", schema={"type": "string"}, location=OpenApiParameter.QUERY,
                enum=list(DIALECTS), description=str(_(
                    "CSV only: excel-fi for Finnish Excel (UTF-8 with a byte order mark, "
                    "semicolons, decimal commas). Default: RFC 4180 with commas."))))
        return parameters

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "GET":
            parameters.extend(view_parameters(self.view))
        if "{id}" in self.path:
            parameters.append(OpenApiParameter(
                "id", {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
                OpenApiParameter.PATH, description=str(_("Stable id of the row."))))
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.method != "GET":
            return responses
        for code, response in responses.items():
            content = response.get("content", {})
            if "text/csv" in content:
                content["text/csv"] = {"schema": CSV}
            if code.startswith("2"):
                response["headers"] = validator_headers()
                if not response.get("description"):
                    response["description"] = str(_("The data."))
        responses.setdefault("304", {
            "description": str(_("Not modified: the ETag (If-None-Match) or Last-Modified "
                                 "(If-Modified-Since) still holds.")),
            "headers": validator_headers(),
        })
        if self.method == "GET":  # a list's filters, a detail's unknown parameters
            responses.setdefault("400", {
                "description": str(_("A query parameter is not valid; the body says which "
                                     "and why.")),
                "content": {"application/json": {"schema": PARAMETER_ERRORS_REF}},
            })
        for code, description in ERRORS.items():
            responses.setdefault(code, {
                "description": str(description),
                "content": {"application/json": {"schema": ERROR_REF}},
            })
        responses["401"]["headers"] = {"WWW-Authenticate": _header(
            _("How to authenticate: Bearer."), {"type": "string"}, required=True)}
        responses["405"]["headers"] = {"Allow": _header(
            _("The methods the resource answers."), {"type": "string"}, required=True)}
        responses["429"]["headers"] = {"Retry-After": _header(
            _("Seconds until the next request is allowed."),
            {"type": "integer", "minimum": 0}, required=True)}
        return dict(sorted(responses.items()))


def postprocess(result, generator, request, public):
    """The shared error bodies as components, and `allowEmptyValue` on every query parameter:
    the API reads an empty value as no value (an empty filter filters nothing)."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(COMPONENTS)
    result["components"]["schemas"] = dict(sorted(result["components"]["schemas"].items()))
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    parameter["allowEmptyValue"] = True
    return result


POSTPROCESSING_HOOKS = ["drf_spectacular.hooks.postprocess_schema_enums",
                        "api.schema.postprocess"]


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI served from /static/vendor/swagger-ui (the npm package swagger-ui-dist)."""

    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"
    title = "sote-portal API"

    @staticmethod
    def _swagger_ui_resource(filename):
        return static(f"vendor/swagger-ui/{filename}")

    @staticmethod
    def _swagger_ui_favicon():
        return static("vendor/swagger-ui/favicon-32x32.png")


def _described(description, schema: dict) -> dict:
    return {**schema, "description": str(description)}


def jsonstat_dataset_schema() -> dict:
    """The JSON-stat 2.0 dataset the metric values are given as (`format=jsonstat`, see
    api.jsonstat), in OpenAPI 3.0's words: every property the API writes, with its type."""
    codes = {"type": "array", "items": {"type": "string"}}
    unit = {
        "type": "object", "required": ["decimals"],
        "properties": {
            "decimals": _described(_("Decimals to show the values with."),
                                   {"type": "integer", "minimum": 0}),
            "label": _described(_("Name of the unit."), {"type": "string"}),
            "symbol": _described(_("Symbol of the unit, e.g. %."), {"type": "string"}),
            "position": _described(_("Where the symbol goes."),
                                   {"type": "string", "enum": ["end"]}),
        },
    }
    category = {
        "type": "object", "required": ["index", "label"],
        "properties": {
            "index": _described(_("Position of each category (by its id) in the cube."), {
                "type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}),
            "label": _described(_("Label of each category in the language asked for."), {
                "type": "object", "additionalProperties": {"type": "string"}}),
            "unit": _described(_("The metric dimension only: the unit of each metric."), {
                "type": "object", "additionalProperties": unit}),
        },
    }
    dimension = {
        "type": "object", "required": ["label", "category"],
        "properties": {
            "label": _described(_("Name of the dimension."), {"type": "string"}),
            "category": _described(_("The categories of the dimension."), category),
        },
    }
    return {
        "type": "object",
        "description": str(_("A JSON-stat 2.0 dataset (json-stat.org): the metric values as a "
                             "cube of metric × region × period × disaggregation category "
                             "(with geo=project also the project).")),
        "required": ["version", "class", "label", "source", "note", "id", "size", "role",
                     "dimension", "value", "extension"],
        "properties": {
            "version": _described(_("Always 2.0."), {"type": "string", "enum": ["2.0"]}),
            "class": _described(_("Always dataset."), {"type": "string", "enum": ["dataset"]}),
            "label": _described(_("Title of the dataset."), {"type": "string"}),
            "source": _described(_("Where the data comes from."), {"type": "string"}),
            "updated": _described(_("When the selection last changed (UTC); missing when it "
                                    "never had values."), {"type": "string",
                                                           "format": "date-time"}),
            "note": _described(_("Notes on the methodology."), codes),
            "id": _described(_("The dimensions in cube order."), {
                "type": "array", "items": {"type": "string", "enum": [
                    "metric", "project", "region", "period", "category"]}}),
            "size": _described(_("Number of categories of each dimension."), {
                "type": "array", "items": {"type": "integer", "minimum": 1}}),
            "role": _described(_("Which dimension is the metric, the geography and time."), {
                "type": "object", "required": ["metric", "geo", "time"],
                "properties": {name: _described(description, codes) for name, description in [
                    ("metric", _("The metric dimension.")), ("geo", _("The region dimension.")),
                    ("time", _("The period dimension."))]}}),
            "dimension": _described(_("Each dimension by its id."), {
                "type": "object", "additionalProperties": dimension}),
            "value": _described(_("The values in row-major cube order: an array with null for "
                                  "an empty cell, or for a mostly empty cube an object from "
                                  "cell index to value."), {"oneOf": [
                {"type": "array", "items": {"type": "number", "nullable": True}},
                {"type": "object", "additionalProperties": {"type": "number"}},
            ]}),
            "status": _described(_("By cell index: p provisional (not approved yet), r revised "
                                   "(published again after a reopening); missing for none."), {
                "type": "object", "additionalProperties": {"type": "string",
                                                           "enum": ["p", "r"]}}),
            "extension": _described(_("lang: the language of the labels; rows: the number of "
                                      "values; status: what each status code means."), {
                "type": "object", "required": ["lang", "rows", "status"],
                "properties": {
                    "lang": _described(_("Language of the labels."), {
                        "type": "string", "enum": ["fi", "sv", "en"]}),
                    "rows": _described(_("Number of values."), {"type": "integer",
                                                                "minimum": 0}),
                    "status": _described(_("What each status code means."), {
                        "type": "object", "additionalProperties": {"type": "string"}}),
                }}),
        },
    }


class JsonStatDatasetExtension(OpenApiSerializerExtension):
    """The component JsonStatDataset, written out (a serializer cannot say a JSON-stat cube)."""

    target_class = "api.serializers.values.JsonStatDatasetSerializer"

    def map_serializer(self, auto_schema, direction):
        return jsonstat_dataset_schema()


class SchemaView(JsonErrorsMixin, SpectacularAPIView):
    """The OpenAPI schema (YAML, or JSON with ?format=json), its errors in JSON like every
    other answer under /api/ (drf-spectacular rendered them as YAML)."""

    json_error_formats = (*JsonErrorsMixin.json_error_formats, "yaml", "json")
