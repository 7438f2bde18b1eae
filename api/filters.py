"""Query parameters of the list endpoints: who, where, when and what changed.

Every list takes `updated_since`; lists of a project's rows take `project` (short names),
`project_id` and `region` (official region codes); several values are comma-separated.

Each parameter's syntax is given once, as a regular expression (or an integer range), and
used twice: the API accepts a value exactly when it matches, and the OpenAPI schema gives
the same expression as the parameter's `pattern` (api.schema.ApiFilterExtension). So every
value the schema admits is answered, and every other value is a 400 naming the parameter.
An empty value is the same as leaving the parameter out (`allowEmptyValue` in the schema):
the filter form of the browsable API sends every field."""

import datetime as dt
import re

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.fields import ChoiceField

from api.periods import DATE, PERIOD, PERIOD_HELP, parse_period

HOUR = "(?:[01][0-9]|2[0-3])"
MINUTE = "[0-5][0-9]"
# A day, or a day and a time with an optional offset. An offset's + arrives as a space when a
# client leaves it unescaped in the URL, so a space is read as + there.
MOMENT = (f"{DATE}(?:[T ]{HOUR}:{MINUTE}(?::{MINUTE}(?:[.,][0-9]{{1,6}})?)?"
          f"(?:Z|[-+ ]{HOUR}(?::?{MINUTE})?)?)?")
_TIME = re.compile(r"([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]{1,6}))?)?(.*)")
ID_LIST = "[0-9]{1,18}(?:,[0-9]{1,18})*"  # 18 digits: every id fits in a 64-bit integer
CODE_LIST = "[^\\x00]+"  # codes are free text; a NUL cannot be stored, so it is refused
INTEGER = re.compile(r"[-+]?[0-9]+")
DB_INTEGER = {"min_value": -(2**63) + 1, "max_value": 2**63 - 1}


class PatternField(forms.CharField):
    """A value that must match `pattern` as a whole; `parse` turns it into the filter's value.
    Nothing is stripped: what the pattern refuses, the field refuses."""

    pattern = ""
    message = ""
    example = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("strip", False)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if re.fullmatch(self.pattern, value) is None:
            raise forms.ValidationError(self.message, code="invalid")
        return self.parse(value)

    def parse(self, value: str):
        return value

    @classmethod
    def openapi_schema(cls) -> dict:
        schema = {"type": "string", "pattern": f"^{cls.pattern}$"}
        if cls.example:
            schema["example"] = cls.example
        return schema


class UpdatedSinceField(PatternField):
    pattern = MOMENT
    message = _("Give the time as ISO 8601, e.g. 2022-05-01T12:00:00Z or 2022-05-01.")
    example = "2022-05-01T12:00:00Z"

    def parse(self, value: str) -> dt.datetime:
        moment = dt.datetime.combine(dt.date.fromisoformat(value[:10]), dt.time.min)
        if len(value) > 10:
            hour, minute, second, fraction, offset = _TIME.fullmatch(value[11:]).groups()
            moment = moment.replace(hour=int(hour), minute=int(minute), second=int(second or 0),
                                    microsecond=int((fraction or "0").ljust(6, "0")))
            if offset == "Z":
                moment = moment.replace(tzinfo=dt.UTC)
            elif offset:
                digits = offset[1:].replace(":", "")
                delta = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
                moment = moment.replace(tzinfo=dt.timezone(-delta if offset[0] == "-" else delta))
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)  # naive times are Finnish time
        return moment.astimezone(dt.UTC)


class PeriodField(PatternField):
    pattern = PERIOD
    message = PERIOD_HELP
    example = "2022M05"

    def __init__(self, *args, end: bool = False, **kwargs):
        self.end = end
        super().__init__(*args, **kwargs)

    def parse(self, value: str) -> dt.date:
        return parse_period(value, end=self.end)


class IdListField(PatternField):
    pattern = ID_LIST
    message = _("Give ids as whole numbers separated by commas, e.g. 12,15.")
    example = "12,15"

    def parse(self, value: str) -> list[int]:
        return [int(part) for part in value.split(",")]


