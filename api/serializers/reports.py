"""Serializers of what projects report: monthly reports, roll-ups, budgets and costs, risks,
evaluation rounds and generated documents."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers as S

from api.serializers.base import (
    UPDATED,
    PeriodCodeField,
    ProjectRowSerializer,
    ReadSerializer,
    SubprojectRowSerializer,
    UTCDateTimeField,
    choice,
    money,
    number,
)
from reports.models import EvaluationRound, GeneratedDocument, MonthlyReport, StatusLight
from workpackages.models import BudgetLine, Risk

ILLUSTRATIVE = _("True for the demo's illustrative data (esimerkkiaineisto): made up to show "
                 "the portal in use, not reported by anyone.")
LIGHT = _("Status light: green, yellow, red, grey (not started) or blue (completed); "
          "empty if not set.")


class MonthlyReportSerializer(SubprojectRowSerializer):
    period = S.DateField(read_only=True, help_text=_("The month (its first day)."))
    period_code = PeriodCodeField(source="period", help_text=_("The month as 2022M05."))
    state = choice(MonthlyReport.State, _(
        "draft, submitted, returned or approved. National readers see approved reports only."))
    light = choice(StatusLight, LIGHT, blank=True)
    progress = S.IntegerField(read_only=True, allow_null=True, help_text=_(
        "Progress of the subproject in per cent."))
    situation = S.CharField(read_only=True, help_text=_(
        "Tilanne / keskeiset aikaansaannokset: situation and key achievements."))
    next_steps = S.CharField(read_only=True, help_text=_(
        "Eteneminen / tulevat toimenpiteet: progress and upcoming actions."))
    problems = S.CharField(read_only=True, help_text=_("Problems."))
    help_needed = S.CharField(read_only=True, help_text=_("Help needed."))
    version = S.IntegerField(read_only=True, help_text=_(
        "Grows by one with every saved change of the report."))
    submitted_at = UTCDateTimeField(allow_null=True, help_text=_("When it was submitted."))
    approved_at = UTCDateTimeField(allow_null=True, help_text=_("When it was approved."))
    illustrative = S.BooleanField(read_only=True, help_text=ILLUSTRATIVE)
    updated_at = UTCDateTimeField(help_text=UPDATED)


class WorkPackageStatusSerializer(ReadSerializer):
    work_package_id = S.IntegerField(read_only=True, help_text=_("Id of the work package."))
    work_package_code = S.CharField(source="work_package.code", read_only=True,
                                    help_text=_("Code of the work package."))
    light = choice(StatusLight, blank=True, help_text=_(
        "The light shown: the manager's if set, else the computed one."))
    computed_light = choice(StatusLight, blank=True, help_text=_(
        "The worst light of the work package's approved reports."))
    override_light = choice(StatusLight, blank=True, help_text=_(
        "The light set by the project manager (empty if none)."))
    override_reason = S.CharField(read_only=True, help_text=_("The manager's reason."))
    counts = S.DictField(child=S.IntegerField(), read_only=True, help_text=_(
        "How many approved reports have each light."))


class MetricAggregateSerializer(ReadSerializer):
    metric_id = S.IntegerField(read_only=True, help_text=_("Id of the metric."))
    metric_code = S.CharField(source="metric.code", read_only=True,
                              help_text=_("Code of the metric."))
    method = S.ChoiceField(choices=["sum", "mean", "latest"], read_only=True, help_text=_(
        "How the values were combined: sum, mean or latest."))
    month_value = number(_("Value of the month over the disaggregation categories."))
    year_to_date = number(_("Value of the year so far."))
    value_count = S.IntegerField(read_only=True, help_text=_("Values used."))


class RollupSerializer(ProjectRowSerializer):
    month = S.DateField(read_only=True, help_text=_("The month (its first day)."))
    month_code = PeriodCodeField(source="month", help_text=_("The month as 2022M05."))
    expected = S.IntegerField(read_only=True, help_text=_("Reports expected."))
    reported = S.IntegerField(read_only=True, help_text=_("Reports submitted or approved."))
    approved = S.IntegerField(read_only=True, help_text=_("Reports approved."))
    on_time = S.IntegerField(read_only=True, help_text=_("Reports submitted by the deadline."))
    narrative = S.CharField(read_only=True, help_text=_("Summary by the project manager."))
    narrative_draft = S.CharField(read_only=True, help_text=_(
        "Summary assembled from the approved reports."))
    work_package_statuses = WorkPackageStatusSerializer(many=True, read_only=True, help_text=_(
        "Status light per work package."))
    metric_aggregates = MetricAggregateSerializer(many=True, read_only=True, help_text=_(
        "Metric values of the month and of the year so far."))
    computed_at = UTCDateTimeField(help_text=_("When the roll-up was computed."))
    updated_at = UTCDateTimeField(help_text=UPDATED)


COST_CATEGORY = _("Cost category: all, personnel, purchased, travel or other.")


class BudgetLineSerializer(SubprojectRowSerializer):
    year = S.IntegerField(read_only=True, help_text=_("Budget year."))
    category = choice(BudgetLine.Category, COST_CATEGORY)
    amount = money(_("Planned amount in euros."))
    updated_at = UTCDateTimeField(help_text=UPDATED)


class ActualCostSerializer(SubprojectRowSerializer):
    period = S.DateField(read_only=True, help_text=_("The month (its first day)."))
    period_code = PeriodCodeField(source="period", help_text=_("The month as 2022M05."))
    category = choice(BudgetLine.Category, COST_CATEGORY)
    amount = money(_("Actual cost in euros."))
    illustrative = S.BooleanField(read_only=True, help_text=ILLUSTRATIVE)
    updated_at = UTCDateTimeField(help_text=UPDATED)


class RiskReviewSerializer(ReadSerializer):
    reviewed_on = S.DateField(read_only=True, help_text=_("Day of the review."))
    severity = S.IntegerField(read_only=True, help_text=_("Severity then (1–5)."))
    probability = S.IntegerField(read_only=True, help_text=_("Probability then (%)."))
    note = S.CharField(read_only=True, help_text=_("Note."))
    illustrative = S.BooleanField(read_only=True, help_text=ILLUSTRATIVE)


class RiskSerializer(ProjectRowSerializer):
    category = choice(Risk.Category, _(
        "staff, finance, schedule, communication, commitment or other."))
    description = S.CharField(read_only=True, help_text=_("The risk."))
    severity = S.IntegerField(read_only=True, help_text=_("1 = very small, 5 = serious."))
    probability = S.IntegerField(read_only=True, help_text=_("Probability in per cent."))
    mitigation = S.CharField(read_only=True, help_text=_("Mitigation (varautuminen)."))
    impact = S.CharField(read_only=True, help_text=_("Impact (vaikutus)."))
    owner = S.CharField(source="owner.name", read_only=True, allow_null=True,
                        help_text=_("Name of the person who owns the risk."))
    reviewed_on = S.DateField(read_only=True, allow_null=True, help_text=_("Last reviewed."))
    reviews = RiskReviewSerializer(many=True, read_only=True, help_text=_(
        "Earlier assessments, newest first."))
    updated_at = UTCDateTimeField(help_text=UPDATED)


class NarrativeSerializer(ReadSerializer):
    goal_id = S.IntegerField(read_only=True, help_text=_("Id of the goal."))
    goal_code = S.CharField(source="goal.code", read_only=True, help_text=_("Code of the goal."))
    text = S.CharField(read_only=True, help_text=_(
        "Tehdyt kehittämistoimenpiteet: development actions taken towards the goal."))


class EvaluationRoundSerializer(ProjectRowSerializer):
    date = S.DateField(read_only=True, help_text=_("Date of the evaluation."))
    kind = choice(EvaluationRound.Kind, _("baseline, interim or final."))
    title = S.CharField(read_only=True, help_text=_("Title."))
    summary = S.CharField(read_only=True, help_text=_(
        "Seurannan ja arvioinnin tulokset: monitoring and evaluation results."))
    narratives = NarrativeSerializer(many=True, read_only=True, help_text=_(
        "A narrative per goal."))
    updated_at = UTCDateTimeField(help_text=UPDATED)


class DocumentSerializer(ProjectRowSerializer):
    kind = choice(GeneratedDocument.Kind, _("monthly, final or evaluation."))
    month = S.DateField(read_only=True, allow_null=True, help_text=_(
        "Month of a monthly report (its first day)."))
    phase_id = S.IntegerField(read_only=True, allow_null=True, help_text=_(
        "Id of the phase of a final report."))
    status = choice(GeneratedDocument.Status, _("queued, running, done or failed."))
    pages = S.IntegerField(read_only=True, allow_null=True, help_text=_("Number of pages."))
    file_checksum = S.CharField(read_only=True, help_text=_("SHA-256 of the PDF file."))
    requested_at = UTCDateTimeField(help_text=_("When it was asked for."))
    finished_at = UTCDateTimeField(allow_null=True, help_text=_("When it was ready."))
    download_url = S.SerializerMethodField(help_text=_(
        "Where to download the PDF (with the same credentials); null until it is ready."))
    updated_at = UTCDateTimeField(help_text=UPDATED)

    @extend_schema_field(S.URLField(allow_null=True))
    def get_download_url(self, document) -> str | None:
        if document.status != document.Status.DONE or not document.file:
            return None
        path = reverse("api:document-download", args=[document.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path
