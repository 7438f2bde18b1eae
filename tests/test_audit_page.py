"""The project audit page as a manager reads it (issue 13): narrowed by person, subproject,
field and Finnish dates, paged 50 at a time, refusals said on the page in the reader's
language, the CSV narrowed the same way; people by their names, times in Finnish time; no
model field name of a report or a metric value as visible text on the history or audit page;
the language menu names each language in that language."""

import csv
import datetime as dt
import html
import io
import re
from html.parser import HTMLParser

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from indicators.models import Metric, MetricValue
from reports.models import MonthlyReport
from tests import factories
from tests.test_reporting_workflow import FILLED, edit_url, post

pytestmark = pytest.mark.django_db

UTC = dt.UTC


class _VisibleText(HTMLParser):
    """What a reader sees or hears of a page: the text outside scripts and styles, and the
    names given in attributes (aria-label, title, alt, placeholder)."""

    SPOKEN = {"aria-label", "title", "alt", "placeholder"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        self.parts.extend(value for name, value in attrs if name in self.SPOKEN and value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(response) -> str:
    parser = _VisibleText()
    parser.feed(response.content.decode())
    return " ".join(" ".join(parser.parts).split())


def audit_url(cast, **params) -> str:
    url = reverse("project-audit", args=[cast.project.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def rows(response) -> list[str]:
    """The audit table's body rows, as text (a space between cells and list items)."""
    body = response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"<(td|li)\b", r" <\1", row))).split())
            for row in body.split("<tr>")[1:]]


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def in_language(client, code: str) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code


@pytest.fixture
def cycle(client, cast):
    """A real month: the coordinator saves (with a metric value) and submits, the manager
    returns it with a comment, the coordinator fixes and resubmits, the manager approves and
    reopens it — every step through the pages and their services."""
    metric = factories.MetricFactory(project=cast.project, subproject=cast.subproject, code="A.1",
                                     name="Asiakkaat", kind=Metric.Kind.COUNT)
    client.force_login(cast.coordinator)
    assert post(client, cast, **{f"metric_{metric.pk}": "12"}).status_code == 302
    assert post(client, cast, action="submit", **{f"metric_{metric.pk}": "12"}).status_code == 302
    report = MonthlyReport.objects.get(subproject=cast.subproject, period=cast.month)
    client.force_login(cast.manager)
    client.post(reverse("reports:return", args=[report.pk]), {"comment": "Lisää luvut."})
    client.force_login(cast.coordinator)
    assert post(client, cast, action="submit", situation="Luvut lisätty.",
                **{f"metric_{metric.pk}": "14"}).status_code == 302
    client.force_login(cast.manager)
    client.post(reverse("reports:approve", args=[report.pk]), factories.approve_form(report))
    client.post(reverse("reports:reopen", args=[report.pk]), {"reason": "Luku korjataan."})
    report.refresh_from_db()
    assert report.state == MonthlyReport.State.RETURNED  # the whole cycle went through
    return report


# -- The generated check: no model field name as visible text -------------------------------

def field_names() -> set[str]:
    """Every concrete field name of the report and of its values."""
    return {field.name for model in (MonthlyReport, MetricValue)
            for field in model._meta.concrete_fields}


# Field names that are also the right word of a language, and the label of that very field:
# Swedish "Period" (period) and "Version" (version). There only the lower-case machine name
# is looked for; the label starts with a capital.
LABEL_WORDS = {"sv": {"period", "version"}}


def names_in(text: str, language: str = "fi") -> list[str]:
    def found(name):
        flags = 0 if name in LABEL_WORDS.get(language, ()) else re.IGNORECASE
        return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text, flags)
    return sorted(name for name in field_names() if found(name))


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_history_and_audit_pages_show_no_field_name_of_the_report(client, cast, cycle, language):
    """Over the concrete fields of MonthlyReport and MetricValue, case-insensitively, as a
    whole word. English is left out: there the labels are the words themselves ("State",
    "Version", "Comment", "Value"), which is what the reader should read."""
    assert {"light", "next_steps", "return_comment", "approved_by", "state", "value"} <= field_names()
    in_language(client, language)
    history = visible_text(client.get(edit_url(cast)))
    audit = visible_text(client.get(audit_url(cast)))
    assert ("Lisää luvut." in history) and ("Lisää luvut." in audit)  # the changes are shown
    assert "→" in history and "→" in audit
    assert names_in(history, language) == []
    assert names_in(audit, language) == []
    assert "None" not in audit and "True" not in audit and "False" not in audit


