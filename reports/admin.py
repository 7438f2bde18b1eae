from django.contrib import admin

from reports.models import (
    EvaluationNarrative,
    EvaluationRound,
    MonthlyReport,
    Reminder,
    ReportEvent,
    ReportingPeriod,
)


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    readonly_fields = ["user", "at", "action", "comment", "changes"]
    can_delete = False


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin):
    list_display = ["subproject", "period", "state", "light", "progress", "updated_at"]
    list_filter = ["state", "light", "subproject__project"]
    search_fields = ["subproject__code", "subproject__name", "situation", "next_steps"]
    date_hierarchy = "period"
    list_select_related = ["subproject"]
    inlines = [ReportEventInline]


@admin.register(ReportEvent)
class ReportEventAdmin(admin.ModelAdmin):
    list_display = ["report", "action", "user", "at"]
    list_filter = ["action"]
    search_fields = ["report__subproject__code", "comment"]


class NarrativeInline(admin.StackedInline):
    model = EvaluationNarrative
    extra = 0


@admin.register(EvaluationRound)
class EvaluationRoundAdmin(admin.ModelAdmin):
    list_display = ["project", "date", "kind", "title"]
    list_filter = ["project", "kind"]
    search_fields = ["title", "summary"]
    inlines = [NarrativeInline]


@admin.register(EvaluationNarrative)
class EvaluationNarrativeAdmin(admin.ModelAdmin):
    list_display = ["round", "goal"]
    list_filter = ["round__project"]
    search_fields = ["text"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["project", "month", "deadline", "closed_at"]
    list_filter = ["project"]
    search_fields = ["project__code"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["period", "user", "kind", "sent_on"]
    list_filter = ["kind", "period__project"]
    search_fields = ["user__username"]
