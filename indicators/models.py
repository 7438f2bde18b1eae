"""Metrics (mittarit), their versioned targets, disaggregations and the values entered."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from projects.audit import ProjectAudited
from projects.codes import natural_sort_key
from projects.models import Project
from projects.months import first_of_month_check
from workpackages.models import Goal, Subproject


class Disaggregation(models.Model):
    """A way to split a metric's values: age group, profession group, municipality …"""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_sv = models.CharField(_("name in Swedish"), max_length=100, blank=True)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("disaggregation")
        verbose_name_plural = _("disaggregations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DisaggregationCategory(models.Model):
    disaggregation = models.ForeignKey(
        Disaggregation, on_delete=models.CASCADE, related_name="categories",
        verbose_name=_("disaggregation"),
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    name_sv = models.CharField(_("name in Swedish"), max_length=100, blank=True)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("disaggregation category")
        verbose_name_plural = _("disaggregation categories")
        ordering = ["disaggregation", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["disaggregation", "code"], name="category_unique_code",
                violation_error_message=_("This disaggregation already has this category."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Metric(ProjectAudited, models.Model):
    class Kind(models.TextChoices):
        YES_NO = "yes_no", _("yes/no (on schedule)")
        COUNT = "count", _("count")
        SHARE = "share", _("share (%)")
        MONEY = "money", _("money (€)")
        DAYS = "days", _("days")
        PHASE = "phase", _("phase scale")
        TEXT = "text", _("free text")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("monthly")
        QUARTERLY = "quarterly", _("quarterly")
        YEARLY = "yearly", _("yearly")
        ONCE = "once", _("once")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("higher is better")
        LOWER = "lower", _("lower is better")

    class DataSource(models.TextChoices):
        MANUAL = "manual", _("manual entry")
        REGISTER = "register", _("register")
        SYSTEM = "system", _("information system")

    # The phase scale (suunnittelu → testaus → käyttöönotto → vakiintunut) is stored as 1–4.
    PHASES = [
        (1, _("planning")),
        (2, _("testing")),
        (3, _("deployment")),
        (4, _("established")),
    ]

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="metrics", verbose_name=_("project")
    )
    code = models.CharField(_("code"), max_length=30)
    code_sort = models.CharField(max_length=100, editable=False, db_index=True)
    name = models.TextField(_("name"))
    name_sv = models.TextField(_("name in Swedish"), blank=True)
    name_en = models.TextField(_("name in English"), blank=True)
    goal = models.ForeignKey(
        Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="metrics",
        verbose_name=_("goal"),
    )
    subproject = models.ForeignKey(
        Subproject, on_delete=models.SET_NULL, null=True, blank=True, related_name="metrics",
        verbose_name=_("subproject"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    frequency = models.CharField(
        _("frequency"), max_length=20, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    cumulative = models.BooleanField(
        _("cumulative"), default=False,
        help_text=_("Values are running totals; they are never summed over months."),
    )
    disaggregation = models.ForeignKey(
        Disaggregation, on_delete=models.PROTECT, null=True, blank=True, related_name="metrics",
        verbose_name=_("disaggregation"),
    )
    min_value = models.DecimalField(
        _("smallest allowed value"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("largest allowed value"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    data_source = models.CharField(
        _("data source"), max_length=20, choices=DataSource.choices, default=DataSource.MANUAL
    )
    source_name = models.CharField(
        _("source name"), max_length=100, blank=True, help_text=_("E.g. Sotkanet, Logex.")
    )
    external_id = models.CharField(
        _("external statistic"), max_length=100, blank=True,
        help_text=_("The corresponding Sotkanet indicator id or Statistics Finland table."),
    )
    sotkanet_indicator = models.PositiveIntegerField(
        _("Sotkanet indicator"), null=True, blank=True,
        help_text=_("The numeric id of a THL Sotkanet indicator shown beside the metric as its "
                    "regional and national context."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("metric")
        verbose_name_plural = _("metrics")
        ordering = ["project", "code_sort"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "code"], name="metric_unique_code",
                violation_error_message=_("This project already has a metric with this code."),
            ),
            models.CheckConstraint(
                condition=Q(max_value__gte=F("min_value"))
                | Q(min_value__isnull=True) | Q(max_value__isnull=True),
                name="metric_range_ordered",
                violation_error_message=_("The largest allowed value is below the smallest."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name[:80]}"

    def save(self, *args, **kwargs):
        self.code_sort = natural_sort_key(self.code)
        super().save(*args, **kwargs)

    def clean(self):
        """The subproject (whose report owns the values) and the goal are the project's own."""
        errors = {}
        if self.subproject_id and self.project_id and self.subproject.project_id != self.project_id:
            errors["subproject"] = _("The subproject belongs to another project.")
        if self.goal_id and self.project_id and self.goal.project_id != self.project_id:
            errors["goal"] = _("The goal belongs to another project.")
        if errors:
            raise ValidationError(errors)


class MetricTarget(ProjectAudited, models.Model):
    """One version of a metric's baseline and target. A new version keeps the old ones, so
    each month is judged against the target that was valid then."""

    audit_project_path = "metric.project_id"

    metric = models.ForeignKey(
        Metric, on_delete=models.CASCADE, related_name="targets", verbose_name=_("metric")
    )
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    target_value = models.DecimalField(
        _("target value"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    effective_from = models.DateField(_("valid from"))
    reason = models.TextField(_("reason for the change"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("metric target")
        verbose_name_plural = _("metric targets")
        ordering = ["metric", "-effective_from"]
        get_latest_by = "effective_from"
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "effective_from"], name="target_unique_version",
                violation_error_message=_("This metric already has a target valid from this date."),
            ),
            models.CheckConstraint(
                condition=Q(target_date__gt=F("baseline_date"))
                | Q(target_date__isnull=True) | Q(baseline_date__isnull=True),
                name="target_after_baseline",
                violation_error_message=_("The target date must be after the baseline date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric.code}: {self.baseline_value} → {self.target_value}"


# The value column holds 14 digits, 4 of them decimals: anything at or beyond this is refused.
VALUE_LIMIT = 10**10


class MetricValue(ProjectAudited, models.Model):
    """A metric's value for a period, optionally for one disaggregation category.

    `published` is set when the report the value belongs to is approved and cleared when it
    is reopened (reports.services); national readers read published values only."""

    audit_project_path = "metric.project_id"

    metric = models.ForeignKey(
        Metric, on_delete=models.CASCADE, related_name="values", verbose_name=_("metric")
    )
    period = models.DateField(_("period"))
    category = models.ForeignKey(
        DisaggregationCategory, on_delete=models.PROTECT, null=True, blank=True,
        related_name="values", verbose_name=_("category"),
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4, null=True, blank=True)
    text_value = models.TextField(_("text value"), blank=True)
    comment = models.TextField(_("comment"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("entered by"),
    )
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    illustrative = models.BooleanField(
        _("illustrative data"), default=False, editable=False,
        help_text=_("Made up by the demo to show the portal in use (esimerkkiaineisto), not "
                    "reported by anyone."),
    )
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("metric value")
        verbose_name_plural = _("metric values")
        ordering = ["metric", "period", "category"]
        indexes = [
            # The national export: published values in id order, a plain index scan.
            models.Index(fields=["id"], condition=Q(published=True), name="value_published"),
            models.Index(fields=["metric"], condition=Q(illustrative=True), name="value_illustrative"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gt=-VALUE_LIMIT, value__lt=VALUE_LIMIT) | Q(value__isnull=True),
                name="value_within_column",
                violation_error_message=_("The value is too large."),
            ),
            models.CheckConstraint(
                condition=Q(published=False) | Q(published_at__isnull=False),
                name="value_published_has_time",
            ),
            models.UniqueConstraint(
                fields=["metric", "period"], condition=Q(category__isnull=True),
                name="value_unique_period_total",
                violation_error_message=_("This metric already has a value for this period."),
            ),
            models.UniqueConstraint(
                fields=["metric", "period", "category"], condition=Q(category__isnull=False),
                name="value_unique_period_category",
                violation_error_message=_(
                    "This metric already has a value for this period and category."
                ),
            ),
            first_of_month_check("period", "value_period_is_month"),
        ]

    def __str__(self) -> str:
        return f"{self.metric.code} {self.period:%Y-%m}: {self.value}"


class ValueWithdrawal(models.Model):
    """A published value withdrawn from national readers because its report was reopened.
    Kept after the value itself is changed or deleted, so an incremental reader learns of it
    (`/api/v1/metric-values/withdrawn/?since=`)."""

    value_id = models.BigIntegerField(_("value id"), db_index=True)
    metric = models.ForeignKey(
        Metric, on_delete=models.CASCADE, related_name="withdrawals", verbose_name=_("metric")
    )
    period = models.DateField(_("period"))
    category = models.ForeignKey(
        DisaggregationCategory, on_delete=models.CASCADE, null=True, blank=True,
        related_name="+", verbose_name=_("category"),
    )
    # When the value was withdrawn (named as every row's change time, for updated_since).
    updated_at = models.DateTimeField(_("withdrawn at"), db_index=True)

    class Meta:
        verbose_name = _("withdrawn value")
        verbose_name_plural = _("withdrawn values")
        ordering = ["updated_at", "id"]

    def __str__(self) -> str:
        return f"{self.metric.code} {self.period:%Y-%m} {self.updated_at:%Y-%m-%d %H:%M}"


# Sotkanet's answers are attributed as THL asks (https://sotkanet.fi, open data CC BY 4.0).
SOTKANET_SOURCE = "THL, Sotkanet"
SOTKANET_LICENCE = "CC BY 4.0"


class SotkanetIndicator(models.Model):
    """A Sotkanet indicator's metadata as last fetched, and when fetching last succeeded or
    failed. Its values are SotkanetValue rows; a failed fetch leaves both as they were."""

    indicator_id = models.PositiveIntegerField(_("Sotkanet indicator"), unique=True)
    title = models.TextField(_("name"), blank=True)
    title_sv = models.TextField(_("name in Swedish"), blank=True)
    title_en = models.TextField(_("name in English"), blank=True)
    organization = models.CharField(_("producer"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=100, blank=True)
    decimals = models.PositiveSmallIntegerField(_("decimals"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=100, default=SOTKANET_SOURCE)
    licence = models.CharField(_("licence"), max_length=40, default=SOTKANET_LICENCE)
    fetched_at = models.DateTimeField(_("fetched at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("last failed fetch"), null=True, blank=True)
    failure = models.TextField(_("reason of the last failed fetch"), blank=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("Sotkanet indicator")
        verbose_name_plural = _("Sotkanet indicators")
        ordering = ["indicator_id"]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.title[:80]}"

    def title_in(self, lang: str) -> str:
        """The name in the language (sv, en), else in Finnish."""
        translated = getattr(self, f"title_{lang}", "") if lang in ("sv", "en") else ""
        return translated or self.title


class SotkanetValue(models.Model):
    """One yearly value of a Sotkanet indicator for one Sotkanet region (a wellbeing
    services county or the whole country), as fetched."""

    indicator = models.ForeignKey(
        SotkanetIndicator, on_delete=models.CASCADE, related_name="values",
        verbose_name=_("Sotkanet indicator"),
    )
    region_id = models.PositiveIntegerField(_("Sotkanet region"))
    year = models.PositiveSmallIntegerField(_("year"))
    gender = models.CharField(_("gender"), max_length=10, default="total")
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)

    class Meta:
        verbose_name = _("Sotkanet value")
        verbose_name_plural = _("Sotkanet values")
        ordering = ["indicator", "region_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "region_id", "year", "gender"],
                                    name="sotkanet_value_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.indicator_id} {self.region_id} {self.year}: {self.value}"
