from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from reports import services
from reports.models import (
    EvaluationNarrative,
    EvaluationRound,
    MonthlyReport,
    Reminder,
    ReportEvent,
    ReportingPeriod,
)


class ReadOnlyAdmin:
    """Reports, their values and their history change only through the reporting services
    (reports.services): the admin shows them and offers the services' own actions."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReportEventInline(ReadOnlyAdmin, admin.TabularInline):
    model = ReportEvent
    extra = 0
    readonly_fields = ["user", "on_behalf_of", "at", "action", "comment", "changes"]


class ReopenActionForm(forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), widget=forms.Textarea)


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["project", "subproject", "period", "state", "light", "progress", "updated_at"]
    list_filter = ["state", "light", "project"]
    search_fields = ["subproject__code", "subproject__name", "situation", "next_steps"]
    date_hierarchy = "period"
    list_select_related = ["project", "subproject"]
    inlines = [ReportEventInline]
    actions = ["approve", "reopen"]

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff

    def _each(self, request, queryset, act) -> None:
        done = 0
        for report in queryset:
            try:
                act(report)
                done += 1
            except (PermissionDenied, ValidationError) as error:
                messages = getattr(error, "messages", None) or [str(error) or _("Not allowed.")]
                self.message_user(request, f"{report}: {' '.join(messages)}", level="error")
        if done:
            self.message_user(request, _("Reports changed: %(count)d.") % {"count": done})

    @admin.action(description=_("Approve the selected reports (as their project manager)"))
    def approve(self, request, queryset):
        self._each(request, queryset, lambda report: services.monthly_report_approve(
            report=report, user=request.user, expected_version=None))

    @admin.action(description=_("Reopen the selected reports (as their project manager)"))
    def reopen(self, request, queryset):
        form = ReopenActionForm(request.POST if "reason" in request.POST else None)
        if not form.is_valid():
            return TemplateResponse(request, "admin/reports/reopen.html", {
                **self.admin_site.each_context(request), "form": form, "reports": queryset,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "title": _("Reopen reports"), "opts": self.model._meta,
            })
        self._each(request, queryset, lambda report: services.monthly_report_reopen(
            report=report, user=request.user, reason=form.cleaned_data["reason"]))
        return None


@admin.register(ReportEvent)
class ReportEventAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["report", "action", "user", "on_behalf_of", "at"]
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
