import pytest

from indicators.models import Metric
from projects.codes import natural_sort_key
from tests import factories
from workpackages.models import Goal


def test_natural_sort_key_orders_codes_as_they_read():
    codes = ["1.10", "A.10", "1.2", "A.2", "2", "1", "B.1", "A", "10.1", "1.1"]
    assert sorted(codes, key=natural_sort_key) == [
        "1", "1.1", "1.2", "1.10", "2", "10.1", "A", "A.2", "A.10", "B.1",
    ]


@pytest.mark.django_db
def test_goals_and_metrics_come_out_of_the_database_in_natural_order():
    project = factories.ProjectFactory()
    for code in ["1.10", "1.2", "1.1", "2.1"]:
        factories.GoalFactory(project=project, code=code)
    for code in ["A.10", "A.2", "B.1", "A.1"]:
        factories.MetricFactory(project=project, code=code)
    assert list(Goal.objects.filter(project=project).values_list("code", flat=True)) == [
        "1.1", "1.2", "1.10", "2.1",
    ]
    assert list(Metric.objects.filter(project=project).values_list("code", flat=True)) == [
        "A.1", "A.2", "A.10", "B.1",
    ]