def test_the_check_finds_a_field_name_where_there_is_one():
    assert names_in("Muutettu: next_steps, return_comment") == ["next_steps", "return_comment"]
    assert names_in("Tilannevalo: – → vihreä") == []
    assert names_in("ID: 4", "fi") == ["id"]
    assert names_in("Version: 3 → 4", "sv") == [] and names_in("version: 3 → 4", "sv") == ["version"]


# -- What the page shows ----------------------------------------------------------------------

def test_people_by_their_full_names_and_times_in_finnish_time(client, cast):
    client.force_login(cast.coordinator)
    post(client, cast)
    report = MonthlyReport.objects.get(subproject=cast.subproject, period=cast.month)
    # Summer time: 21:30 UTC is 00:30 the next day in Helsinki.
    LogEntry.objects.get_for_object(report).update(timestamp=dt.datetime(2022, 5, 31, 21, 30, tzinfo=UTC))
    nameless = factories.UserFactory(username="tunnus7", first_name="", last_name="")
    client.force_login(cast.manager)
    with timezone.override("UTC"):  # whatever the server's time zone is
        page = client.get(audit_url(cast))
    text = visible_text(page)
    assert "Aika (Suomen aikaa)" in text
    assert "1.6.2022 00:30:00" in text and "31.5.2022 21:30" not in text
    assert 'datetime="2022-05-31T21:30:00+00:00"' in page.content.decode()
    assert "Koordinaattori Testinen" in text  # the person's name, not "koordinaattori"
    # Without a person or a name: the user name.
    report.situation = "Toisen käyttäjän teksti"
    with set_actor(nameless):
        report.save()
    text = visible_text(client.get(audit_url(cast)))
    assert "tunnus7" in text


def test_the_language_menu_names_each_language_in_itself(client, cast):
    client.force_login(cast.manager)
    for language in ("fi", "sv", "en"):
        in_language(client, language)
        page = client.get(reverse("home")).content.decode()
        assert f'<html lang="{language}">' in page
        menu = page.split('id="language-select"', 1)[1].split("</select>", 1)[0]
        options = re.findall(r'<option value="(\w+)" lang="(\w+)"[^>]*>([^<]+)</option>', menu)
        assert options == [("fi", "fi", "Suomi"), ("sv", "sv", "Svenska"),
                           ("en", "en", "English")], language
        assert re.search(rf'<option value="{language}" lang="{language}" selected>', menu)
        assert "Ruotsi" not in menu and "Englanti" not in menu and "Finska" not in menu


# -- Filters -----------------------------------------------------------------------------------

def test_filter_by_person_field_and_subproject(client, cast, cycle):
    sibling_coordinator = factories.UserFactory(username="sisar", first_name="Sisko")
    factories.MembershipFactory(project=cast.project, person__user=sibling_coordinator,
                                person__name="Sisko Sisarinen", role="coordinator")
    cast.sibling.responsible_people.add(sibling_coordinator.person)
    client.force_login(sibling_coordinator)
    client.post(edit_url(cast, cast.sibling), {**FILLED, "situation": "Sisaren teksti", "action": "save"})
    client.force_login(cast.manager)

    everything = rows(client.get(audit_url(cast)))
    assert any("Sisko Sisarinen" in r for r in everything)
    assert any("Koordinaattori Testinen" in r for r in everything)

    mine = rows(client.get(audit_url(cast, person=cast.coordinator.pk)))
    assert mine and all("Koordinaattori Testinen" in r for r in mine)
    assert len(mine) < len(everything)

    field = "reports.monthlyreport.return_comment"
    page = client.get(audit_url(cast, field=field))
    assert '<option value="reports.monthlyreport.return_comment" selected>' in page.content.decode()
    commented = rows(page)
    assert commented and all("Hankepäällikön kommentti" in r for r in commented)
    assert len(commented) < len(everything)
    assert any("Paallikko Testinen" in r and "Hankepäällikön kommentti: – → Lisää luvut." in r
               for r in commented)

    sibling_rows = rows(client.get(audit_url(cast, subproject=cast.sibling.pk)))
    assert sibling_rows and all("Sisko Sisarinen" in r or "1.2" in r for r in sibling_rows)
    assert not any("Lisää luvut" in r for r in sibling_rows)
    own = rows(client.get(audit_url(cast, subproject=cast.subproject.pk)))
    assert any("Lisää luvut" in r for r in own)  # the report's rows
    assert any("Mittarin arvo" in r and "A.1" in r for r in own)  # and its metric's values
    assert not any("Sisaren teksti" in r for r in own)


