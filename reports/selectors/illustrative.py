"""Whether illustrative data (the demo's esimerkkiaineisto) is held, so pages, documents and
the API can say so."""

from indicators.models import MetricValue
from reports.models import MonthlyReport
from workpackages.models import ActualCost, RiskReview


def holds_illustrative_data(*, project_id: int | None = None) -> bool:
    """Whether any report, metric value, cost or risk review (of the project, if given) is
    illustrative. Each check reads a partial index of the few illustrative rows."""
    paths = [(MonthlyReport, "project_id"), (MetricValue, "metric__project_id"),
             (ActualCost, "subproject__project_id"), (RiskReview, "risk__project_id")]
    for model, path in paths:
        rows = model.objects.filter(illustrative=True)
        if project_id is not None:
            rows = rows.filter(**{path: project_id})
        if rows.exists():
            return True
    return False
