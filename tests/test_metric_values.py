"""Metric values in the report form: each kind validated as it needs, nothing lost."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators.models import Metric, MetricValue
from indicators.services import is_sudden_change, parse_metric_input
from reports.models import MonthlyReport
from tests import factories

pytestmark = pytest.mark.django_db

TEXTS = {"light": "green", "situation": "Tilanne", "next_steps": "Eteneminen"}


def metric(kind, **extra):
    return Metric(code="X.1", name="Mittari", kind=kind, **extra)


@pytest.mark.parametrize("kind, raw, expected", [
    ("yes_no", "kyllä", Decimal(1)), ("yes_no", "Ei", Decimal(0)),
    ("count", "12", Decimal(12)), ("share", "3,5 %", Decimal("3.5")),
    ("money", "1 200,50", Decimal("1200.50")), ("days", "14", Decimal(14)),
    ("phase", "testaus", Decimal(2)), ("phase", "4", Decimal(4)),
])
def test_accepted_input_of_each_kind(kind, raw, expected):
    assert parse_metric_input(metric(kind), raw).value == expected


def test_text_metric_keeps_the_text():
    parsed = parse_metric_input(metric("text"), "  Malli kuvattu  ")
    assert parsed.value is None and parsed.text == "Malli kuvattu"


@pytest.mark.parametrize("kind, raw, message", [
    ("yes_no", "ehkä", "Vastaa kyllä tai ei."),
    ("count", "2,5", "Lukumäärä on kokonaisluku."),
    ("count", "-1", "Arvo ei voi olla pienempi kuin 0."),
    ("share", "130", "Arvo ei voi olla suurempi kuin 100."),
    ("share", "paljon", "Anna luku, esimerkiksi 12 tai 3,5."),
    ("phase", "7", "Valitse vaihe"),
])
def test_refused_input_of_each_kind_has_a_finnish_message(kind, raw, message):
    with pytest.raises(ValidationError) as excinfo:
        parse_metric_input(metric(kind), raw)
    assert message in " ".join(excinfo.value.messages)


def test_metric_specific_range_applies():
    with pytest.raises(ValidationError) as excinfo:
        parse_metric_input(metric("count", max_value=Decimal(50)), "51")
    assert "Arvo ei voi olla suurempi kuin 50." in excinfo.value.messages


def test_sudden_change_rule():
    assert is_sudden_change(Decimal(10), Decimal(40))
    assert not is_sudden_change(Decimal(10), Decimal(14))       # within 5 units
    assert not is_sudden_change(Decimal(100), Decimal(140))     # within 50 %
    assert not is_sudden_change(None, Decimal(140))


@pytest.fixture
def share_metric(cast):
    m = factories.MetricFactory(project=cast.project, subproject=cast.subproject, code="A.1",
                                name="Etäkäyntien osuus", kind=Metric.Kind.SHARE, unit="%")
    return m


def url(cast, month="2022-05"):
    return reverse("reports:edit", args=[cast.subproject.pk, month])


def test_bad_value_is_refused_at_the_field_and_everything_typed_is_kept(client, cast, share_metric):
    client.force_login(cast.coordinator)
    field = f"metric_{share_metric.pk}"
    response = client.post(url(cast), {**TEXTS, field: "130", "action": "save",
                                       "situation": "Kirjoitin pitkän tekstin"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Arvo ei voi olla suurempi kuin 100." in page
    assert f'id="id_{field}_error"' in page and 'aria-invalid="true"' in page
    assert "Kirjoitin pitkän tekstin" in page and 'value="130"' in page
    assert not MonthlyReport.objects.exists() and not MetricValue.objects.exists()


def test_value_is_saved_with_the_report_and_shown_again(client, cast, share_metric):
    client.force_login(cast.coordinator)
    field = f"metric_{share_metric.pk}"
    client.post(url(cast), {**TEXTS, field: "3,5", "action": "save"})
    value = MetricValue.objects.get(metric=share_metric, period=cast.month)
    assert value.value == Decimal("3.5") and value.entered_by == cast.coordinator
    assert 'value="3,5"' in client.get(url(cast)).content.decode()


def test_value_far_from_last_months_asks_for_a_comment_on_submit(client, cast, share_metric):
    factories.MetricValueFactory(metric=share_metric, period=dt.date(2022, 4, 1), value=10)
    client.force_login(cast.coordinator)
    field = f"metric_{share_metric.pk}"
    response = client.post(url(cast), {**TEXTS, field: "60", "action": "submit"})
    assert response.status_code == 422
    assert "Arvo poikkeaa paljon edellisen kuukauden arvosta (10 %)" in response.content.decode()
    report = MonthlyReport.objects.get()
    assert report.state == "draft"  # the draft is kept
    response = client.post(url(cast), {
        **TEXTS, field: "60", f"comment_{share_metric.pk}": "Uusi etäpalvelu avattiin.",
        "action": "submit", "version": report.version,
    })
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == "submitted"


def test_disaggregated_metric_is_a_grid(client, cast):
    dis = factories.DisaggregationFactory(code="age_group", name="Ikäryhmä")
    cats = [factories.DisaggregationCategoryFactory(disaggregation=dis, code=c, name=n, order=i)
            for i, (c, n) in enumerate([("children", "Lapset ja nuoret"),
                                        ("working_age", "Työikäiset")])]
    m = factories.MetricFactory(project=cast.project, subproject=cast.subproject, code="B.1",
                                kind=Metric.Kind.COUNT, disaggregation=dis)
    client.force_login(cast.coordinator)
    page = client.get(url(cast)).content.decode()
    assert "Lapset ja nuoret" in page and "Työikäiset" in page
    client.post(url(cast), {**TEXTS, f"metric_{m.pk}_{cats[0].pk}": "4",
                            f"metric_{m.pk}_{cats[1].pk}": "7", "action": "save"})
    assert dict(MetricValue.objects.values_list("category__code", "value")) == {
        "children": Decimal(4), "working_age": Decimal(7)}


def test_missing_value_blocks_submit_but_not_the_draft(client, cast, share_metric):
    client.force_login(cast.coordinator)
    response = client.post(url(cast), {**TEXTS, "action": "submit"})
    assert response.status_code == 422
    assert "Anna arvo ennen lähettämistä." in response.content.decode()
    assert MonthlyReport.objects.get().state == "draft"


def test_quarterly_metric_is_due_only_at_quarter_end(client, cast):
    factories.MetricFactory(project=cast.project, subproject=cast.subproject, code="Q.1",
                            name="Neljännesvuosimittari", frequency="quarterly")
    client.force_login(cast.coordinator)
    assert "Neljännesvuosimittari" not in client.get(url(cast, "2022-05")).content.decode()
    assert "Neljännesvuosimittari" in client.get(url(cast, "2022-06")).content.decode()
