"""Strict query parameters: the one place that decides which parameters a list takes and
which codes and ids a filter knows.

A typo in a client must not look like "no data". So a list answers 400, naming the
parameter, for
- a parameter it does not take (`known_parameters`: its filters, the pages' `cursor` and
  `page_size`, `format`, CSV's `dialect`, and what the view declares itself, e.g. JSON-stat's
  `lang` and `geo`; the OpenAPI schema lists exactly these);
- a code or id that names nothing the reader may see (`VOCABULARIES`: a filter names its
  vocabulary; a project outside a token's scope is as unknown as one that does not exist, so
  the answer tells nothing of it), with the allowed values, or where to find them when there
  are many;
- a period range whose end is before its start;
- a parameter given more than once (only one of its values would be read).

Values are checked by their syntax first (api.filters); codes only once the syntax holds."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from rest_framework.exceptions import ValidationError

from api import selectors
from api.filters import UNKNOWN_VALUE, IdListFilter, PeriodFilter
from api.renderers import CSVRenderer, csv_dialect
from indicators.models import Disaggregation, DisaggregationCategory
from projects.models import BenefitGoal

UNKNOWN_PARAMETER = _("Unknown parameter. This endpoint takes: %(known)s.")
UNKNOWN_LISTED_ELSEWHERE = _(
    "Unknown value: %(value)s. The allowed values are the “%(field)s” fields of %(path)s.")
REPEATED_PARAMETER = _("Give this parameter once; a filter takes several values separated by "
                       "commas.")
REVERSED_RANGE = _("The end of the range is before its start (%(start)s).")
TOTAL = "_T"  # the category code of a total (api.filtersets.MetricValueFilterSet)


@dataclass(frozen=True)
class Vocabulary:
    """The codes (or ids) a filter takes: `rows(request)` the rows the reader may see,
    `field` their code. `listed`: few enough to name in the refusal; else it names the
    endpoint whose rows hold them."""

    rows: Callable[[object], QuerySet]
    field: str
    path: str
    listed: bool = False
    extra: tuple[str, ...] = ()

    def unknown(self, request, values: Iterable) -> list:
        """The values that name no row the reader may see, in the order given."""
        wanted = [value for value in values if value not in self.extra]
        if not wanted:
            return []
        known = set(self.rows(request).filter(**{f"{self.field}__in": wanted})
                    .values_list(self.field, flat=True).order_by())
        return [value for value in wanted if value not in known]

    def allowed(self, request) -> list[str]:
        codes = {str(code) for code in self.rows(request).values_list(
            self.field, flat=True).order_by().distinct()}
        return sorted(codes | set(self.extra))


def _plain(selector):
    """A selector's rows without its prefetches (only a column is read)."""
    return lambda request: selector(request).prefetch_related(None)


VOCABULARIES = {
    "project": Vocabulary(_plain(selectors.projects), "code", "/api/v1/projects/"),
    "project_id": Vocabulary(_plain(selectors.projects), "id", "/api/v1/projects/"),
    "region": Vocabulary(selectors.regions, "code", "/api/v1/regions/", listed=True),
    "benefit_goal": Vocabulary(lambda request: BenefitGoal.objects.all(), "code",
                               "/api/v1/work-packages/", listed=True),
    "work_package": Vocabulary(_plain(selectors.work_packages), "id",
                               "/api/v1/work-packages/"),
    "subproject": Vocabulary(_plain(selectors.subprojects), "id", "/api/v1/subprojects/"),
    "subproject_code": Vocabulary(_plain(selectors.subprojects), "code",
                                  "/api/v1/subprojects/"),
    "metric": Vocabulary(_plain(selectors.metrics), "code", "/api/v1/metrics/"),
    "metric_id": Vocabulary(_plain(selectors.metrics), "id", "/api/v1/metrics/"),
    "disaggregation": Vocabulary(lambda request: Disaggregation.objects.all(), "code",
                                 "/api/v1/metrics/", listed=True),
    "category": Vocabulary(lambda request: DisaggregationCategory.objects.all(), "code",
                           "/api/v1/metrics/", listed=True, extra=(TOTAL,)),
}