def test_rows_recorded_without_a_subproject_are_found_by_their_objects(client, cast, cycle):
    """Rows written before the subproject was recorded (only the project): the report's and
    its metric values' rows are still found by the report's subproject."""
    recorded = LogEntry.objects.filter(additional_data__project_id=cast.project.pk)
    assert recorded.filter(additional_data__subproject_id=cast.subproject.pk).exists()
    for entry in recorded:
        entry.additional_data = {"project_id": cast.project.pk}
        entry.save(update_fields=["additional_data"])
    report_type = ContentType.objects.get_for_model(MonthlyReport)
    value_type = ContentType.objects.get_for_model(MetricValue)
    client.force_login(cast.manager)
    own = csv_rows(client.get(audit_url(cast, subproject=cast.subproject.pk, format="csv")))
    models = {row["model"] for row in own}
    assert {report_type.model, value_type.model} <= models
    assert any(row["field"] == "return_comment" and row["new"] == "Lisää luvut." for row in own)
    sibling = csv_rows(client.get(audit_url(cast, subproject=cast.sibling.pk, format="csv")))
    assert sibling and {(row["model"], row["object_id"]) for row in sibling} == {
        ("subproject", str(cast.sibling.pk))}  # only the sibling's own rows


def test_dates_are_finnish_days_and_both_ends_count(client, cast):
    client.force_login(cast.coordinator)
    post(client, cast)
    report = MonthlyReport.objects.get(subproject=cast.subproject, period=cast.month)
    entry = LogEntry.objects.get_for_object(report).latest("pk")
    LogEntry.objects.filter(pk=entry.pk).update(timestamp=dt.datetime(2022, 5, 31, 21, 30, tzinfo=UTC))
    client.force_login(cast.manager)
    def found(**dates):
        return any("1.6.2022 00:30" in row for row in rows(client.get(audit_url(cast, **dates))))

    assert found(start="1.6.2022", end="1.6.2022")
    assert found(start="2022-06-01")
    assert not found(end="31.5.2022")
    assert not found(start="2.6.2022")


@pytest.mark.parametrize(("language", "messages"), [
    ("fi", ["Anna päivämäärä muodossa pp.kk.vvvv, esim. 31.5.2022.",
            "Tämä henkilö ei ole muuttanut hankkeen tietoja.",
            "Loppupäivä 1.5.2022 on ennen alkupäivää 31.5.2022."]),
    ("sv", ["Ange datumet i formen dd.mm.åååå, t.ex. 31.5.2022.",
            "Den här personen har inte ändrat projektets uppgifter.",
            "Slutdatumet 1.5.2022 är före startdatumet 31.5.2022."]),
    ("en", ["Give the date as dd.mm.yyyy, e.g. 31.5.2022.",
            "This person has made no changes in the project.",
            "The end date 1.5.2022 is before the start date 31.5.2022."]),
])
def test_nonsense_filters_are_refused_on_the_page(client, cast, language, messages):
    client.force_login(cast.coordinator)
    post(client, cast)
    client.force_login(cast.manager)
    in_language(client, language)
    bad_date, unknown_person, reversed_range = messages
    cases = [
        ({"start": "32.13.2022"}, bad_date, "id_start"),
        ({"end": "huomenna"}, bad_date, "id_end"),
        ({"person": "99999"}, unknown_person, "id_person"),
        ({"person": "abc"}, unknown_person, "id_person"),
        ({"person": cast.other_manager.pk}, unknown_person, "id_person"),  # exists, not here
        ({"start": "31.5.2022", "end": "1.5.2022"}, reversed_range, "id_end"),
    ]
    for params, message, field_id in cases:
        for extra in ({}, {"format": "csv"}):
            response = client.get(audit_url(cast, **params, **extra))
            assert response.status_code == 400, params
            assert response["Content-Type"].startswith("text/html")
            page = response.content.decode()
            assert html.escape(message) in page, (params, language)
            assert f'href="#{field_id}"' in page  # the error summary links to the field
            assert f'id="{field_id}_error"' in page and 'aria-invalid="true"' in page
            assert "<tbody>" not in page  # nothing shown as if it were narrowed
    # Tampered subproject and field: another project's subproject, an unknown field.
    for params, status in (({"subproject": cast.other_subproject.pk}, 400),
                           ({"subproject": "1 OR 1=1"}, 400), ({"field": "auth.user.password"}, 400),
                           ({"field": "nonsense"}, 400), ({"page": "x' OR 1=1"}, 200)):
        assert client.get(audit_url(cast, **params)).status_code == status, params
    # The first and last days there are: every change.
    for params in ({"start": "1.1.0001"}, {"end": "31.12.9999"}, {"start": "1.1.0001", "end": "31.12.9999"}):
        assert len(rows(client.get(audit_url(cast, **params)))) == len(rows(client.get(audit_url(cast))))


