"""Budget use on the dashboards: the planned budget against the actual costs of the months
up to the chosen one, in all or per key (a project, a subproject, a year)."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from django.db.models.functions import ExtractYear

from workpackages.models import ActualCost, BudgetLine


@dataclass
class Budget:
    planned: Decimal = Decimal(0)
    actual: Decimal = Decimal(0)         # up to the end of the chosen month

    @property
    def use(self) -> float | None:
        return float(self.actual / self.planned) if self.planned else None

    @property
    def use_percent(self) -> float | None:
        return None if self.use is None else self.use * 100

    def add(self, other: "Budget") -> None:
        self.planned += other.planned
        self.actual += other.actual


def chart_row(label: str, budget: Budget) -> dict:
    """A bar pair of dashboards.charts.budget_bars_svg."""
    return {"label": label, "planned": float(budget.planned), "actual": float(budget.actual)}


def budgets(planned_rows, actual_rows) -> dict:
    """key -> Budget from (key, year, sum) rows of the plan and of the actual costs."""
    by_key: dict = defaultdict(Budget)
    for key, _year, total in planned_rows:
        by_key[key].planned += total or 0
    for key, _year, total in actual_rows:
        by_key[key].actual += total or 0
    return by_key


def planned(filter_q: Q, key: str):
    """(key, year, sum) of the budget lines matching the filter: one query."""
    return (BudgetLine.objects.filter(filter_q).order_by()
            .values_list(key, "year").annotate(total=Sum("amount")))


def actual(filter_q: Q, key: str, month: dt.date):
    """(key, year, sum) of the actual costs matching the filter up to the month: one query."""
    return (ActualCost.objects.filter(filter_q, period__lte=month).order_by()
            .values_list(key, ExtractYear("period")).annotate(total=Sum("amount")))
