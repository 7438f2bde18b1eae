"""Query parameters of the list endpoints: who, where, when and what changed.

Every list takes `updated_since`; lists of a project's rows take `project` (short names),
`project_id` and `region` (official region codes); several values are comma-separated."""

import datetime as dt

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.drainage import set_override

from api.periods import PERIOD_HELP, parse_period


class UpdatedSinceField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value).strip().replace(" ", "+")  # an unescaped + in a URL
        if not value:
            return None
        message = _("Give the time as ISO 8601, e.g. 2022-05-01T12:00:00Z or 2022-05-01.")
        try:
            moment = parse_datetime(value)
            if moment is None:
                day = parse_date(value) if len(value) == 10 else None
                if day is None:
                    raise forms.ValidationError(message)
                moment = dt.datetime.combine(day, dt.time.min)
            if not 1900 <= moment.year <= 2999:
                raise forms.ValidationError(message)
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)  # naive times are Finnish time
            return moment.astimezone(dt.UTC)
        except (ValueError, OverflowError):
            raise forms.ValidationError(message) from None


class PeriodField(forms.CharField):
    def __init__(self, *args, end: bool = False, **kwargs):
        self.end = end
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_period(value, end=self.end)
        except ValueError:
            raise forms.ValidationError(PERIOD_HELP) from None


class DescribedFilter(filters.Filter):
    """A filter whose OpenAPI schema is given (`schema`) together with its help text."""

    schema: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        set_override(self, "field", {**self.schema, "description": kwargs.get("help_text", "")})


class UpdatedSinceFilter(DescribedFilter):
    field_class = UpdatedSinceField
    schema = {"type": "string", "example": "2022-05-01T12:00:00Z"}


class PeriodFilter(DescribedFilter):
    field_class = PeriodField
    schema = {"type": "string", "example": "2022M05",
              "pattern": r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?|M[0-9]{2}|Q[1-4])?$"}


class CharInFilter(filters.BaseInFilter, filters.CharFilter):
    pass


class BoundedIntegerField(forms.IntegerField):
    """An integer the database can hold (a bigger one is refused, not passed on)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -(2**63) + 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class IntegerFilter(filters.NumberFilter):
    field_class = BoundedIntegerField


class NumberInFilter(filters.BaseInFilter, IntegerFilter):
    """Comma-separated ids."""


def updated_since_filter(*children: str) -> UpdatedSinceFilter:
    """`updated_since`: rows changed at or after the time, counting changes of the nested
    rows given by the lookups (e.g. a project's phases)."""

    def method(queryset, name, value):
        if value is None:
            return queryset
        changed = Q(updated_at__gte=value)
        for child in children:
            changed |= Q(pk__in=queryset.model.objects.filter(
                **{f"{child}__updated_at__gte": value}).values("pk"))
        return queryset.filter(changed)

    return UpdatedSinceFilter(
        method=method,
        help_text=_("Only rows created or changed at or after this time (ISO 8601; a time "
                    "without an offset is Finnish time). For incremental pulls."),
    )


def period_filters(field: str) -> tuple[PeriodFilter, PeriodFilter]:
    return (
        PeriodFilter(field_name=field, lookup_expr="gte", help_text=format_lazy(
            "{} {}", _("From this period on (inclusive)."), PERIOD_HELP)),
        PeriodFilter(field_name=field, lookup_expr="lte", end=True, help_text=format_lazy(
            "{} {}", _("Up to this period (inclusive)."), PERIOD_HELP)),
    )


class ApiFilterSet(filters.FilterSet):
    """Base: `updated_since` on the row itself."""

    updated_since = updated_since_filter()


class ProjectRowsFilterSet(ApiFilterSet):
    """Base for rows that belong to a project; `project_path` is the lookup to it."""

    project_path = "project"

    project = CharInFilter(method="filter_project", help_text=_(
        "Project short names (e.g. POSOTE20), comma-separated."))
    project_id = NumberInFilter(method="filter_project_id", help_text=_(
        "Project ids, comma-separated."))
    region = CharInFilter(method="filter_region", help_text=_(
        "Official region codes (e.g. 11 for Pohjois-Savo), comma-separated."))

    def filter_project(self, queryset, name, value):
        return queryset.filter(**{f"{self.project_path}__code__in": value}) if value else queryset

    def filter_project_id(self, queryset, name, value):
        return queryset.filter(**{f"{self.project_path}_id__in": value}) if value else queryset

    def filter_region(self, queryset, name, value):
        return (queryset.filter(**{f"{self.project_path}__region__code__in": value})
                if value else queryset)
