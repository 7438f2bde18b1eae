"""Writes of a plan's follow-up: actual costs against the budget and risk re-assessments."""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from projects.months import month_start
from workpackages.models import ActualCost, BudgetLine, Risk, RiskReview, Subproject


@transaction.atomic
def actual_cost_record(*, subproject: Subproject, period: dt.date, amount: Decimal,
                       category: str = BudgetLine.Category.ALL,
                       illustrative: bool = False) -> ActualCost:
    """Record (or correct) what the subproject spent in the month."""
    cost, _ = ActualCost.objects.update_or_create(
        subproject=subproject, period=month_start(period), category=category,
        defaults={"amount": amount, "illustrative": illustrative},
    )
    cost.full_clean()
    return cost


@transaction.atomic
def risk_review_record(*, risk: Risk, reviewed_on: dt.date, severity: int, probability: int,
                       note: str = "", illustrative: bool = False) -> RiskReview:
    """Record a dated re-assessment of the risk; the newest one is the risk's current
    severity and probability."""
    review, _ = RiskReview.objects.update_or_create(
        risk=risk, reviewed_on=reviewed_on,
        defaults={"severity": severity, "probability": probability, "note": note,
                  "illustrative": illustrative},
    )
    review.full_clean()
    risk = Risk.objects.select_for_update().get(pk=risk.pk)
    if risk.reviewed_on is None or reviewed_on >= risk.reviewed_on:
        risk.severity, risk.probability, risk.reviewed_on = severity, probability, reviewed_on
        risk.save(update_fields=["severity", "probability", "reviewed_on", "updated_at"])
    return review
