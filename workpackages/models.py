"""What a project plans: work packages, the goal tree, subprojects, their activities,
outputs, budgets and risks."""

from django.conf import settings
from django.db import models
from django.db.models import ExpressionWrapper, F, Q
from django.utils.translation import gettext_lazy as _

from projects.audit import ProjectAudited
from projects.codes import natural_sort_key
from projects.models import BenefitGoal, Membership, Organisation, Person, Project
from projects.months import first_of_month_check


class WorkPackage(ProjectAudited, models.Model):
    """Työpaketti / kehittämiskokonaisuus / teema: a group of subprojects."""

    class Kind(models.TextChoices):
        WORK_PACKAGE = "work_package", _("work package")
        DEVELOPMENT_ENTITY = "development_entity", _("development entity")
        THEME = "theme", _("theme")
        CROSS_CUTTING = "cross_cutting", _("cross-cutting programme")
        COORDINATION = "coordination", _("coordination")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="work_packages", verbose_name=_("project")
    )
    code = models.CharField(_("code"), max_length=30)
    code_sort = models.CharField(max_length=100, editable=False, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=30, choices=Kind.choices, default=Kind.WORK_PACKAGE
    )
    benefit_goals = models.ManyToManyField(
        BenefitGoal, blank=True, related_name="work_packages",
        verbose_name=_("national benefit goals"),
    )
    lead_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="led_work_packages",
        verbose_name=_("lead organisations"),
    )
    lead_people = models.ManyToManyField(
        Person, blank=True, related_name="led_work_packages", verbose_name=_("responsible people")
    )
    description = models.TextField(_("description"), blank=True)
    objectives = models.TextField(_("Objectives (Tavoitteet)"), blank=True)
    why = models.TextField(_("Why is the work done?"), blank=True)
    achieved = models.TextField(_("What was achieved?"), blank=True)
    next_steps = models.TextField(_("What next?"), blank=True)
    lessons = models.TextField(_("Lessons for future developers"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("work package")
        verbose_name_plural = _("work packages")
        ordering = ["project", "code_sort"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "code"], name="workpackage_unique_code",
                violation_error_message=_("This project already has a work package with this code."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        self.code_sort = natural_sort_key(self.code)
        super().save(*args, **kwargs)


class Goal(ProjectAudited, models.Model):
    """A node of a project's goal tree: benefit goal → process goal → sub-goal."""

    class Level(models.TextChoices):
        BENEFIT = "benefit", _("benefit goal")
        PROCESS = "process", _("process goal")
        SUB = "sub", _("sub-goal")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="goals", verbose_name=_("project")
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children",
        verbose_name=_("parent goal"),
    )
    code = models.CharField(_("code"), max_length=30)
    code_sort = models.CharField(max_length=100, editable=False, db_index=True)
    name = models.TextField(_("name"))
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    benefit_goal = models.ForeignKey(
        BenefitGoal, on_delete=models.SET_NULL, null=True, blank=True, related_name="goals",
        verbose_name=_("national benefit goal"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["project", "code_sort"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "code"], name="goal_unique_code",
                violation_error_message=_("This project already has a goal with this code."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name[:80]}"

    def save(self, *args, **kwargs):
        self.code_sort = natural_sort_key(self.code)
        super().save(*args, **kwargs)


def _expected_to_report(month) -> Q:
    """The one rule of who reports: started (not flagged "alkaa myöhemmin"), planned to
    run in the month, an open start or end counting as running, and not closed by then."""
    return (
        Q(starts_later=False)
        & (Q(start_month__lte=month) | Q(start_month__isnull=True))
        & (Q(end_month__gte=month) | Q(end_month__isnull=True))
        & (Q(closed_from__gt=month) | Q(closed_from__isnull=True))
    )


class SubprojectQuerySet(models.QuerySet):
    def reported_by(self, user):
        """The subprojects whose monthly reports the user writes: as one of the plan's
        responsible people or as a reporting coordinator, in a project where the user holds
        a role now (an ended role reports no more)."""
        current = Membership.objects.current().filter(person__user=user).values("project_id")
        return self.filter(
            Q(responsible_people__user=user) | Q(reporting_coordinators__user=user),
            project_id__in=current,
        ).distinct()

    def expected_to_report(self, month):
        """The subprojects whose report of the month is expected. `month` is a date or an
        expression giving one per row (an F() of an annotated month)."""
        return self.filter(_expected_to_report(month))

    def with_expected_to_report(self, month):
        """Every subproject, each with `expected_to_report` (a bool) for the month: the same
        rule for pages that list the subprojects not expected to report too."""
        return self.annotate(expected_to_report=ExpressionWrapper(
            _expected_to_report(month), output_field=models.BooleanField()))


class Subproject(ProjectAudited, models.Model):
    """Osahanke / osa-alue / toimenpide: the unit a coordinator reports on every month."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="subprojects", verbose_name=_("project")
    )
    work_package = models.ForeignKey(
        WorkPackage, on_delete=models.CASCADE, related_name="subprojects",
        verbose_name=_("work package"),
    )
    code = models.CharField(_("code"), max_length=30)
    code_sort = models.CharField(max_length=100, editable=False, db_index=True)
    name = models.CharField(_("name"), max_length=300)
    objective = models.TextField(_("objective (Tavoite)"), blank=True)
    goals = models.ManyToManyField(
        Goal, blank=True, related_name="subprojects", verbose_name=_("goals")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="subprojects", verbose_name=_("responsible organisation"),
    )
    responsible_people = models.ManyToManyField(
        Person, blank=True, related_name="subprojects", verbose_name=_("responsible people")
    )
    reporting_coordinators = models.ManyToManyField(
        Person, blank=True, related_name="reported_subprojects",
        verbose_name=_("reporting coordinators"),
        help_text=_("Portal users who write the monthly reports without being responsible "
                    "people of the plan (e.g. a coordinator reporting on behalf of the team)."),
    )
    start_month = models.DateField(_("planned start month"), null=True, blank=True)
    end_month = models.DateField(_("planned end month"), null=True, blank=True)
    starts_later = models.BooleanField(
        _("starts later"), default=False, help_text=_("Alkaa myöhemmin: shown grey.")
    )
    carried_over = models.BooleanField(
        _("started in the previous phase"), default=False,
        help_text=_("Alkanut edellisessä vaiheessa: shown with *."),
    )
    innokyla_url = models.URLField(_("Innokylä page"), blank=True)
    closed_from = models.DateField(
        _("closed from"), null=True, blank=True,
        help_text=_("From this month on the subproject is no longer expected to report; its "
                    "reports and history stay."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = SubprojectQuerySet.as_manager()

    class Meta:
        verbose_name = _("subproject")
        verbose_name_plural = _("subprojects")
        ordering = ["project", "work_package__code_sort", "code_sort"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "code"], name="subproject_unique_code",
                violation_error_message=_("This project already has a subproject with this code."),
            ),
            models.CheckConstraint(
                condition=Q(end_month__gte=F("start_month"))
                | Q(start_month__isnull=True) | Q(end_month__isnull=True),
                name="subproject_end_after_start",
                violation_error_message=_("The end month cannot be before the start month."),
            ),
            first_of_month_check("start_month", "subproject_start_is_month"),
            first_of_month_check("end_month", "subproject_end_is_month"),
            first_of_month_check("closed_from", "subproject_closed_is_month"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        self.code_sort = natural_sort_key(self.code)
        if self.work_package_id and not self.project_id:
            self.project_id = self.work_package.project_id
        super().save(*args, **kwargs)

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.work_package_id and self.project_id and (
            self.work_package.project_id != self.project_id
        ):
            raise ValidationError(
                {"work_package": _("The work package belongs to another project.")}
            )


class Activity(ProjectAudited, models.Model):
    """A bar of the timeline: a named stretch of work inside a subproject."""

    audit_project_path = "subproject.project_id"

    subproject = models.ForeignKey(
        Subproject, on_delete=models.CASCADE, related_name="activities",
        verbose_name=_("subproject"),
    )
    name = models.CharField(_("name"), max_length=300)
    start_month = models.DateField(_("start month"))
    end_month = models.DateField(_("end month"))
    order = models.PositiveIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["subproject", "start_month", "order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_month__gte=F("start_month")), name="activity_end_after_start",
                violation_error_message=_("The end month cannot be before the start month."),
            ),
            first_of_month_check("start_month", "activity_start_is_month"),
            first_of_month_check("end_month", "activity_end_is_month"),
        ]

    def __str__(self) -> str:
        return self.name


class Output(ProjectAudited, models.Model):
    """Tuotos: a model, handbook, survey, training or network the work produced."""

    audit_project_path = "work_package.project_id"

    class Kind(models.TextChoices):
        MODEL = "model", _("operating model")
        HANDBOOK = "handbook", _("handbook")
        SURVEY = "survey", _("survey")
        TRAINING = "training", _("training")
        NETWORK = "network", _("network")
        REPORT = "report", _("report")
        OTHER = "other", _("other")

    work_package = models.ForeignKey(
        WorkPackage, on_delete=models.CASCADE, related_name="outputs",
        verbose_name=_("work package"),
    )
    subproject = models.ForeignKey(
        Subproject, on_delete=models.SET_NULL, null=True, blank=True, related_name="outputs",
        verbose_name=_("subproject"),
    )
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("link"), blank=True, max_length=500)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("output")
        verbose_name_plural = _("outputs")
        ordering = ["work_package", "id"]

    def __str__(self) -> str:
        return self.name


class BudgetLine(ProjectAudited, models.Model):
    """Planned money for a subproject in a year, optionally per cost category."""

    audit_project_path = "subproject.project_id"

    class Category(models.TextChoices):
        ALL = "all", _("all costs")
        PERSONNEL = "personnel", _("personnel")
        PURCHASED = "purchased", _("purchased services")
        TRAVEL = "travel", _("travel")
        OTHER = "other", _("other costs")

    subproject = models.ForeignKey(
        Subproject, on_delete=models.CASCADE, related_name="budget_lines",
        verbose_name=_("subproject"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    category = models.CharField(
        _("cost category"), max_length=20, choices=Category.choices, default=Category.ALL
    )
    amount = models.DecimalField(_("planned amount (€)"), max_digits=12, decimal_places=2)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["subproject", "year", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["subproject", "year", "category"], name="budgetline_unique_year",
                violation_error_message=_(
                    "This subproject already has a budget for this year and category."
                ),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="budgetline_non_negative",
                violation_error_message=_("A budget cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="budgetline_year_range",
                violation_error_message=_("Give the year as four digits, e.g. 2022."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subproject.code} {self.year}: {self.amount} €"


class ActualCost(ProjectAudited, models.Model):
    """Money actually spent by a subproject in a month (or the first month of a quarter)."""

    audit_project_path = "subproject.project_id"

    subproject = models.ForeignKey(
        Subproject, on_delete=models.CASCADE, related_name="actual_costs",
        verbose_name=_("subproject"),
    )
    period = models.DateField(_("month"))
    category = models.CharField(
        _("cost category"), max_length=20, choices=BudgetLine.Category.choices,
        default=BudgetLine.Category.ALL,
    )
    amount = models.DecimalField(_("actual cost (€)"), max_digits=12, decimal_places=2)
    illustrative = models.BooleanField(
        _("illustrative data"), default=False, editable=False,
        help_text=_("Made up by the demo to show the portal in use (esimerkkiaineisto), not "
                    "reported by anyone."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("actual cost")
        verbose_name_plural = _("actual costs")
        ordering = ["subproject", "period", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["subproject", "period", "category"], name="actualcost_unique_period",
                violation_error_message=_(
                    "This subproject already has a cost for this month and category."
                ),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="actualcost_non_negative",
                violation_error_message=_("A cost cannot be negative."),
            ),
            first_of_month_check("period", "actualcost_period_is_month"),
        ]

    def __str__(self) -> str:
        return f"{self.subproject.code} {self.period:%Y-%m}: {self.amount} €"


class Risk(ProjectAudited, models.Model):
    class Category(models.TextChoices):
        STAFF = "staff", _("staff")
        FINANCE = "finance", _("finance")
        SCHEDULE = "schedule", _("schedule")
        COMMUNICATION = "communication", _("flow of information")
        COMMITMENT = "commitment", _("commitment")
        OTHER = "other", _("other")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="risks", verbose_name=_("project")
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.TextField(_("description"))
    severity = models.PositiveSmallIntegerField(
        _("severity (1–5)"), help_text=_("1 = very small risk, 5 = serious risk.")
    )
    probability = models.PositiveSmallIntegerField(_("probability (%)"))
    mitigation = models.TextField(_("mitigation"), blank=True)
    impact = models.TextField(_("impact"), blank=True)
    owner = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="risks",
        verbose_name=_("owner"),
    )
    reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    closed_on = models.DateField(
        _("closed on"), null=True, blank=True,
        help_text=_("A closed risk stays in the register's history but is no longer assessed."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["project", "-severity", "-probability"]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__gte=1, severity__lte=5), name="risk_severity_1_5",
                violation_error_message=_("Severity must be between 1 and 5."),
            ),
            models.CheckConstraint(
                condition=Q(probability__gte=0, probability__lte=100),
                name="risk_probability_percent",
                violation_error_message=_("Probability must be between 0 and 100 %%."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.description[:60]}"

    @property
    def score(self) -> float:
        return self.severity * self.probability / 100


class RiskReview(ProjectAudited, models.Model):
    """A dated re-assessment of a risk, so its history can be followed."""

    audit_project_path = "risk.project_id"

    risk = models.ForeignKey(
        Risk, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("risk")
    )
    reviewed_on = models.DateField(_("reviewed on"))
    severity = models.PositiveSmallIntegerField(_("severity (1–5)"))
    probability = models.PositiveSmallIntegerField(_("probability (%)"))
    note = models.TextField(_("note"), blank=True)
    illustrative = models.BooleanField(
        _("illustrative data"), default=False, editable=False,
        help_text=_("Made up by the demo to show the portal in use (esimerkkiaineisto), not "
                    "reported by anyone."),
    )

    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("risk review")
        verbose_name_plural = _("risk reviews")
        ordering = ["risk", "-reviewed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__gte=1, severity__lte=5), name="riskreview_severity_1_5",
                violation_error_message=_("Severity must be between 1 and 5."),
            ),
            models.CheckConstraint(
                condition=Q(probability__gte=0, probability__lte=100),
                name="riskreview_probability_percent",
                violation_error_message=_("Probability must be between 0 and 100 %%."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.risk} @ {self.reviewed_on}"


class CostImport(ProjectAudited, models.Model):
    """One accepted import of the bookkeeping's cost export. The file's SHA-256 is kept, so
    the same file imported again is recognised and changes nothing."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="cost_imports", verbose_name=_("project")
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    sha256 = models.CharField(_("content hash"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cost import")
        verbose_name_plural = _("cost imports")
        ordering = ["project", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "sha256"], name="costimport_unique_file"),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.file_name} ({self.rows})"
