"""Writes of metric values, and the rules that check a value before it is saved."""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import (
    VALUE_LIMIT,
    DisaggregationCategory,
    Metric,
    MetricTarget,
    MetricValue,
    ValueWithdrawal,
)
from projects.formatting import decimal_comma, format_month, phase_from_keyword
from projects.months import month_start
from projects.versioning import save_if_unchanged

# A value that differs from the previous period's by more than this share (and by more than
# SUDDEN_CHANGE_MIN_ABS) asks for a comment instead of being refused.
SUDDEN_CHANGE_SHARE = Decimal("0.5")
SUDDEN_CHANGE_MIN_ABS = Decimal("5")

YES = {"1", "kyllä", "kylla", "k", "yes", "y", "ja", "j", "true"}
NO = {"0", "ei", "e", "no", "n", "nej", "false"}
DEFAULT_RANGES: dict[str, tuple[Decimal | None, Decimal | None]] = {
    Metric.Kind.YES_NO: (Decimal(0), Decimal(1)),
    Metric.Kind.COUNT: (Decimal(0), None),
    Metric.Kind.SHARE: (Decimal(0), Decimal(100)),
    Metric.Kind.MONEY: (Decimal(0), None),
    Metric.Kind.DAYS: (Decimal(0), None),
    Metric.Kind.PHASE: (Decimal(1), Decimal(4)),
}

# Decimals a value of the kind may have (the column keeps four).
DECIMAL_PLACES = {Metric.Kind.MONEY: 2}
TEXT_VALUE_MAX_LENGTH = 2000
COMMENT_MAX_LENGTH = 1000


class ValueLocked(ValidationError):
    """The value is published: its report is approved and must be reopened first."""


@dataclass
class ParsedValue:
    value: Decimal | None
    text: str

    @property
    def is_empty(self) -> bool:
        return self.value is None and not self.text


# The unit a user may type after a number of the kind ("12 %", "1 250,50 €").
UNIT_SUFFIXES = {Metric.Kind.SHARE: "%", Metric.Kind.MONEY: "€"}
# Digits with an optional sign, decimal point and exponent: no underscores, no other scripts.
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?", re.ASCII)


def _number(raw: str, kind: str) -> Decimal:
    cleaned = raw.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
    suffix = UNIT_SUFFIXES.get(kind)
    if suffix and cleaned.endswith(suffix):
        cleaned = cleaned[: -len(suffix)]
    # Up to a thousand characters is parsed (an Excel cell of 1E-300 written out in full is
    # 302), so the message says what is wrong with it: too large, or too many decimals.
    if len(cleaned) > 1000 or not NUMBER.fullmatch(cleaned):
        raise ValidationError(_("Enter a number, e.g. 12 or 3,5."))
    return Decimal(cleaned)


