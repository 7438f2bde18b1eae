"""The project workspace's money and follow-up areas (issue 11, parts 4–7): metrics and
their versioned targets, the budget and actual costs with the bookkeeping's CSV import, the
risk register with its monthly re-assessment, evaluation rounds with drafts. Driven through
the pages as a manager would, asserting what the pages, the dashboards and the API show."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import Metric, MetricTarget
from reports.models import EvaluationNarrative, EvaluationRound
from tests import factories
from workpackages.models import ActualCost, BudgetLine, CostImport, Risk, RiskReview

pytestmark = pytest.mark.django_db


def url(name, cast, *args):
    return reverse(f"workspace:{name}", args=[cast.project.pk, *args])


def page_text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def audit_rows(obj) -> int:
    return LogEntry.objects.get_for_object(obj).count()


@pytest.fixture
def manager(client, cast):
    client.force_login(cast.manager)
    return client


# --- Metrics and targets ---------------------------------------------------------------------

METRIC = {"code": "A.1", "name": "Etävastaanottojen määrä", "kind": "count", "unit": "kpl",
          "frequency": "monthly", "direction": "higher", "cumulative": "on",
          "disaggregation": "", "goal": "", "min_value": "", "max_value": ""}


def test_manager_defines_a_metric_owned_by_a_subproject(manager, cast):
    response = manager.post(url("metric_add", cast), {**METRIC, "subproject": cast.subproject.pk})
    assert response.status_code == 302
    metric = Metric.objects.get(project=cast.project, code="A.1")
    assert metric.subproject == cast.subproject and metric.cumulative and metric.unit == "kpl"
    assert audit_rows(metric) == 1
    listing = page_text(manager.get(url("metrics", cast)))
    assert "A.1 Etävastaanottojen määrä" in listing and "1.1 Digitiimi" in listing
    assert "kumulatiivinen" in listing


def test_a_target_change_is_a_new_version_and_old_months_keep_the_old_target(manager, cast):
    metric = factories.MetricFactory(project=cast.project, code="A.1", subproject=cast.subproject,
                                     name="Etävastaanotot")
    first = factories.MetricTargetFactory(metric=metric, baseline_value=10, target_value=100,
                                          effective_from=dt.date(2020, 1, 1))
    for month in (dt.date(2022, 5, 1), dt.date(2022, 6, 1)):
        factories.MetricValueFactory(metric=metric, period=month, value=40, published=True)
    # A change without its reason is refused, in Finnish, and nothing is saved.
    data = {"baseline_value": "10", "baseline_date": "1.1.2020", "target_value": "60",
            "target_date": "31.12.2023", "effective_from": "1.6.2022", "reason": ""}
    refused = manager.post(url("target_add", cast, metric.pk), data)
    assert refused.status_code == 400
    assert "Kerro tavoitteen muutoksen syy." in page_text(refused)
    assert MetricTarget.objects.filter(metric=metric).count() == 1
    data["reason"] = "Ohjausryhmä tarkisti tavoitteen 5/2022."
    assert manager.post(url("target_add", cast, metric.pk), data).status_code == 302
    versions = list(metric.targets.order_by("effective_from"))
    assert [(v.target_value, v.effective_from) for v in versions] == [
        (Decimal(100), dt.date(2020, 1, 1)), (Decimal(60), dt.date(2022, 6, 1))]
    first.refresh_from_db()
    assert first.target_value == 100 and audit_rows(first) == 1  # never overwritten
    assert audit_rows(versions[1]) == 1
    assert "Ohjausryhmä tarkisti tavoitteen" in page_text(manager.get(url("metrics", cast)))

    def card_target(month):
        html = manager.get(reverse("dashboards:project", args=[cast.project.pk])
                           + f"?month={month}").content.decode()
        card = re.search(rf'aria-labelledby="metric-{metric.pk}">(.*?)</article>', html, re.S)
        return re.sub(r"\s+", " ", re.search(r"<dt>Tavoite</dt><dd>(.*?)</dd>",
                                             card.group(1)).group(1))

    assert card_target("2022-05").startswith("100")     # May is judged by the old target
    assert card_target("2022-06").startswith("60")


def test_metric_input_errors_are_finnish_and_nothing_is_saved(manager, cast):
    response = manager.post(url("metric_add", cast), {**METRIC, "subproject": "",
                                                      "min_value": "paljon",
                                                      "max_value": "1" * 25})
    assert response.status_code == 400
    text = page_text(response)
    assert "Syötä luku." in text and "Etävastaanottojen määrä" in text  # typed values kept
    assert not Metric.objects.exists()


def test_a_metric_of_another_project_cannot_be_chosen_or_reached(manager, cast):
    other_metric = factories.MetricFactory(project=cast.other_project, code="X.1")
    assert manager.get(url("metric_edit", cast, other_metric.pk)).status_code == 404
    assert manager.post(url("target_add", cast, other_metric.pk), {}).status_code == 404
    response = manager.post(url("metric_add", cast), {**METRIC,
                                                      "subproject": cast.other_subproject.pk})
    assert response.status_code == 400 and not Metric.objects.filter(code="A.1").exists()


# --- Budget and costs ------------------------------------------------------------------------

def test_budget_table_sums_by_year_and_warns_when_it_differs_from_the_grant(manager, cast):
    factories.PhaseFactory(project=cast.project, state_grant=Decimal("30000.00"))
    for sub, year, amount in [(cast.subproject, "2021", "10 000,50"),
                              (cast.subproject, "2022", "5000"),
                              (cast.sibling, "2022", "12000")]:
        response = manager.post(url("budget_line_add", cast), {
            "subproject": sub.pk, "year": year, "category": "all", "amount": amount})
        assert response.status_code == 302, page_text(response)
    assert all(audit_rows(line) == 1 for line in BudgetLine.objects.all())
    text = page_text(manager.get(url("budget", cast)))
    assert "1.1 Digitiimi 10 000,50 5 000,00 15 000,50" in text
    assert "Yhteensä 10 000,50 17 000,00 27 000,50" in text
    assert "Talousarvio on yhteensä 27 000,50 €" in text and "30 000,00 €" in text
    line = BudgetLine.objects.get(subproject=cast.sibling)
    form = manager.get(url("budget_line_edit", cast, line.pk)).context["form"]
    version = manager.get(url("budget_line_edit", cast, line.pk)).context["version"]
    assert form.instance == line
    manager.post(url("budget_line_edit", cast, line.pk), {
        "subproject": cast.sibling.pk, "year": "2022", "category": "all", "amount": "14999,50",
        "version": version})
    assert "ovat yhtä suuret" not in page_text(manager.get(url("budget", cast)))
    text = page_text(manager.get(url("budget", cast)))
    assert "Talousarvio vastaa" in text   # 10 000,50 + 5 000 + 14 999,50 = 30 000


def test_invalid_budget_input_gives_finnish_errors_without_a_500(manager, cast):
    response = manager.post(url("budget_line_add", cast), {
        "subproject": cast.subproject.pk, "year": "kaksi", "category": "all",
        "amount": "1" * 25})
    assert response.status_code == 400
    text = page_text(response)
    assert "Syötä kokonaisluku." in text
    assert f'value="{"1" * 25}"' in response.content.decode()   # what was typed stays
    assert "Tässä luvussa voi olla yhteensä enintään 12 numeroa." in text
    assert not BudgetLine.objects.exists()


def test_a_stale_budget_edit_is_refused_and_the_typed_values_kept(manager, cast):
    line = factories.BudgetLineFactory(subproject=cast.subproject, year=2022, amount=1000)
    stale = manager.get(url("budget_line_edit", cast, line.pk)).context["version"]
    manager.post(url("budget_line_edit", cast, line.pk), {
        "subproject": cast.subproject.pk, "year": "2022", "category": "all", "amount": "2000",
        "version": stale})
    response = manager.post(url("budget_line_edit", cast, line.pk), {
        "subproject": cast.subproject.pk, "year": "2022", "category": "all", "amount": "3333,33",
        "version": stale})
    assert response.status_code == 400
    text = page_text(response)
    assert "Joku muu muutti tätä" in text or "muutti" in text
    assert 'value="3333,33"' in response.content.decode()
    line.refresh_from_db()
    assert line.amount == 2000 and audit_rows(line) == 2   # create + the first edit


def test_an_actual_cost_entered_by_hand(manager, cast):
    response = manager.post(url("cost_add", cast), {
        "subproject": cast.subproject.pk, "period": "5/2022", "category": "personnel",
        "amount": "1 234,56"})
    assert response.status_code == 302
    cost = ActualCost.objects.get()
    assert (cost.period, cost.amount) == (dt.date(2022, 5, 1), Decimal("1234.56"))
    assert audit_rows(cost) == 1
    assert "Toteutuneet kustannukset tähän mennessä: 1 234,56 €." in page_text(
        manager.get(url("budget", cast)))


VALID_CSV = ("\ufeffPäivämäärä;Osahanke;Kustannuslaji;Summa;Selite\r\n"
             "31.1.2022;1.1;henkilöstö;1 200,00;Palkat tammikuu\r\n"
             "15.1.2022;1.1;Henkilöstö;300,50;Lomaraha\r\n"
             "3.2.2022;1.2;ostopalvelut;2.500,25;Konsultti\r\n"
             "28.2.2022;1.2;matkat;99,9;Juna\r\n").encode("utf-8")


def upload(manager, cast, content: bytes, name="kirjanpito.csv"):
    return manager.post(url("cost_import", cast),
                        {"file": SimpleUploadedFile(name, content, "text/csv")})


def test_cost_import_of_a_valid_file(manager, cast):
    response = upload(manager, cast, VALID_CSV)
    assert response.status_code == 302
    costs = {(c.subproject.code, c.period, c.category): c.amount
             for c in ActualCost.objects.select_related("subproject")}
    assert costs == {
        ("1.1", dt.date(2022, 1, 1), "personnel"): Decimal("1500.50"),
        ("1.2", dt.date(2022, 2, 1), "purchased"): Decimal("2500.25"),
        ("1.2", dt.date(2022, 2, 1), "travel"): Decimal("99.90"),
    }
    assert all(audit_rows(c) == 1 for c in ActualCost.objects.all())
    text = page_text(manager.get(url("budget", cast)))
    assert "4 kustannusriviä tuotiin" in text and "4 100,65 €" in text


def test_cost_import_with_one_bad_row_imports_nothing_and_names_row_and_column(manager, cast):
    bad = VALID_CSV.replace(b"3.2.2022;1.2;ostopalvelut", b"3.2.2022;9.9;ostopalvelut")
    response = upload(manager, cast, bad)
    assert response.status_code == 400
    text = page_text(response)
    assert "Mitään ei tuotu." in text
    assert "4 osahankkeen tunnus Hankkeella ei ole osahanketta tunnuksella ”9.9”." in text
    assert not ActualCost.objects.exists() and not CostImport.objects.exists()
    many = VALID_CSV + b"32.1.2022;1.1;kahvi;12x\r\n;1.1;muut;" + b"9" * 25 + b"\r\n"
    text = page_text(upload(manager, cast, many))
    assert "6 päivämäärä ”32.1.2022” ei ole päivämäärä" in text
    assert "6 kustannuslaji ”kahvi” ei ole kustannuslaji" in text
    assert "6 summa ”12x” ei ole euromäärä" in text
    assert "7 summa Summa on liian suuri" in text
    assert not ActualCost.objects.exists()


def test_the_same_file_twice_does_not_double_the_costs(manager, cast):
    upload(manager, cast, VALID_CSV)
    before = {c.pk: c.amount for c in ActualCost.objects.all()}
    entries = LogEntry.objects.count()
    response = upload(manager, cast, VALID_CSV, name="sama.csv")
    assert response.status_code == 302
    assert "Tämä tiedosto on jo tuotu" in page_text(manager.get(url("budget", cast)))
    assert {c.pk: c.amount for c in ActualCost.objects.all()} == before
    assert LogEntry.objects.count() == entries
    # A later export that repeats January and adds March sets January, not adds to it.
    later = VALID_CSV + b"2.3.2022;1.1;henkil\xc3\xb6st\xc3\xb6;100;Maaliskuu\r\n"
    upload(manager, cast, later)
    assert ActualCost.objects.get(subproject=cast.subproject,
                                  period=dt.date(2022, 1, 1)).amount == Decimal("1500.50")
    assert ActualCost.objects.count() == 4 and CostImport.objects.count() == 2


@pytest.mark.parametrize("content", [b"\x00\x81\xff;;", b"\x81\x8d" * 50, b"", b";;;\n" * 3,
                                     ("31.1.2022;1.1;muut;" + "9" * 200_000).encode()])
def test_cost_import_of_garbage_is_refused_in_finnish(manager, cast, content):
    response = upload(manager, cast, content)
    assert response.status_code == 400
    assert "Mitään ei tuotu." in page_text(response) or "Lähetetty tiedosto on tyhjä." in \
        page_text(response)
    assert not ActualCost.objects.exists()


def test_cost_import_reads_windows_1252_and_iso_dates(manager, cast):
    content = "2022-03-31;1.1;Personal;10,00\n1.4.2022;1.1;övriga kostnader;5\n".encode("cp1252")
    assert upload(manager, cast, content).status_code == 302
    assert sorted(ActualCost.objects.values_list("category", "amount")) == [
        ("other", Decimal("5.00")), ("personnel", Decimal("10.00"))]


# --- Risk register ---------------------------------------------------------------------------

RISK = {"category": "staff", "description": "Farmaseutin rekrytointi viivästyy",
        "severity": "4", "probability": "50", "impact": "Palvelu alkaa myöhemmin",
        "mitigation": "Ostopalvelu", "owner": ""}


def test_risk_added_reassessed_monthly_and_closed(manager, cast, settings):
    assert manager.post(url("risk_add", cast), RISK).status_code == 302
    risk = Risk.objects.get()
    assert (risk.severity, risk.probability) == (4, 50) and risk.reviews.count() == 1
    assert audit_rows(risk) == 1
    first = risk.reviews.get()
    first.reviewed_on = dt.date(2022, 4, 20)   # as if added in April
    first.save()
    risk.refresh_from_db()
    version = manager.get(url("risk_review", cast, risk.pk)).context["version"]
    response = manager.post(url("risk_review", cast, risk.pk), {
        "reviewed_on": "20.5.2022", "severity": "2", "probability": "20",
        "note": "Rekrytointi onnistui", "version": version})
    assert response.status_code == 302
    risk.refresh_from_db()
    assert (risk.severity, risk.probability) == (2, 20)
    assert sorted(risk.reviews.values_list("reviewed_on", "severity", "probability")) == [
        (dt.date(2022, 4, 20), 4, 50), (dt.date(2022, 5, 20), 2, 20)]
    review = risk.reviews.get(reviewed_on=dt.date(2022, 5, 20))
    assert audit_rows(review) == 1 and audit_rows(risk) == 2
    html = page_text(manager.get(reverse("dashboards:project", args=[cast.project.pk])
                                 + "?month=2022-05"))
    assert "vakavuus 4 → 2, todennäköisyys 50 % → 20 %" in html
    # Closing: it leaves the open register; next month's dashboard no longer counts it.
    version = manager.get(url("risk_edit", cast, risk.pk)).context["version"]
    manager.post(url("risk_close", cast, risk.pk), {"version": version})
    risk.refresh_from_db()
    assert risk.closed_on is not None and audit_rows(risk) == 3
    text = page_text(manager.get(url("risks", cast)))
    assert "Suljetut riskit" in text and "Hankkeella ei ole avoimia riskejä." in text


def test_risk_input_errors_are_finnish(manager, cast):
    response = manager.post(url("risk_add", cast), {**RISK, "severity": "7",
                                                    "probability": "paljon"})
    assert response.status_code == 400
    text = page_text(response)
    assert "Tämän arvon on oltava enintään 5." in text
    assert "Syötä kokonaisluku." in text and "Farmaseutin rekrytointi viivästyy" in text
    assert not Risk.objects.exists()


def test_a_stale_risk_review_is_refused(manager, cast):
    risk = factories.RiskFactory(project=cast.project)
    stale = manager.get(url("risk_review", cast, risk.pk)).context["version"]
    data = {"reviewed_on": "20.5.2022", "severity": "2", "probability": "20", "version": stale}
    assert manager.post(url("risk_review", cast, risk.pk), data).status_code == 302
    response = manager.post(url("risk_review", cast, risk.pk),
                            {**data, "severity": "5", "note": "Oma arvioni"})
    assert response.status_code == 400 and "Oma arvioni" in response.content.decode()
    risk.refresh_from_db()
    assert risk.severity == 2 and risk.reviews.count() == 1


# --- Evaluation rounds -----------------------------------------------------------------------

def test_evaluation_round_draft_is_hidden_from_national_readers_until_published(
        manager, cast, client):
    goal = factories.GoalFactory(project=cast.project, code="1", name="Saatavuus paranee")
    response = manager.post(url("round_add", cast), {
        "date": "15.5.2022", "kind": "interim", "title": "Väliarviointi 5/2022",
        "summary": "Etävastaanotot vakiintuivat."})
    assert response.status_code == 302
    evaluation = EvaluationRound.objects.get()
    assert not evaluation.published and audit_rows(evaluation) == 1
    page = manager.get(url("round_narratives", cast, evaluation.pk))
    manager.post(url("round_narratives", cast, evaluation.pk), {
        f"goal_{goal.pk}": "Digihoitajat koulutettiin.", "version": page.context["version"]})
    narrative = EvaluationNarrative.objects.get()
    assert narrative.text == "Digihoitajat koulutettiin." and audit_rows(narrative) == 1
    assert "Luonnos" in page_text(manager.get(url("evaluation", cast)))

    def api_titles(user):
        client.force_login(user)
        rows = client.get("/api/v1/evaluation-rounds/?format=json").json()
        rows = rows.get("results", rows) if isinstance(rows, dict) else rows
        return [row["title"] for row in rows]

    assert api_titles(cast.steering) == ["Väliarviointi 5/2022"]   # a member sees the draft
    assert api_titles(cast.national) == []
    client.force_login(cast.manager)
    version = client.get(url("round_edit", cast, evaluation.pk)).context["version"]
    client.post(url("round_publish", cast, evaluation.pk), {"version": version})
    evaluation.refresh_from_db()
    assert evaluation.published and evaluation.published_at and audit_rows(evaluation) == 2
    assert api_titles(cast.national) == ["Väliarviointi 5/2022"]


def test_evaluation_pdf_prints_published_rounds_only(cast):
    from reports.pdf.evaluation import collect

    goal = factories.GoalFactory(project=cast.project, code="1")
    for title, published in [("Julkaistu arvio", True), ("Luonnosarvio", False)]:
        r = factories.EvaluationRoundFactory(project=cast.project, title=title,
                                             published=published)
        factories.EvaluationNarrativeFactory(round=r, goal=goal, text=title)
    printed = str(collect(project=cast.project))
    assert "Julkaistu arvio" in printed and "Luonnosarvio" not in printed


def test_evaluation_round_on_a_taken_date_is_refused_in_finnish(manager, cast):
    factories.EvaluationRoundFactory(project=cast.project, date=dt.date(2022, 5, 15))
    response = manager.post(url("round_add", cast), {
        "date": "15.5.2022", "kind": "interim", "title": "Toinen", "summary": ""})
    assert response.status_code == 400
    assert "Hankkeella on jo arviointi tälle päivälle." in page_text(response)


# --- Access ----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["coordinator", "steering", "national", "other_manager"])
def test_only_the_projects_manager_changes_anything(client, cast, role):
    risk = factories.RiskFactory(project=cast.project)
    line = factories.BudgetLineFactory(subproject=cast.subproject, year=2022, amount=10)
    client.force_login(getattr(cast, role))
    expected = 404 if role == "other_manager" else 403
    for name, args, data in [
        ("risk_add", [], RISK), ("risk_close", [risk.pk], {}),
        ("budget_line_edit", [line.pk], {"subproject": cast.subproject.pk, "year": "2022",
                                         "category": "all", "amount": "99"}),
        ("cost_import", [], {"file": SimpleUploadedFile("a.csv", VALID_CSV)}),
    ]:
        assert client.post(url(name, cast, *args), data).status_code == expected
    assert Risk.objects.count() == 1 and not ActualCost.objects.exists()
    risk.refresh_from_db()
    line.refresh_from_db()
    assert risk.closed_on is None and line.amount == 10 and not RiskReview.objects.exists()


def test_tampered_ids_of_another_projects_rows_give_404_and_change_nothing(manager, cast):
    """The manager's own project in the address, another project's row id: not found."""
    other = {
        "metric": factories.MetricFactory(project=cast.other_project),
        "line": factories.BudgetLineFactory(subproject=cast.other_subproject, year=2022,
                                            amount=10),
        "cost": factories.ActualCostFactory(subproject=cast.other_subproject, amount=10),
        "risk": factories.RiskFactory(project=cast.other_project),
        "round": factories.EvaluationRoundFactory(project=cast.other_project, published=False),
    }
    before = LogEntry.objects.count()
    for name, key, data in [
        ("metric_edit", "metric", METRIC), ("target_add", "metric", {}),
        ("budget_line_edit", "line", {"amount": "1"}), ("cost_edit", "cost", {"amount": "1"}),
        ("risk_edit", "risk", RISK), ("risk_review", "risk", {}), ("risk_close", "risk", {}),
        ("round_edit", "round", {}), ("round_narratives", "round", {}),
        ("round_publish", "round", {}),
    ]:
        assert manager.get(url(name, cast, other[key].pk)).status_code in (404, 405), name
        assert manager.post(url(name, cast, other[key].pk), data).status_code == 404, name
    assert LogEntry.objects.count() == before
    other["round"].refresh_from_db()
    other["risk"].refresh_from_db()
    assert not other["round"].published and other["risk"].closed_on is None


def test_the_hub_links_to_the_areas(manager, cast):
    text = page_text(manager.get(reverse("workspace:hub", args=[cast.project.pk])))
    for area in ("Mittarit ja tavoitteet", "Talousarvio ja kustannukset",
                 "Tuo kustannukset kirjanpidosta (CSV)", "Riskirekisteri", "Arviointikierrokset"):
        assert area in text


def test_a_closed_risk_or_a_future_date_is_not_reassessed(manager, cast):
    risk = factories.RiskFactory(project=cast.project, severity=3, probability=30)
    version = manager.get(url("risk_review", cast, risk.pk)).context["version"]
    future = (dt.date.today() + dt.timedelta(days=40)).strftime("%d.%m.%Y")
    data = {"reviewed_on": future, "severity": "5", "probability": "90", "version": version}
    response = manager.post(url("risk_review", cast, risk.pk), data)
    assert "Uudelleenarviointia ei voi päivätä tulevaisuuteen." in page_text(response)
    manager.post(url("risk_close", cast, risk.pk), {"version": version})
    risk.refresh_from_db()
    data = {**data, "reviewed_on": "20.5.2022", "version": risk.updated_at.isoformat()}
    response = manager.post(url("risk_review", cast, risk.pk), data)
    assert response.status_code == 400
    assert "Suljettua riskiä ei arvioida uudelleen; avaa se ensin uudelleen." in page_text(response)
    risk.refresh_from_db()
    assert (risk.severity, risk.probability) == (3, 30) and not risk.reviews.exists()


def test_cost_import_errors_are_in_the_users_language(manager, cast):
    bad = b"31.1.2022;9.9;resor;12x\n"
    response = manager.post(url("cost_import", cast),
                            {"file": SimpleUploadedFile("k.csv", bad)},
                            HTTP_ACCEPT_LANGUAGE="sv")
    text = page_text(response)
    assert "Ingenting importerades." in text
    assert "1 delprojektets kod Projektet har inget delprojekt med koden ”9.9”." in text
    assert "1 belopp ”12x” är inte ett belopp i euro" in text


def test_a_published_round_is_changed_only_after_a_return_to_draft(manager, cast):
    goal = factories.GoalFactory(project=cast.project, code="1")
    evaluation = factories.EvaluationRoundFactory(project=cast.project, title="Julkaistu",
                                                  date=dt.date(2022, 5, 15), published=True)
    data = {"date": "15.5.2022", "kind": "interim", "title": "Muutettu", "summary": "",
            "version": evaluation.updated_at.isoformat()}
    response = manager.post(url("round_edit", cast, evaluation.pk), data, follow=True)
    assert "Kierros on julkaistu: palauta se luonnokseksi ennen kuin muutat sitä." in \
        page_text(response)
    manager.post(url("round_narratives", cast, evaluation.pk), {f"goal_{goal.pk}": "Uusi"})
    evaluation.refresh_from_db()
    assert evaluation.title == "Julkaistu" and not evaluation.narratives.exists()
    manager.post(url("round_publish", cast, evaluation.pk),
                 {"version": evaluation.updated_at.isoformat(), "action": "unpublish"})
    evaluation.refresh_from_db()
    assert not evaluation.published and audit_rows(evaluation) == 2   # created, to draft
    data["version"] = evaluation.updated_at.isoformat()
    assert manager.post(url("round_edit", cast, evaluation.pk), data).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.title == "Muutettu"