def test_filters_open_nothing_to_others(client, cast):
    client.force_login(cast.coordinator)
    post(client, cast)
    filtered = {"person": cast.coordinator.pk, "format": "csv"}
    for user, status in ((cast.coordinator, 403), (cast.steering, 403), (cast.national, 403),
                         (cast.other_manager, 404)):
        client.force_login(user)
        assert client.get(audit_url(cast, **filtered)).status_code == status, user
        assert client.get(audit_url(cast, start="32.13.2022")).status_code == status, user


# -- Paging and the CSV -----------------------------------------------------------------------

def many_changes(cast, count: int) -> MonthlyReport:
    report = factories.MonthlyReportFactory(subproject=cast.subproject, period=cast.month)
    content_type = ContentType.objects.get_for_model(MonthlyReport)
    start = dt.datetime(2022, 5, 1, 9, tzinfo=UTC)
    LogEntry.objects.bulk_create(
        LogEntry(content_type=content_type, object_pk=str(report.pk), object_id=report.pk,
                 object_repr=str(report), action=LogEntry.Action.UPDATE, actor=cast.coordinator,
                 timestamp=start + dt.timedelta(minutes=i),
                 changes={"progress": [str(i), str(i + 1)]},
                 additional_data={"project_id": cast.project.pk,
                                  "subproject_id": cast.subproject.pk})
        for i in range(count))
    return report


def test_long_results_page_by_fifty_and_the_links_keep_the_filters(client, cast):
    many_changes(cast, 120)
    client.force_login(cast.manager)
    params = {"person": cast.coordinator.pk, "field": "reports.monthlyreport.progress"}
    first = client.get(audit_url(cast, **params))
    assert first.status_code == 200
    assert len(rows(first)) == 50
    page = first.content.decode()
    nav = page.split('<nav class="pagination" aria-label="Muutoshistorian sivut">', 1)[1].split("</nav>")[0]
    assert 'aria-current="page"><span class="visually-hidden">Sivu </span>1</a>' in nav
    links = re.findall(r'href="([^"]+)"', nav)
    assert links and all(f"person={cast.coordinator.pk}" in html.unescape(link)
                         and "field=reports.monthlyreport.progress" in html.unescape(link)
                         for link in links)
    assert "Seuraava sivu" in nav and "Edellinen sivu" not in nav
    assert "120 muutosta löytyi." in visible_text(first)
    last = client.get(audit_url(cast, **params, page=3))
    assert len(rows(last)) == 20
    assert 'aria-current="page"><span class="visually-hidden">Sivu </span>3</a>' in last.content.decode()
    assert "Edellinen sivu" in last.content.decode()
    newest, oldest = rows(first)[0], rows(last)[-1]
    assert "Edistyminen (%): 119 → 120" in newest and "Edistyminen (%): 0 → 1" in oldest
    assert "muutettu" in newest  # the action in Finnish, not auditlog's "update"
    assert len(rows(client.get(audit_url(cast, **params, page=99)))) == 20  # the last page


def test_the_csv_is_narrowed_the_same_way_and_keeps_machine_names(client, cast, cycle):
    client.force_login(cast.manager)
    everything = csv_rows(client.get(audit_url(cast, format="csv")))
    by_field = csv_rows(client.get(audit_url(
        cast, format="csv", field="reports.monthlyreport.return_comment")))
    assert by_field and {row["field"] for row in by_field} == {"return_comment"}
    # The user name and the field's own values, machine names as they are.
    assert any(row["user"] == "paallikko" and row["new"] == "Lisää luvut." for row in by_field)
    assert len(by_field) < len(everything)
    by_person = csv_rows(client.get(audit_url(cast, format="csv", person=cast.coordinator.pk)))
    assert by_person and {row["user"] for row in by_person} == {"koordinaattori"}
    assert any(row["field"] == "state" and row["new"] == "submitted" for row in by_person)
    none_then = csv_rows(client.get(audit_url(cast, format="csv", end="1.1.2000")))
    assert none_then == []
    page = client.get(audit_url(cast, field="reports.monthlyreport.return_comment")).content.decode()
    assert 'href="?field=reports.monthlyreport.return_comment&amp;format=csv"' in page