def parse_metric_input(metric: Metric, raw) -> ParsedValue:
    """Turn what a user typed (or an Excel cell) into a value of the metric's kind.

    Raises ValidationError with a message the user can act on."""
    if raw is None:
        return ParsedValue(None, "")
    if isinstance(raw, bool):  # an Excel TRUE/FALSE cell: an answer, not a number
        if metric.kind != Metric.Kind.YES_NO:
            raise ValidationError(_("Enter a number, e.g. 12 or 3,5."))
        raw = "1" if raw else "0"
    if isinstance(raw, int | float | Decimal):  # an Excel number cell: written out in full
        number = Decimal(str(raw))
        raw = f"{number:f}" if number.is_finite() else str(raw)
    text = str(raw).strip()
    if not text:
        return ParsedValue(None, "")
    if metric.kind == Metric.Kind.TEXT:
        if len(text) > TEXT_VALUE_MAX_LENGTH:
            raise ValidationError(_("Write at most %(limit)d characters (now %(count)d).") % {
                "limit": TEXT_VALUE_MAX_LENGTH, "count": len(text)})
        return ParsedValue(None, text)
    if metric.kind == Metric.Kind.YES_NO:
        lowered = text.lower()
        if lowered in YES:
            return ParsedValue(Decimal(1), "")
        if lowered in NO:
            return ParsedValue(Decimal(0), "")
        raise ValidationError(_("Answer yes or no (kyllä/ei)."))
    if metric.kind == Metric.Kind.PHASE and phase_from_keyword(text):
        # the Finnish or Swedish name of the phase, also without the umlauts
        return ParsedValue(Decimal(phase_from_keyword(text)), "")
    number = _number(text, metric.kind)
    if abs(number) >= VALUE_LIMIT:
        raise ValidationError(_("The value is too large: at most %(limit)s.") % {
            "limit": "9 999 999 999"})
    places = DECIMAL_PLACES.get(metric.kind, 4)
    if number != number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN):
        if metric.kind == Metric.Kind.MONEY:
            raise ValidationError(_("Give a sum of money to the cent, e.g. 1250,50."))
        raise ValidationError(_("Give at most %(places)d decimals.") % {"places": places})
    if metric.kind == Metric.Kind.COUNT and number != number.to_integral_value():
        raise ValidationError(_("A count is a whole number."))
    if metric.kind == Metric.Kind.PHASE and number not in (1, 2, 3, 4):
        raise ValidationError(
            _("Choose a phase: planning, testing, deployment or established (1–4).")
        )
    low, high = DEFAULT_RANGES.get(metric.kind, (None, None))
    if metric.min_value is not None:
        low = metric.min_value
    if metric.max_value is not None:
        high = metric.max_value
    if low is not None and number < low:
        raise ValidationError(_("The value cannot be below %(low)s.") % {"low": decimal_comma(low)})
    if high is not None and number > high:
        raise ValidationError(_("The value cannot be above %(high)s.") % {"high": decimal_comma(high)})
    return ParsedValue(number, "")


def check_comment(parsed: ParsedValue, comment: str) -> None:
    """A comment is kept with its value: a comment without one would be dropped unseen."""
    if parsed.is_empty and comment.strip():
        raise ValidationError(_("A comment is saved with its value: enter the value, or clear "
                                "the comment."))


def check_period(period: dt.date, project=None) -> None:
    """A value or report cannot be for a month that has not begun, nor (given the project)
    for a month outside the project's phases."""
    if period > month_start(timezone.localdate()):
        raise ValidationError(_("The period %(month)s is in the future.") % {
            "month": format_month(period)})
    if project is None:
        return
    bounds = project.phases.aggregate(first=Min("start_date"), last=Max("end_date"))
    first, last = bounds["first"], bounds["last"]
    if (first and period < month_start(first)) or (last and period > month_start(last)):
        raise ValidationError(_(
            "The month %(month)s is outside the project's phases (%(first)s–%(last)s)."
        ) % {"month": format_month(period), "first": format_month(first),
             "last": format_month(last)})


def is_sudden_change(previous: Decimal | None, value: Decimal | None) -> bool:
    """True when the value is far from the previous period's (the rule: more than 50 %
    and more than 5 units apart). Such a value is saved only with a comment."""
    if previous is None or value is None:
        return False
    difference = abs(value - previous)
    if difference <= SUDDEN_CHANGE_MIN_ABS:
        return False
    base = abs(previous) or Decimal(1)
    return difference / base > SUDDEN_CHANGE_SHARE


def metrics_due(metrics, month: dt.date, entered_once: set[int]) -> list[Metric]:
    """The metrics whose values are due in the month, by their frequency."""
    due = []
    for metric in metrics:
        if metric.frequency == Metric.Frequency.MONTHLY:
            due.append(metric)
        elif metric.frequency == Metric.Frequency.QUARTERLY and month.month % 3 == 0:
            due.append(metric)
        elif metric.frequency == Metric.Frequency.YEARLY and month.month == 12:
            due.append(metric)
        elif metric.frequency == Metric.Frequency.ONCE and metric.pk not in entered_once:
            due.append(metric)
    return due


