"""Shared pieces of the serializers: what each endpoint returns, field by field. Every field
says what it holds: the OpenAPI schema is generated from these help texts.

Conventions: `id` is the database id and never changes; a row's parent appears as
`<parent>_id` and, where the parent has a stable code, `<parent>_code`; months are ISO dates
(the first day of the month) with a statistical `*_code` beside them (2022M05); times are UTC;
money is a number in euros."""

import datetime as dt

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers as S

from projects.months import period_code


class UTCDateTimeField(S.DateTimeField):
    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(default_timezone=dt.UTC, **kwargs)


@extend_schema_field({"type": "string", "pattern": r"^\d{4}(M\d{2}|Q[1-4])?$",
                      "example": "2022M05"})
class PeriodCodeField(S.Field):
    """A month as PxWeb's period code (2022M05); with `frequency`, the code of the metric's
    frequency (2022Q2, 2022)."""

    def __init__(self, frequency_attr: str | None = None, **kwargs):
        self.frequency_attr = frequency_attr
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        month = super().get_attribute(instance)
        frequency = "monthly"
        if self.frequency_attr:
            for part in self.frequency_attr.split("."):
                instance = getattr(instance, part)
            frequency = instance
        return (month, frequency)

    def to_representation(self, value):
        month, frequency = value
        return period_code(month, frequency) if month else None


def money(help_text, **kwargs):
    return S.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False,
                          read_only=True, help_text=help_text, **kwargs)


def number(help_text, **kwargs):
    return S.DecimalField(max_digits=18, decimal_places=4, coerce_to_string=False,
                          read_only=True, allow_null=True, help_text=help_text, **kwargs)


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class CodesField(S.Field):
    """The codes (or another attribute) of a prefetched many-to-many relation, as a list."""

    def __init__(self, slug: str = "code", **kwargs):
        self.slug = slug
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, manager):
        return [getattr(item, self.slug) for item in manager.all()]


def choice(choices, help_text, *, blank: bool = False, **kwargs):
    """A coded field: the OpenAPI schema gives its values as an enum (`blank`: or empty)."""
    return S.ChoiceField(choices=choices.choices, read_only=True, allow_blank=blank,
                         help_text=help_text, **kwargs)


def codes(help_text, slug="code", **kwargs):
    return CodesField(slug=slug, help_text=help_text, **kwargs)


ID = _("Stable id of the row.")
UPDATED = _("When the row last changed (UTC).")
PROJECT_ID = _("Id of the project.")
PROJECT_CODE = _("Short name of the project, e.g. POSOTE20.")


class ReadSerializer(S.Serializer):
    """Read-only: the API takes no writes (DRF's Serializer has no create or update)."""


class ProjectRowSerializer(ReadSerializer):
    id = S.IntegerField(read_only=True, help_text=ID)
    project_id = S.IntegerField(read_only=True, help_text=PROJECT_ID)
    project_code = S.CharField(source="project.code", read_only=True, help_text=PROJECT_CODE)


class SubprojectRowSerializer(ReadSerializer):
    """A row of a subproject (an activity, a report, a budget line, a cost): its project and
    work package through the subproject."""

    id = S.IntegerField(read_only=True, help_text=ID)
    project_id = S.IntegerField(source="subproject.project_id", read_only=True,
                                help_text=PROJECT_ID)
    project_code = S.CharField(source="subproject.project.code", read_only=True,
                               help_text=PROJECT_CODE)
    work_package_code = S.CharField(source="subproject.work_package.code", read_only=True,
                                    help_text=_("Code of the subproject's work package."))
    subproject_id = S.IntegerField(read_only=True, help_text=_("Id of the subproject."))
    subproject_code = S.CharField(source="subproject.code", read_only=True,
                                  help_text=_("Code of the subproject."))
