"""A metric's monthly series and whether it will reach its target at the current pace.

Pure functions over plain values, so the rule can be read and tested on its own."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from indicators.models import Metric
from reports.rollups import SUM_KINDS

PACE_MONTHS = 12  # the pace is the trend of the last twelve monthly values

MET = "met"                # the latest value already reaches the target
ON_TRACK = "on_track"      # at the current pace the target is reached by its date
OFF_TRACK = "off_track"    # at the current pace the target is not reached by its date
NOT_MET = "not_met"        # the target date has passed and the latest value falls short
UNKNOWN = "unknown"        # too few values (or no target date) to project
NO_TARGET = "no_target"    # no target value valid in the month
NO_DATA = "no_data"        # no value up to the month


def monthly_series(kind: str, rows) -> dict[dt.date, Decimal]:
    """One value per month from (period, category id, value) rows, by the roll-up's rule:
    the total row where it was entered, else the categories summed (count, money) or
    averaged (other kinds)."""
    by_period: dict[dt.date, dict] = defaultdict(dict)
    for period, category_id, value in rows:
        by_period[period][category_id] = value
    series = {}
    for period, values in by_period.items():
        if None in values:
            series[period] = values[None]
        elif kind in SUM_KINDS:
            series[period] = sum(values.values())
        else:
            series[period] = sum(values.values()) / len(values)
    return dict(sorted(series.items()))


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _slope(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of value over month index."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    if not sxx:
        return 0.0
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx


@dataclass
class Progress:
    status: str
    latest: float | None = None
    latest_period: dt.date | None = None
    share: float | None = None       # progress from baseline to target, 1.0 = reached
    projected: float | None = None   # value expected at the target date at the current pace
    pace: float | None = None        # change per month

    @property
    def share_percent(self) -> float | None:
        return None if self.share is None else self.share * 100


def judge(*, series: dict[dt.date, Decimal], month: dt.date, baseline: Decimal | None,
          target: Decimal | None, target_date: dt.date | None,
          direction: str = Metric.Direction.HIGHER) -> Progress:
    """Will the metric reach its target at the current pace?

    The rule (linear projection):
    1. Only values of months up to the chosen month count; the target is the one valid in
       that month (the caller picks the MetricTarget version). Without a target value the
       answer is "no target", without any value "no data".
    2. Progress to target is (latest − baseline) / (target − baseline); 100 % = reached.
    3. If the latest value already reaches the target (≥ target when higher is better,
       ≤ when lower is better) the target is "met".
    4. If the target date's month is before the chosen month, the target is "not met".
    5. Otherwise the pace is the least-squares slope of the last twelve monthly values (at
       least two are needed, and a target date; else "unknown"), and the projected value is
       latest + pace × (months from the latest value to the target date's month). If it
       reaches the target the metric is "on track", otherwise "off track"."""
    points = [(p, float(v)) for p, v in series.items() if p <= month and v is not None]
    if target is None:
        latest = points[-1] if points else (None, None)
        return Progress(NO_TARGET, latest=latest[1], latest_period=latest[0])
    if not points:
        return Progress(NO_DATA)
    goal = float(target)
    lower_is_better = direction == Metric.Direction.LOWER
    latest_period, latest = points[-1]
    share = None
    if baseline is not None and float(baseline) != goal:
        share = (latest - float(baseline)) / (goal - float(baseline))
    result = Progress(UNKNOWN, latest=latest, latest_period=latest_period, share=share)

    def reaches(value: float) -> bool:
        return value <= goal if lower_is_better else value >= goal

    if reaches(latest):
        result.status = MET
        return result
    if target_date is not None and _month_index(target_date) < _month_index(month):
        result.status = NOT_MET
        return result
    recent = points[-PACE_MONTHS:]
    if target_date is None or len(recent) < 2:
        return result
    result.pace = _slope([(_month_index(p), v) for p, v in recent])
    remaining = _month_index(target_date) - _month_index(latest_period)
    result.projected = latest + result.pace * remaining
    result.status = ON_TRACK if reaches(result.projected) else OFF_TRACK
    return result
