"""Fuzzing the report form (issue 7, robustness): whatever a browser can post, the answer is a
page with a clear message or a saved report — never a server error — and a refused post
changes nothing that was saved."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.models import Metric, MetricValue
from reports.models import MonthlyReport
from tests import factories

pytestmark = pytest.mark.django_db

TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300)
NUMBERISH = st.one_of(
    TEXT, st.integers(-10**12, 10**12).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=4).map(str),
    st.sampled_from(["kyllä", "ei", "3,5", "1e999", "NaN", "-0", " 12 ", "12 %", "4/4"]),
)


def snapshot(subproject):
    reports = list(MonthlyReport.objects.filter(subproject=subproject).values())
    values = list(MetricValue.objects.filter(metric__subproject=subproject).values())
    return reports, values


@pytest.fixture
def metrics(cast):
    kinds = [Metric.Kind.COUNT, Metric.Kind.SHARE, Metric.Kind.YES_NO, Metric.Kind.PHASE,
             Metric.Kind.MONEY]
    return [
        factories.MetricFactory(project=cast.project, subproject=cast.subproject, kind=kind,
                                code=f"F.{i}", min_value=0 if kind == Metric.Kind.COUNT else None)
        for i, kind in enumerate(kinds, 1)
    ]


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    light=st.one_of(st.sampled_from(["green", "yellow", "red", "grey", "blue", ""]), TEXT),
    progress=NUMBERISH, situation=TEXT, next_steps=TEXT,
    version=st.one_of(st.none(), NUMBERISH),
    action=st.sampled_from(["save", "submit", "copy", "delete", ""]),
    values=st.lists(NUMBERISH, min_size=5, max_size=5),
)
def test_any_post_to_the_report_form_is_answered_and_refusals_change_nothing(
        client, cast, metrics, light, progress, situation, next_steps, version, action, values):
    client.force_login(cast.coordinator)
    url = reverse("reports:edit", args=[cast.subproject.pk, "2022-05"])
    data = {"light": light, "progress": progress, "situation": situation,
            "next_steps": next_steps, "action": action}
    if version is not None:
        data["version"] = version
    for metric, value in zip(metrics, values, strict=True):
        data[f"metric_{metric.pk}"] = value
    before = snapshot(cast.subproject)
    response = client.post(url, data)
    assert response.status_code in (302, 409, 422), response.status_code
    if response.status_code in (409, 422):
        assert snapshot(cast.subproject) == before
        assert 'role="alert"' in response.content.decode() or "error" in response.content.decode()
