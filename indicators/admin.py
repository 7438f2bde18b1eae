from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from indicators.models import (
    Disaggregation,
    DisaggregationCategory,
    Metric,
    MetricTarget,
    MetricValue,
    SotkanetIndicator,
    SotkanetValue,
)
from indicators.tasks import fetch_sotkanet_context
from projects.admin import KeptWithHistory


def _enqueue_fetch(modeladmin, request, indicator_ids: list[int]) -> None:
    """Send the fetch; the result shows on the Sotkanet indicators' page (the fetch time or
    the reason it failed)."""
    if not indicator_ids:
        modeladmin.message_user(request, _("None of the chosen rows names a Sotkanet indicator."),
                                messages.WARNING)
        return

    # Not after commit: the action writes nothing, the task reads only committed metrics.
    try:
        fetch_sotkanet_context.delay(indicator_ids)
    except Exception:  # noqa: BLE001 — the broker down: say so rather than lose the job
        modeladmin.message_user(request, _(
            "The job queue could not be reached; try again shortly or run manage.py "
            "fetch_sotkanet."), messages.ERROR)
    else:
        modeladmin.message_user(request, _("Fetching the Sotkanet context was started."))


class CategoryInline(admin.TabularInline):
    model = DisaggregationCategory
    extra = 0


@admin.register(Disaggregation)
class DisaggregationAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    inlines = [CategoryInline]


@admin.register(DisaggregationCategory)
class DisaggregationCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "disaggregation", "order"]
    list_filter = ["disaggregation"]
    search_fields = ["name", "code"]


class TargetInline(admin.TabularInline):
    model = MetricTarget
    extra = 0


@admin.register(Metric)
class MetricAdmin(KeptWithHistory, admin.ModelAdmin):
    list_display = ["code", "short_name", "kind", "frequency", "unit", "project", "goal"]
    list_filter = ["project", "kind", "frequency", "data_source", "cumulative"]
    search_fields = ["code", "name", "external_id", "source_name"]
    list_select_related = ["project", "goal"]
    inlines = [TargetInline]
    actions = ["fetch_sotkanet"]

    @admin.action(description=_("Fetch the Sotkanet context now"))
    def fetch_sotkanet(self, request, queryset):
        _enqueue_fetch(self, request, sorted(set(queryset.filter(
            sotkanet_indicator__isnull=False).values_list("sotkanet_indicator", flat=True))))

    def get_readonly_fields(self, request, obj=None):
        """A metric's project and subproject say which report owns its values, and its kind,
        disaggregation, frequency and cumulativeness what the values mean: once it has values,
        changing them would move the values to a report that does not carry them or change
        what published figures say. A new metric is made instead."""
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and self.has_history(obj):
            fields += ["project", "subproject", "kind", "disaggregation", "frequency",
                       "cumulative"]
        return fields

    # A metric with values stays: deleting it would take published figures away with no
    # reopening.
    history_relation = "values"

    @admin.display(description="name")
    def short_name(self, metric):
        return metric.name[:100]


@admin.register(MetricTarget)
class MetricTargetAdmin(admin.ModelAdmin):
    list_display = ["metric", "baseline_value", "baseline_date", "target_value", "target_date",
                    "effective_from"]
    list_filter = ["metric__project"]
    search_fields = ["metric__code", "reason"]


@admin.register(MetricValue)
class MetricValueAdmin(admin.ModelAdmin):
    """Read-only: a value changes only through its report (reports.services)."""

    list_display = ["metric", "period", "category", "value", "text_value", "published",
                    "updated_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    list_filter = ["metric__project", "metric__kind"]
    search_fields = ["metric__code", "comment"]
    date_hierarchy = "period"
    list_select_related = ["metric", "category"]


@admin.register(SotkanetIndicator)
class SotkanetIndicatorAdmin(admin.ModelAdmin):
    """Read-only: the rows are Sotkanet's answers; they change only by fetching again."""

    list_display = ["indicator_id", "title", "unit", "fetched_at", "failed_at", "failure"]
    search_fields = ["indicator_id", "title"]
    actions = ["fetch_again"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Fetch the Sotkanet context now"))
    def fetch_again(self, request, queryset):
        _enqueue_fetch(self, request, sorted(queryset.values_list("indicator_id", flat=True)))


@admin.register(SotkanetValue)
class SotkanetValueAdmin(admin.ModelAdmin):
    list_display = ["indicator", "region_id", "year", "gender", "value"]
    list_filter = ["indicator", "region_id"]
    list_select_related = ["indicator"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
