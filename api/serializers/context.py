"""The shape of /api/v1/context/: per metric that names a Sotkanet indicator, the
indicator's yearly values for the project's county and the whole country, attributed."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers as S

from api.serializers.base import PROJECT_CODE, PROJECT_ID, ReadSerializer, UTCDateTimeField

AREAS = ["county", "country"]


class ContextValueSerializer(ReadSerializer):
    year = S.IntegerField(read_only=True, help_text=_("The statistical year."))
    area = S.ChoiceField(choices=AREAS, read_only=True, help_text=_(
        "county: the project's wellbeing services county; country: the whole of Finland."))
    sotkanet_region = S.IntegerField(read_only=True, help_text=_("Sotkanet's id of the region."))
    value = S.FloatField(read_only=True, help_text=_("The value, in the indicator's unit."))


class ContextSerializer(ReadSerializer):
    id = S.IntegerField(read_only=True, help_text=_("Id of the metric."))
    metric_code = S.CharField(read_only=True, help_text=_(
        "Code of the metric, unique within its project (e.g. A.1)."))
    project_id = S.IntegerField(read_only=True, help_text=PROJECT_ID)
    project_code = S.CharField(read_only=True, help_text=PROJECT_CODE)
    region_code = S.CharField(read_only=True, help_text=_("Official code of the region."))
    indicator = S.IntegerField(read_only=True, help_text=_("Id of the Sotkanet indicator."))
    indicator_title = S.CharField(read_only=True, help_text=_(
        "Name of the indicator in the request's language (Finnish where THL gives none)."))
    unit = S.CharField(read_only=True, help_text=_("Unit of the indicator (may be empty)."))
    decimals = S.IntegerField(read_only=True, allow_null=True, help_text=_(
        "Decimals THL publishes the values with."))
    source = S.CharField(read_only=True, help_text=_("Always “THL, Sotkanet”."))
    licence = S.CharField(read_only=True, help_text=_("Always CC BY 4.0."))
    fetched_at = UTCDateTimeField(allow_null=True, help_text=_(
        "When the values were fetched from Sotkanet (UTC); null if never."))
    failed_at = UTCDateTimeField(allow_null=True, help_text=_(
        "When a later fetch last failed (UTC); the values are then those of fetched_at."))
    county_sotkanet_region = S.IntegerField(read_only=True, allow_null=True, help_text=_(
        "Sotkanet's id of the project's county; null if the region is not mapped."))
    values = ContextValueSerializer(many=True, read_only=True, help_text=_(
        "The yearly values, oldest first, county before country."))



class ContextPageSerializer(ReadSerializer):
    next = S.URLField(read_only=True, allow_null=True, help_text=_(
        "The next page, or null on the last page."))
    previous = S.URLField(read_only=True, allow_null=True, help_text=_(
        "The previous page, or null on the first page."))
    results = ContextSerializer(many=True, read_only=True, help_text=_("The rows."))
