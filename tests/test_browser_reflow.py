"""Reflow (WCAG 2.1 AA 1.4.10): every page of the coordinator's and the manager's monthly cycle
works at 320 CSS pixels wide, at 640 (1280 px at 200 % zoom) and at 1024 (a small laptop, the
narrowest desktop layout), without sideways scrolling of the page. Only data tables
and wide charts may scroll, inside their own labelled, focusable scroll region. The data has
the long Finnish names, compounds, URLs and codes real projects have; every details element is
opened, so what a user can unfold is measured too."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.models import Metric
from indicators.services import parse_metric_input
from reports import services
from reports.models import GeneratedDocument
from reports.services import ReportInput, ValueInput
from tests import factories
from tests.browser import AXE, log_in, screenshot
from tests.conftest import PASSWORD
from tests.test_dashboards import populate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (320, 640, 1024)
JUNE, JULY = dt.date(2022, 6, 1), dt.date(2022, 7, 1)
COMPOUND = "Perusterveydenhuoltoyksikköjärjestelmäkehittämissuunnitelmaluonnos"
URL = ("https://innokyla.fi/fi/toimintamalli/sosiaali-ja-terveydenhuollon-asiakasohjauksen-"
       "monikanavaisten-palvelukokonaisuuksien-yhteensovittaminen-pohjois-savossa")
CODE = "TP1.1-DIGI-OHJAUS-2022-PILOT"  # 30 characters at most
SUBPROJECT = ("Sosiaali- ja terveydenhuollon asiakasohjauksen monikanavaisten "
              f"palvelukokonaisuuksien yhteensovittaminen ({COMPOUND})")
TEXT = (f"Digihoitajien koulutus pidetty. {COMPOUND} valmistui, ja sen liitteet ovat "
        f"osoitteessa {URL}. Koodi {CODE} otettiin käyttöön kaikissa "
        "sosiaalihuollonpalvelukeskuksissa ja terveydenhuoltopalveluyksiköissä.")


def _values(metrics) -> list[ValueInput]:
    """A value and a long comment for every metric (and category) of the report."""
    values = []
    for metric in metrics:
        categories = list(metric.disaggregation.categories.all()) if metric.disaggregation else [None]
        for category in categories:
            values.append(ValueInput(metric, category, parse_metric_input(metric, "20"),
                                     comment=f"Arvio {COMPOUND}"))
    return values


def cycle_data(cast) -> dict:
    """The dashboards' data (tests.test_dashboards.populate) with the long names and texts of
    real projects; June submitted for review, July a draft, both saved through the services
    (so they have a history); a metric broken down by long category names."""
    populate(cast)
    project, sub = cast.project, cast.subproject
    project.name = f"Pohjois-Savon hyvinvointialueen {COMPOUND}hanke"
    project.save()
    project.region.name = "Pohjois-Savon hyvinvointialue"
    project.region.save()
    project.administrator.name = "Pohjois-Savon hyvinvointialueen palvelutuotantokeskus"
    project.administrator.save()
    work_package = sub.work_package
    work_package.name = f"Saatavuus, oikea-aikaisuus ja {COMPOUND}"
    work_package.objectives = TEXT
    work_package.save()
    sub.code, sub.name, sub.objective, sub.innokyla_url = CODE, SUBPROJECT, TEXT, URL
    sub.save()
    cast.coordinator.first_name = "Anna-Kaisa"
    cast.coordinator.last_name = "Väisänen-Kuusisto"
    cast.coordinator.save()
    breakdown = factories.DisaggregationFactory(name="Ikäryhmä ja palvelukanava")
    for name in ("Yli 75-vuotiaat kotihoidonasiakkaat, etäpalvelut",
                 f"Työikäiset ({COMPOUND})"):
        factories.DisaggregationCategoryFactory(disaggregation=breakdown, name=name)
    factories.MetricFactory(project=project, subproject=sub, code="A.4-ETÄPALVELUKONTAKTIT",
                            name=f"Etäpalvelukontaktien määrä {COMPOUND}", unit="asiakaskontaktia",
                            disaggregation=breakdown)
    factories.MetricFactory(project=project, code="H.1", name=f"Hankkeen {COMPOUND}mittari")
    for month in (JUNE, JULY):
        factories.ReportingPeriodFactory(project=project, month=month)
    metrics = list(Metric.objects.filter(subproject=sub).select_related("disaggregation"))
    fields = {"light": "green", "progress": 40, "situation": TEXT, "next_steps": TEXT,
              "problems": TEXT, "help_needed": TEXT, "light_reason": TEXT}
    june = services.monthly_report_save(
        subproject=sub, period=JUNE, user=cast.coordinator, expected_version=None,
        data=ReportInput(fields=fields, values=_values(metrics)))
    services.monthly_report_submit(report=june, user=cast.coordinator)
    services.monthly_report_save(
        subproject=sub, period=JULY, user=cast.coordinator, expected_version=None,
        data=ReportInput(fields={**fields, "light": ""}, values=_values(metrics[:1])))
    factories.GeneratedDocumentFactory(
        project=project, status=GeneratedDocument.Status.DONE, requested_by=cast.manager,
        pages=12, data_checksum="a" * 64, finished_at=timezone.now())
    return {"project": project, "sub": sub, "work_package": work_package}


def _dash(name, key):
    return lambda d: reverse(f"dashboards:{name}", args=[d[key].pk]) + "?month=2022-05&months=36"


# (page, who logs in, where it is); None: nobody logs in.
PAGES = [
    ("login", None, lambda d: reverse("login")),
    ("home", "koordinaattori", lambda d: reverse("home")),
    ("my-reports", "koordinaattori", lambda d: reverse("reports:mine")),
    ("report-form", "koordinaattori", lambda d: reverse("reports:edit", args=[d["sub"].pk, "2022-07"])),
    ("report-form-errors", "koordinaattori",
     lambda d: reverse("reports:edit", args=[d["sub"].pk, "2022-07"])),
    ("report-submitted", "koordinaattori",
     lambda d: reverse("reports:edit", args=[d["sub"].pk, "2022-06"])),
    ("manager-home", "paallikko", lambda d: reverse("reports:mine")),
    ("review", "paallikko",
     lambda d: reverse("reports:review", args=[d["project"].pk]) + "?month=2022-06"),
    ("review-confirm", "paallikko",
     lambda d: reverse("reports:review", args=[d["project"].pk]) + "?month=2022-06"),
    ("report-review", "paallikko", lambda d: reverse("reports:edit", args=[d["sub"].pk, "2022-06"])),
    ("project-report", "paallikko",
     lambda d: reverse("reports:project_report", args=[d["project"].pk, "2022-06"])),
    ("documents", "paallikko", lambda d: reverse("reports:documents", args=[d["project"].pk])),
    ("excel-upload", "paallikko",
     lambda d: reverse("reports:excel_upload", args=[d["project"].pk, "2022-06"])),
    ("dashboard-national", "paallikko", lambda d: reverse("dashboards:national") + "?month=2022-05"),
    ("dashboard-project", "paallikko", _dash("project", "project")),
    ("dashboard-work-package", "paallikko", _dash("work_package", "work_package")),
    ("dashboard-subproject", "koordinaattori", _dash("subproject", "sub")),
    ("audit", "paallikko", lambda d: reverse("project-audit", args=[d["project"].pk])),
]

REGIONS = ".table-scroll, .scroll"
# What sticks out of the viewport's right edge, outside the scroll regions (their own box is
# measured; what they hold may be wider), outside SVG drawings (which clip their content) and
# outside what is clipped away for screen readers only.
MEASURE = """(regions) => {
  const width = document.documentElement.clientWidth;
  const out = [];
  // Clipped to nothing (the visually hidden texts screen readers read): not on the screen.
  const hidden = el => {
    for (let a = el; a; a = a.parentElement) if (getComputedStyle(a).clip.startsWith('rect')) return true;
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    const region = el.closest(regions);
    if ((region && region !== el) || el.closest('svg') !== el && el.closest('svg')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right <= width + 0.5) continue;
    if (hidden(el)) continue;
    const classes = typeof el.className === 'string' ? el.className.trim().split(/\\s+/) : [];
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      classes.filter(Boolean).map(c => '.' + c).join('');
    out.push(`${name} right=${Math.round(box.right)}: ${(el.textContent || '').trim().slice(0, 60)}`);
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, out};
}"""
AXE_ALL = "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"


def _axe_violations(page) -> list[dict]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(AXE_ALL)
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]]


def _open_everything(page) -> None:
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")


def _check_page(live_server, page, cast, name, username, url, language="fi") -> None:
    data = cycle_data(cast)
    if language != "fi":  # the language a user chose with the header's menu
        page.context.add_cookies([{"name": "django_language", "value": language,
                                   "url": live_server.url}])
    if username:
        log_in(page, live_server, username, PASSWORD)
    response = page.goto(f"{live_server.url}{url(data)}")
    assert response.status == 200, name
    assert page.locator("html").get_attribute("lang") == language  # hyphens: auto needs it
    if name == "review-confirm":  # the page that asks "Hyväksy 2 raporttia?"
        for box in page.locator("input[name=report]").all():
            box.check()
        page.locator("form:has(input[name=report]) [type=submit]").click()
        page.locator("button[name=confirm]").wait_for()
    if name == "report-form-errors":  # submitted without a light: the error summary and marks
        page.locator("button[name=action][value=submit]").click()
        page.locator("#error-summary").wait_for()
    _open_everything(page)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.wait_for_timeout(50)  # the layout settles
        measured = page.evaluate(MEASURE, REGIONS)
        assert measured["scrollWidth"] <= measured["width"] and not measured["out"], (
            f"{name} at {width} px scrolls sideways (content {measured['scrollWidth']} px):\n"
            + "\n".join(measured["out"][:15]))
        screenshot(page, f"reflow-{name}-{language}-{width}")
        # Every scroll region is named and reachable by keyboard; one holding a data table is
        # a region (a landmark), one holding a chart a group.
        regions = page.evaluate(f"""() => [...document.querySelectorAll('{REGIONS}')].map(r =>
            [r.getAttribute('tabindex'), r.getAttribute('role'), r.getAttribute('aria-label'),
             r.querySelector('table') !== null])""")
        for tabindex, role, label, has_table in regions:
            assert tabindex == "0" and label, (name, regions)
            assert role == ("region" if has_table else "group"), (name, regions)
        violations = _axe_violations(page)
        assert not violations, f"{name} at {width} px: " + json.dumps(
            violations, ensure_ascii=False, indent=1)


@pytest.mark.parametrize(("name", "username", "url"), PAGES, ids=[p[0] for p in PAGES])
def test_page_reflows_without_sideways_scrolling(live_server, page, cast, name, username, url):
    _check_page(live_server, page, cast, name, username, url)


# Swedish words and labels are longer than the Finnish ones in places ("Ansvarsperson").
SWEDISH = [p for p in PAGES if p[0] in ("my-reports", "report-form", "review", "dashboard-project")]


@pytest.mark.parametrize(("name", "username", "url"), SWEDISH, ids=[p[0] for p in SWEDISH])
def test_swedish_page_reflows(live_server, page, cast, name, username, url):
    _check_page(live_server, page, cast, name, username, url, language="sv")


def test_long_words_wrap_in_the_report_form(live_server, page, cast):
    """The goal text (the subproject's objective) with its compound and URL stays inside the
    screen at 320 px: it wraps, nothing is cut at the right edge."""
    data = cycle_data(cast)
    log_in(page, live_server, "koordinaattori", PASSWORD)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server.url}{reverse('reports:edit', args=[data['sub'].pk, '2022-07'])}")
    objective = page.locator(".report-meta dd", has_text=COMPOUND).first
    box = objective.bounding_box()
    assert box["x"] + box["width"] <= 320
    assert box["height"] > 100  # wrapped over several lines, not clipped to one
    # The metric table's rows stack: the value and the comment field fit the screen.
    for field in page.locator("table.grid input").all():
        field_box = field.bounding_box()
        assert field_box["x"] >= 0 and field_box["x"] + field_box["width"] <= 320
    assert re.search(COMPOUND, page.locator("table.grid").inner_text())



def test_my_reports_are_cards_that_stay_a_table_for_screen_readers(live_server, page, cast):
    """At 320 px "Omat raportit" shows each month as a card whose every value says what it
    is; a screen reader still finds the table, its caption, rows and column headers."""
    cycle_data(cast)
    log_in(page, live_server, "koordinaattori", PASSWORD)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server.url}{reverse('reports:mine')}")
    table = page.get_by_role("table", name=re.compile("Muut avoimet ja myöhässä olevat raporttisi"))
    assert table.get_by_role("columnheader").count() == 5
    assert table.get_by_role("row").count() >= 1 + 1  # the header row and the other months
    first = table.locator("tbody tr").first
    assert first.evaluate("r => getComputedStyle(r).display") == "block"  # a card, not a row
    labels = first.evaluate("""r => [...r.cells].map(c =>
        getComputedStyle(c, '::before').content !== 'none' ? c.dataset.label : null)""")
    assert labels == ["Hanke", "Osahanke", "Kuukausi", "Tila", "Määräaika"]
    assert first.bounding_box()["width"] <= 320
