"""Cursor pagination in id order: stable under inserts (new rows get larger ids, so a pull
that pages to the end misses nothing), and as fast on the last page as on the first.

`page_size` is checked, not clipped: a value outside 1…max_page_size is a 400, as the schema
says; an invalid `cursor` is a 404 (the position it names does not exist)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

from api.filters import DB_INTEGER, INTEGER, StrictIntegerField


class ApiCursorPagination(CursorPagination):
    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    page_size_query_description = _("Rows per page (default 100, at most 1000).")
    max_page_size = 1000
    cursor_query_description = _("Opaque position from the `next` or `previous` link.")

    def page_size_field(self) -> StrictIntegerField:
        return StrictIntegerField(min_value=1, max_value=self.max_page_size, required=False)

    def get_page_size(self, request):
        """The page size asked for (an empty value: the default); a 400 if it is not a whole
        number from 1 to max_page_size."""
        try:
            size = self.page_size_field().clean(request.query_params.get(
                self.page_size_query_param))
        except forms.ValidationError as error:
            raise ValidationError({self.page_size_query_param: error.messages}) from None
        return self.page_size if size is None else size

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        if cursor is None or cursor.position is None:
            return cursor
        # Rows are in id order, so a position is an id; anything else names no position.
        position = cursor.position
        if INTEGER.fullmatch(position) is None or not (
                DB_INTEGER["min_value"] <= int(position) <= DB_INTEGER["max_value"]):
            raise NotFound(self.invalid_cursor_message)
        return cursor._replace(position=int(position))

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": str(self.cursor_query_description),
                "schema": {"type": "string"},
                "allowEmptyValue": True,
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(self.page_size_query_description),
                "schema": self.page_size_field().openapi_schema(),
                "allowEmptyValue": True,
            },
        ]

    def get_paginated_response_schema(self, schema):
        return _describe(super().get_paginated_response_schema(schema))


class LargeCursorPagination(ApiCursorPagination):
    page_size = 1000
    page_size_query_description = _("Rows per page (default 1000, at most 10000).")
    max_page_size = 10000


def _describe(schema: dict) -> dict:
    properties = schema["properties"]
    properties["next"]["description"] = str(_("The next page, or null on the last page."))
    properties["previous"]["description"] = str(_(
        "The previous page, or null on the first page."))
    properties["results"]["description"] = str(_("The rows of this page."))
    return schema
