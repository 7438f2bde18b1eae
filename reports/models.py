"""Monthly reports, their history, and the evaluation rounds of a project."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.audit import ProjectAudited
from projects.formatting import format_date, format_month
from projects.models import Project
from projects.months import first_of_month_check
from workpackages.models import Goal, Subproject


class StatusLight(models.TextChoices):
    GREEN = "green", _("green – on track")
    YELLOW = "yellow", _("yellow – some delay")
    RED = "red", _("red – off track")
    GREY = "grey", _("grey – not started")
    BLUE = "blue", _("blue – completed")


class ReportingPeriod(models.Model):
    """A project's reporting month: open for reports until its deadline, then closed."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="reporting_periods",
        verbose_name=_("project"),
    )
    month = models.DateField(_("month"))
    deadline = models.DateField(_("deadline"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["project", "-month"]
        get_latest_by = "month"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "month"], name="period_unique_month",
                violation_error_message=_("This project already has this reporting period."),
            ),
            first_of_month_check("month", "period_month_is_month"),
            models.CheckConstraint(
                condition=Q(deadline__gt=models.F("month")), name="period_deadline_after_month",
                violation_error_message=_("The deadline must be after the start of the month."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.month:%Y-%m}"


class MonthlyReport(ProjectAudited, models.Model):
    """Kuukausiraportti: the status of one subproject in one month — or, without a
    subproject, the project's own report of the month, which carries the metrics of the
    goals and of the whole project (entered and approved by the project manager).

    Every metric value belongs to exactly one report: a subproject's metric to that
    subproject's report, any other metric of the project to the project's report. Approving
    a report publishes exactly its values; reopening it withdraws them."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned")
        APPROVED = "approved", _("approved")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="monthly_reports",
        verbose_name=_("project"),
    )
    subproject = models.ForeignKey(
        Subproject, on_delete=models.CASCADE, related_name="reports", null=True, blank=True,
        verbose_name=_("subproject"), help_text=_("Empty for the project's own report."),
    )
    period = models.DateField(_("month"))
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    light = models.CharField(
        _("status light"), max_length=10, choices=StatusLight.choices, blank=True
    )
    suggested_light = models.CharField(
        _("suggested status light"), max_length=10, choices=StatusLight.choices, blank=True
    )
    light_reason = models.TextField(_("reason for the chosen light"), blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)
    situation = models.TextField(_("Situation / key achievements"), blank=True)
    next_steps = models.TextField(_("Progress / upcoming actions"), blank=True)
    problems = models.TextField(_("Problems"), blank=True)
    help_needed = models.TextField(_("Help needed"), blank=True)
    return_comment = models.TextField(_("manager's comment"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("approved by"),
    )
    illustrative = models.BooleanField(
        _("illustrative data"), default=False, editable=False,
        help_text=_("Made up by the demo to show the portal in use (esimerkkiaineisto), not "
                    "reported by anyone."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["subproject", "-period"]
        constraints = [
            models.UniqueConstraint(
                fields=["subproject", "period"], name="report_one_per_month",
                violation_error_message=_("This subproject already has a report for this month."),
            ),
            models.UniqueConstraint(
                fields=["project", "period"], condition=Q(subproject__isnull=True),
                name="project_report_one_per_month",
                violation_error_message=_("This project already has its report for this month."),
            ),
            first_of_month_check("period", "report_period_is_month"),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100) | Q(progress__isnull=True),
                name="report_progress_percent",
                violation_error_message=_("Progress must be between 0 and 100 %%."),
            ),
        ]

        indexes = [
            models.Index(fields=["project", "period", "state"], name="report_project_month"),
            models.Index(fields=["project"], condition=Q(illustrative=True), name="report_illustrative"),
        ]

    def __str__(self) -> str:
        owner = self.subproject.code if self.subproject_id else self.project.code
        return f"{owner} {self.period:%Y-%m}"

    def save(self, *args, **kwargs):
        if self.project_id is None and self.subproject_id is not None:
            self.project_id = self.subproject.project_id
        super().save(*args, **kwargs)

    @property
    def is_project_report(self) -> bool:
        return self.subproject_id is None

    @property
    def is_locked(self) -> bool:
        return self.state == self.State.APPROVED


class ReportEvent(models.Model):
    """History of a report: who did what, when, and which fields changed."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        SAVED = "saved", _("saved")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned")
        APPROVED = "approved", _("approved")
        REOPENED = "reopened", _("reopened")
        VALUES = "values", _("metric values changed")
        IMPORTED = "imported", _("imported from Excel")

    report = models.ForeignKey(
        MonthlyReport, on_delete=models.CASCADE, related_name="events", verbose_name=_("report")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("user"),
    )
    # Set when the project's manager saved the report for its coordinator (an Excel sheet the
    # coordinator filled and the manager uploaded): `user` is the manager, this the coordinator.
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("on behalf of"),
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    comment = models.TextField(_("comment"), blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["report", "-at", "-id"]
        indexes = [
            # The newest reopening dates the API's monthly-reports (api.selectors).
            models.Index(fields=["at"], condition=Q(action="reopened"), name="event_reopened_at"),
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.action} {self.at:%Y-%m-%d %H:%M}"


class EvaluationRound(ProjectAudited, models.Model):
    """A dated self-evaluation of a project (lähtötilanne, väliarviointi, loppuarviointi)."""

    class Kind(models.TextChoices):
        BASELINE = "baseline", pgettext_lazy("evaluation round", "baseline")
        INTERIM = "interim", _("interim evaluation")
        FINAL = "final", _("final evaluation")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="evaluation_rounds",
        verbose_name=_("project"),
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(pgettext_lazy("the heading of an evaluation round", "title"),
                             max_length=200)
    summary = models.TextField(_("Monitoring and evaluation results"), blank=True)
    published = models.BooleanField(
        _("published"), default=False,
        help_text=_("A draft round is visible to the project's members only."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["project", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "date"], name="evaluation_unique_date",
                violation_error_message=_("This project already has an evaluation on this date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {format_date(self.date)} {self.title}"


class EvaluationNarrative(ProjectAudited, models.Model):
    """Tehdyt kehittämistoimenpiteet: what was done towards one goal by one round."""

    audit_project_path = "round.project_id"

    round = models.ForeignKey(
        EvaluationRound, on_delete=models.CASCADE, related_name="narratives",
        verbose_name=_("evaluation round"),
    )
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="evaluation_narratives",
        verbose_name=_("goal"),
    )
    text = models.TextField(_("development actions taken"))

    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("evaluation narrative")
        verbose_name_plural = _("evaluation narratives")
        ordering = ["round", "goal__code_sort"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "goal"], name="narrative_one_per_goal",
                violation_error_message=_("This round already has a narrative for this goal."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} – {self.goal.code}"


class Reminder(models.Model):
    """One reminder e-mail sent; the unique key makes sending idempotent (once a day)."""

    class Kind(models.TextChoices):
        COORDINATOR = "coordinator", _("reminder to a coordinator")
        DIGEST = "digest", _("digest to a project manager")

    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="reminders",
        verbose_name=_("reporting period"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    sent_on = models.DateField(_("sent on"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "user", "kind", "sent_on"], name="reminder_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.kind} → {self.user} {self.sent_on}"


class ProjectRollup(ProjectAudited, models.Model):
    """A project's month gathered for the steering group and Hankesalkku: completeness,
    status per work package, metric aggregates and a narrative summary."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="rollups", verbose_name=_("project")
    )
    month = models.DateField(_("month"))
    expected = models.PositiveIntegerField(_("reports expected"), default=0)
    reported = models.PositiveIntegerField(_("reports submitted"), default=0)
    approved = models.PositiveIntegerField(_("reports approved"), default=0)
    on_time = models.PositiveIntegerField(_("reports on time"), default=0)
    narrative_draft = models.TextField(_("summary assembled from the reports"), blank=True)
    narrative = models.TextField(_("summary by the project manager"), blank=True)
    computed_at = models.DateTimeField(_("computed at"))
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("monthly roll-up")
        verbose_name_plural = _("monthly roll-ups")
        ordering = ["project", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="rollup_one_per_month"),
            first_of_month_check("month", "rollup_month_is_month"),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.month:%Y-%m}"


class WorkPackageStatus(ProjectAudited, models.Model):
    """The status light of a work package in a roll-up: computed, or set by the manager."""

    audit_project_path = "rollup.project_id"

    rollup = models.ForeignKey(
        ProjectRollup, on_delete=models.CASCADE, related_name="work_package_statuses",
        verbose_name=_("roll-up"),
    )
    work_package = models.ForeignKey(
        "workpackages.WorkPackage", on_delete=models.CASCADE, related_name="+",
        verbose_name=_("work package"),
    )
    computed_light = models.CharField(
        _("computed light"), max_length=10, choices=StatusLight.choices, blank=True
    )
    override_light = models.CharField(
        _("light set by the manager"), max_length=10, choices=StatusLight.choices, blank=True
    )
    override_reason = models.TextField(_("reason for the override"), blank=True)
    counts = models.JSONField(_("lights of the subprojects"), default=dict, blank=True)

    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("work package status")
        verbose_name_plural = _("work package statuses")
        ordering = ["rollup", "work_package__code_sort"]
        constraints = [
            models.UniqueConstraint(fields=["rollup", "work_package"], name="wpstatus_unique"),
            models.CheckConstraint(
                condition=Q(override_light="") | ~Q(override_reason=""),
                name="wpstatus_override_has_reason",
                violation_error_message=_("Give the reason for overriding the light."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_package_id}: {self.light}"

    @property
    def light(self) -> str:
        return self.override_light or self.computed_light


class MetricAggregate(models.Model):
    """A metric's value for the month (over disaggregations) and for the year so far."""

    rollup = models.ForeignKey(
        ProjectRollup, on_delete=models.CASCADE, related_name="metric_aggregates",
        verbose_name=_("roll-up"),
    )
    metric = models.ForeignKey(
        "indicators.Metric", on_delete=models.CASCADE, related_name="+", verbose_name=_("metric")
    )
    method = models.CharField(_("method"), max_length=20)
    month_value = models.DecimalField(
        _("value of the month"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    year_to_date = models.DecimalField(
        _("year to date"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    value_count = models.PositiveIntegerField(_("values used"), default=0)

    class Meta:
        verbose_name = _("metric aggregate")
        verbose_name_plural = _("metric aggregates")
        ordering = ["rollup", "metric__code_sort"]
        constraints = [
            models.UniqueConstraint(fields=["rollup", "metric"], name="aggregate_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.metric_id}: {self.month_value}"


class GeneratedDocument(models.Model):
    """A PDF document asked for by a user and produced by a Celery worker."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("monthly status report")
        FINAL = "final", _("phase final report")
        EVALUATION = "evaluation", _("evaluation report")

    class Language(models.TextChoices):
        """The documents are written in Finnish or Swedish, the regions' official languages."""
        FINNISH = "fi", _("Finnish")
        SWEDISH = "sv", _("Swedish")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="documents", verbose_name=_("project")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    month = models.DateField(_("month"), null=True, blank=True)
    phase = models.ForeignKey(
        "projects.Phase", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("phase"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    file = models.FileField(_("file"), upload_to="documents/", blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    data_checksum = models.CharField(_("checksum of the data"), max_length=64, blank=True)
    file_checksum = models.CharField(_("checksum of the file"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    language = models.CharField(_("language of the document"), max_length=8,
                                choices=Language.choices, default=Language.FINNISH)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        ordering = ["project", "-requested_at"]
        constraints = [
            first_of_month_check("month", "document_month_is_month"),
        ]

    def __str__(self) -> str:
        month = format_month(self.month) if self.month else ""
        return f"{self.project.code} {self.get_kind_display()} {month}".strip()

    @property
    def filename(self) -> str:
        when = f"-{self.month:%Y-%m}" if self.month else ""
        language = "" if self.language == self.Language.FINNISH else f"-{self.language}"
        return f"{self.project.code}-{self.kind}{when}{language}.pdf"