@transaction.atomic
def metric_value_set(
    *, metric: Metric, period: dt.date, category: DisaggregationCategory | None,
    parsed: ParsedValue, comment: str, user,
) -> tuple[MetricValue | None, dict | None]:
    """Create, update or (for an empty input) delete the value. Returns the row and a
    change record {old, new} when something changed, else None."""
    existing = MetricValue.objects.select_for_update(of=("self",)).order_by().filter(
        metric=metric, period=period, category=category
    ).first()
    old = _as_record(existing)
    if parsed.is_empty:
        if existing is None:
            return None, None
        _refuse_if_published(existing)
        existing.delete()
        return None, {"old": old, "new": None}
    if existing is None:
        existing = MetricValue(metric=metric, period=period, category=category)
    new = _as_record(MetricValue(value=parsed.value, text_value=parsed.text, comment=comment))
    if new == old:
        return existing, None
    _refuse_if_published(existing)
    existing.value, existing.text_value = parsed.value, parsed.text
    existing.comment, existing.entered_by = comment, user
    existing.save()
    return existing, {"old": old, "new": new}


def _refuse_if_published(value: MetricValue) -> None:
    """Resending a published value unchanged is fine; changing it is not."""
    if value.published:
        raise ValueLocked(_(
            "The value of %(code)s for %(month)s is approved and published; the project "
            "manager must reopen its report before it can change."
        ) % {"code": value.metric.code, "month": format_month(value.period)})


def _as_record(value: MetricValue | None) -> dict | None:
    if value is None:
        return None
    number = value.value
    return {
        "value": None if number is None else decimal_comma(Decimal(number)),
        "text": value.text_value,
        "comment": value.comment,
    }


def values_publish(values, *, at) -> int:
    """Publish the values (a queryset): national readers see them from now on, and an
    incremental reader finds them by `updated_since`."""
    return values.filter(published=False).update(published=True, published_at=at, updated_at=at)


def values_withdraw(values, *, at) -> int:
    """Withdraw published values from national readers, recording each withdrawal."""
    rows = list(values.filter(published=True).values_list("pk", "metric_id", "period",
                                                           "category_id"))
    ValueWithdrawal.objects.bulk_create([
        ValueWithdrawal(value_id=pk, metric_id=metric_id, period=period,
                        category_id=category_id, updated_at=at)
        for pk, metric_id, period, category_id in rows
    ])
    return values.filter(pk__in=[row[0] for row in rows]).update(
        published=False, published_at=None, updated_at=at)


# --- Metrics and targets (workspace, issue 11 part 4) --------------------------------------

# What a metric's values mean and which report owns them: kept once it has values (as in the
# admin and the plan workbook); a new metric is made instead.
METRIC_MEANING = ("subproject", "kind", "disaggregation", "frequency", "cumulative")


@transaction.atomic
def metric_save(form, version: str) -> Metric:
    """A metric defined or changed (its goal and subproject are the project's own: the
    model's clean checks them). A metric with values keeps its METRIC_MEANING."""
    metric = form.instance
    stored = Metric.objects.select_for_update().filter(pk=metric.pk, values__isnull=False) \
        .first() if metric.pk else None
    if stored is not None:
        errors = {name: _("Metric %(code)s already has reported values, so its “%(column)s” "
                          "cannot change: that would change what the reported figures mean. "
                          "Keep it as it was, or add a new metric with a new code.")
                  % {"code": stored.code, "column": Metric._meta.get_field(name).verbose_name}
                  for name in METRIC_MEANING
                  if getattr(stored, attname := Metric._meta.get_field(name).attname)
                  != getattr(metric, attname)}
        if errors:
            raise ValidationError(errors)
    return save_if_unchanged(form, version)


@transaction.atomic
def metric_target_add(target: MetricTarget) -> MetricTarget:
    """A new version of a metric's baseline and target. The earlier versions stay, so each
    month is judged against the target valid then; a change needs its reason."""
    earlier = MetricTarget.objects.select_for_update().filter(metric=target.metric)
    errors = {}
    if earlier.exists() and not target.reason.strip():
        errors["reason"] = _("Give the reason for changing the target.")
    if earlier.filter(effective_from=target.effective_from).exists():
        errors["effective_from"] = _(
            "This metric already has a target valid from this date; a change is a new "
            "version from a later date.")
    if errors:
        raise ValidationError(errors)
    target.pk = None
    target.full_clean()
    target.save()
    return target