def view_parameters(view) -> list:
    """The OpenApiParameters a view declares beyond its filters, pages and format."""
    method = getattr(view, "extra_query_parameters", None)
    return list(method()) if method is not None else []


def takes_csv(view) -> bool:
    return any(issubclass(renderer, CSVRenderer) for renderer in view.renderer_classes)


def known_parameters(view, filterset_class=None) -> set[str]:
    """Every query parameter the view's list takes."""
    names = {"format"}
    if filterset_class is None:
        filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is not None:
        names |= set(filterset_class.base_filters)
    paginator = getattr(view, "paginator", None)
    if paginator is not None:
        names |= {paginator.cursor_query_param, paginator.page_size_query_param}
    if takes_csv(view):
        names.add("dialect")
    names |= {parameter.name for parameter in view_parameters(view)}
    return names


def _message(template, **params) -> str:
    return str(template) % params


def parameter_errors(request, view, filterset_class=None, *, detail=False) -> dict[str, list[str]]:
    """Unknown parameters, and a bad `dialect`. A detail endpoint takes `format` (and
    `dialect`, where it gives CSV) alone."""
    if detail:
        known = {"format", "dialect"} if takes_csv(view) else {"format"}
    else:
        known = known_parameters(view, filterset_class)
    errors = {name: [_message(UNKNOWN_PARAMETER, known=", ".join(sorted(known)))]
              for name in request.query_params if name not in known}
    # Only one of a repeated parameter's values would be read, the others silently dropped.
    errors |= {name: [str(REPEATED_PARAMETER)] for name, values in request.query_params.lists()
               if name in known and len(values) > 1}
    if "dialect" in known:
        try:
            csv_dialect(request)
        except ValidationError as error:
            errors.update(error.detail)
    return errors


def code_errors(filterset) -> dict[str, list[str]]:
    """Codes and ids that name nothing the reader may see, and reversed ranges, of a valid
    filter set."""
    request, data = filterset.request, filterset.form.cleaned_data
    errors = {}
    for name, filter_ in filterset.filters.items():
        values = data.get(name)
        vocabulary = VOCABULARIES.get(getattr(filter_, "vocabulary", None))
        if not values or vocabulary is None or not isinstance(filter_, IdListFilter):
            continue
        unknown = vocabulary.unknown(request, values)
        if not unknown:
            continue
        value = ", ".join(str(code) or '""' for code in unknown)
        if vocabulary.listed:
            errors[name] = [_message(UNKNOWN_VALUE, value=value,
                                     allowed=", ".join(vocabulary.allowed(request)))]
        else:
            errors[name] = [_message(UNKNOWN_LISTED_ELSEWHERE, value=value,
                                     field=vocabulary.field, path=vocabulary.path)]
    for name, filter_ in filterset.filters.items():
        start_name = name.removesuffix("_to") + "_from"
        if (isinstance(filter_, PeriodFilter) and name.endswith("_to")
                and start_name in filterset.filters):
            start, end = data.get(start_name), data.get(name)
            if start is not None and end is not None and end < start:
                errors[name] = [_message(REVERSED_RANGE,
                                         start=f"{start_name}={filterset.data[start_name]}")]
    return errors


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, with every parameter, code and range checked (one 400 for all)."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        errors = parameter_errors(request, view, filterset_class)
        filterset = self.get_filterset(request, queryset, view)
        if filterset is not None:
            if filterset.is_valid():
                errors.update(code_errors(filterset))
            else:
                errors.update(translate_validation(filterset.errors).detail)
        if errors:
            raise ValidationError(errors)
        return queryset if filterset is None else filterset.qs
