"""Whether illustrative data (the demo's esimerkkiaineisto) is held, so pages, documents and
the API can say so."""

from django.db.models import Exists, Q

from indicators.models import MetricValue
from projects.models import Programme
from reports.models import MonthlyReport
from workpackages.models import ActualCost, RiskReview


def holds_illustrative_data(*, project_id: int | None = None) -> bool:
    """Whether any report, metric value, cost or risk review (of the project, if given) is
    illustrative. One query: the EXISTS of each kind (the reports and values through their
    partial indexes), asked on the programme table — every project belongs to a programme,
    so without one there is no data at all."""
    paths = [(MonthlyReport, "project_id"), (MetricValue, "metric__project_id"),
             (ActualCost, "subproject__project_id"), (RiskReview, "risk__project_id")]
    held = Q()
    for model, path in paths:
        rows = model.objects.filter(illustrative=True)
        if project_id is not None:
            rows = rows.filter(**{path: project_id})
        held |= Exists(rows)
    return Programme.objects.filter(held).exists()