class CodeListField(PatternField):
    pattern = CODE_LIST
    message = ProhibitNullCharactersValidator.message

    def parse(self, value: str) -> list[str]:
        return [part.strip() for part in value.split(",")]


class StrictIntegerField(forms.IntegerField):
    """An integer as digits with an optional sign, within min_value and max_value (no
    spaces, no 5.0: what the schema's `integer` admits)."""

    def __init__(self, *args, **kwargs):
        for key, value in DB_INTEGER.items():
            kwargs.setdefault(key, value)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, int) and INTEGER.fullmatch(str(value)) is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(value)

    def openapi_schema(self) -> dict:
        return {"type": "integer", "minimum": self.min_value, "maximum": self.max_value}


class SchemaFilter(filters.Filter):
    """A filter whose query parameter the schema describes exactly, by its field's syntax."""

    def openapi_schema(self) -> dict:
        return self.field.openapi_schema()


class UpdatedSinceFilter(SchemaFilter):
    field_class = UpdatedSinceField


class PeriodFilter(SchemaFilter):
    field_class = PeriodField


class IdListFilter(SchemaFilter):
    """Comma-separated ids (`in` lookup). `vocabulary` names the ids or codes the reader may
    give (api.strict.VOCABULARIES): any other one is a 400."""

    field_class = IdListField

    def __init__(self, field_name=None, lookup_expr="in", *, vocabulary: str, **kwargs):
        self.vocabulary = vocabulary
        super().__init__(field_name, lookup_expr, **kwargs)


class CodeListFilter(IdListFilter):
    """Comma-separated codes (`in` lookup)."""

    field_class = CodeListField


class IntegerFilter(SchemaFilter):
    """An integer within min_value and max_value (by default what the database holds)."""

    field_class = StrictIntegerField


UNKNOWN_VALUE = _("Unknown value: %(value)s. Allowed values: %(allowed)s.")


class StrictChoiceField(ChoiceField):
    """A choice whose refusal names the allowed values."""

    def validate(self, value):
        try:
            super().validate(value)
        except forms.ValidationError:
            allowed = ", ".join(str(key) for key, _label in self.choices if key != "")
            raise forms.ValidationError(UNKNOWN_VALUE, code="invalid_choice",
                                        params={"value": value, "allowed": allowed}) from None


class ChoiceFilter(filters.ChoiceFilter):
    """One of fixed choices (the schema gives them as an enum)."""

    field_class = StrictChoiceField


def updated_since_filter(*children: str, also=None) -> UpdatedSinceFilter:
    """`updated_since`: rows changed at or after the time, counting changes of the nested
    rows given by the lookups (e.g. a project's phases), and `also(value)`, a Q of other
    changes the row's answer shows."""

    def method(queryset, name, value):
        if value is None:
            return queryset
        changed = Q(updated_at__gte=value)
        for child in children:
            changed |= Q(pk__in=queryset.model.objects.filter(
                **{f"{child}__updated_at__gte": value}).values("pk"))
        if also is not None:
            changed |= also(value)
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

    project = CodeListFilter(method="filter_project", vocabulary="project", help_text=_(
        "Project short names (e.g. POSOTE20), comma-separated."))
    project_id = IdListFilter(method="filter_project_id", vocabulary="project_id", help_text=_(
        "Project ids, comma-separated."))
    region = CodeListFilter(method="filter_region", vocabulary="region", help_text=_(
        "Official region codes (e.g. 11 for Pohjois-Savo), comma-separated."))

    def filter_project(self, queryset, name, value):
        return queryset.filter(**{f"{self.project_path}__code__in": value}) if value else queryset

    def filter_project_id(self, queryset, name, value):
        return queryset.filter(**{f"{self.project_path}_id__in": value}) if value else queryset

    def filter_region(self, queryset, name, value):
        return (queryset.filter(**{f"{self.project_path}__region__code__in": value})
                if value else queryset)
