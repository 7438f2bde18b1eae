"""The shapes of the metric-value responses. Rows are built by api.exports without these
serializers (for speed); the classes exist to describe every field in the OpenAPI schema,
and the tests check that the rows match them."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers as S

from api.serializers.base import (
    ID,
    PROJECT_CODE,
    PROJECT_ID,
    UPDATED,
    ReadSerializer,
    UTCDateTimeField,
    choice,
)
from indicators.models import Metric


class MetricValueSerializer(ReadSerializer):
    id = S.IntegerField(read_only=True, help_text=ID)
    metric_id = S.IntegerField(read_only=True, help_text=_("Id of the metric."))
    metric_code = S.CharField(read_only=True, help_text=_(
        "Code of the metric, unique within its project (e.g. A.1)."))
    project_id = S.IntegerField(read_only=True, help_text=PROJECT_ID)
    project_code = S.CharField(read_only=True, help_text=PROJECT_CODE)
    region_code = S.CharField(read_only=True, help_text=_("Official code of the region."))
    work_package_code = S.CharField(read_only=True, help_text=_(
        "Code of the work package of the metric's subproject (empty for a goal's metric)."))
    subproject_code = S.CharField(read_only=True, help_text=_(
        "Code of the metric's subproject (empty for a goal's metric)."))
    goal_code = S.CharField(read_only=True, help_text=_("Code of the metric's goal (may be "
                                                        "empty)."))
    benefit_goal_code = S.CharField(read_only=True, help_text=_(
        "Code of the national benefit goal (1–5) above the metric's goal (may be empty)."))
    frequency = choice(Metric.Frequency, _("monthly, quarterly, yearly or once."))
    unit = S.CharField(read_only=True, help_text=_("Unit of the metric (may be empty)."))
    period = S.DateField(read_only=True, help_text=_("The month (its first day)."))
    period_code = S.CharField(read_only=True, help_text=_(
        "The period as PxWeb codes it, by the metric's frequency: 2022M05, 2022Q2 or 2022."))
    disaggregation_code = S.CharField(read_only=True, help_text=_(
        "How the value is split, e.g. age_group; empty for a total."))
    category_code = S.CharField(read_only=True, help_text=_(
        "Category of the split, e.g. children; _T for the total."))
    value = S.FloatField(read_only=True, allow_null=True, help_text=_(
        "The value (yes/no as 1/0, phases as 1–4); null for a free-text metric."))
    text_value = S.CharField(read_only=True, help_text=_("Text of a free-text metric."))
    comment = S.CharField(read_only=True, help_text=_("The coordinator's comment."))
    updated_at = S.DateTimeField(read_only=True, help_text=UPDATED)
    published = S.BooleanField(read_only=True, help_text=_(
        "True when the value's report is approved. National readers get published values "
        "only; a project's members also see provisional ones (false)."))


class MetricValuePageSerializer(ReadSerializer):
    next = S.URLField(read_only=True, allow_null=True, help_text=_(
        "The next page, or null on the last page."))
    previous = S.URLField(read_only=True, allow_null=True, help_text=_(
        "The previous page, or null on the first page."))
    results = MetricValueSerializer(many=True, read_only=True, help_text=_("The rows."))


class JsonStatDatasetSerializer(ReadSerializer):
    """A JSON-stat 2.0 dataset of metric values (api.jsonstat builds it). Its OpenAPI schema,
    the component JsonStatDataset, is written out in api.schema.JsonStatDatasetExtension."""


class ValueWithdrawalSerializer(ReadSerializer):
    """A published value withdrawn from national readers (its report was reopened)."""

    id = S.IntegerField(read_only=True, help_text=ID)
    value_id = S.IntegerField(read_only=True, help_text=_(
        "Id of the withdrawn metric value (the id of its row in metric-values)."))
    metric_id = S.IntegerField(read_only=True, help_text=_("Id of the metric."))
    metric_code = S.CharField(source="metric.code", read_only=True, help_text=_(
        "Code of the metric, unique within its project (e.g. A.1)."))
    project_id = S.IntegerField(source="metric.project_id", read_only=True, help_text=PROJECT_ID)
    project_code = S.CharField(source="metric.project.code", read_only=True,
                               help_text=PROJECT_CODE)
    period = S.DateField(read_only=True, help_text=_("The month (its first day)."))
    category_code = S.SerializerMethodField(help_text=_(
        "Category of the split, e.g. children; _T for the total."))
    updated_at = UTCDateTimeField(help_text=_(
        "When the value was withdrawn. A value published again later appears in metric-values "
        "with a later updated_at."))

    def get_category_code(self, withdrawal) -> str:
        return withdrawal.category.code if withdrawal.category_id else "_T"
