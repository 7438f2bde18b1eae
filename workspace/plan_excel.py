"""The plan in Excel (issue 11, part 9): the manager downloads the project's plan as a workbook
(work packages, subprojects, metrics and targets, budget by year, risks) and uploads it
filled in, as the regions keep their plans in Excel.

The upload is checked cell by cell and saved all or nothing; rows are matched by code (work
packages, subprojects, metrics), by subproject, year and cost category (budget) and by the
description (risks), so uploading the file again updates instead of duplicating, and a row
nobody changed writes nothing. A changed baseline or target is a new target version, never
an overwrite. The file of one project can set up the plan of another (an empty new one)."""

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from indicators.models import Metric, MetricTarget
from projects.models import Project
from projects.months import FIRST_YEAR, LAST_YEAR, parse_typed_month
from reports.excel.reader import (
    Errors,
    check_formulas,
    check_headers,
    normalise,
    open_workbook,
    read_bytes,
    read_rows,
)
from workpackages.models import BudgetLine, Risk, Subproject, WorkPackage

FORMAT = "suunnitelma-1"
META_SHEET = "Tiedot"
MAX_ROWS = 1000
YES = {"kyllä", "k", "ja", "yes", "1", "true", "x"}
NO = {"ei", "e", "nej", "no", "0", "false", ""}


@dataclass(frozen=True)
class Sheet:
    name: str
    headers: tuple[str, ...]


WORK_PACKAGES = Sheet("Työpaketit", ("Koodi", "Nimi", "Laji", "Kuvaus"))
SUBPROJECTS = Sheet("Osahankkeet", ("Koodi", "Työpaketti", "Nimi", "Tavoite", "Alkaa",
                                    "Päättyy", "Alkaa myöhemmin", "Jatkuu edellisestä vaiheesta"))
METRICS = Sheet("Mittarit", ("Koodi", "Nimi", "Osahanke", "Laji", "Yksikkö", "Tiheys",
                             "Kumulatiivinen", "Lähtötaso", "Tavoite", "Tavoitepäivä",
                             "Voimassa alkaen", "Muutoksen syy"))
BUDGET = Sheet("Budjetti", ("Osahanke", "Vuosi", "Kustannuslaji", "Summa (€)"))
RISKS = Sheet("Riskit", ("Kuvaus", "Luokka", "Vakavuus (1–5)", "Todennäköisyys (%)",
                         "Vaikutus", "Hallintakeinot"))
SHEETS = (WORK_PACKAGES, SUBPROJECTS, METRICS, BUDGET, RISKS)


@dataclass
class PlanImportResult:
    errors: list = field(default_factory=list)
    truncated: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


# --- Writing ----------------------------------------------------------------------------------

def _month(value: dt.date | None) -> str:
    return f"{value.month}/{value.year}" if value else ""


def _yes_no(value: bool) -> str:
    return "kyllä" if value else "ei"


def _label(choices, value) -> str:
    with translation.override("fi"):
        return str(dict(choices).get(value, value))


def _number(value):
    return None if value is None else float(value) if value != value.to_integral() else int(value)


def plan_rows(project) -> dict[str, list[tuple]]:
    """The project's plan as the workbook's rows, sheet by sheet, in the plan's order."""
    wps = WorkPackage.objects.filter(project=project).order_by("code_sort")
    subs = (Subproject.objects.filter(project=project).select_related("work_package")
            .order_by("code_sort"))
    metrics = (Metric.objects.filter(project=project).select_related("subproject")
               .prefetch_related("targets").order_by("code_sort"))
    rows = {
        WORK_PACKAGES.name: [(w.code, w.name, _label(WorkPackage.Kind.choices, w.kind),
                              w.description) for w in wps],
        SUBPROJECTS.name: [(s.code, s.work_package.code, s.name, s.objective,
                            _month(s.start_month), _month(s.end_month), _yes_no(s.starts_later),
                            _yes_no(s.carried_over)) for s in subs],
        METRICS.name: [],
        BUDGET.name: [(b.subproject.code, b.year, _label(BudgetLine.Category.choices, b.category),
                       _number(b.amount))
                      for b in BudgetLine.objects.filter(subproject__project=project)
                      .select_related("subproject").order_by("subproject__code_sort", "year",
                                                             "category")],
        RISKS.name: [(r.description, _label(Risk.Category.choices, r.category), r.severity,
                      r.probability, r.impact, r.mitigation)
                     for r in Risk.objects.filter(project=project).order_by("pk")],
    }
    for m in metrics:
        target = max(m.targets.all(), key=lambda t: t.effective_from, default=None)
        rows[METRICS.name].append((
            m.code, m.name, m.subproject.code if m.subproject else "",
            _label(Metric.Kind.choices, m.kind), m.unit, _label(Metric.Frequency.choices, m.frequency),
            _yes_no(m.cumulative),
            _number(target.baseline_value) if target and target.baseline_value is not None else None,
            _number(target.target_value) if target and target.target_value is not None else None,
            target.target_date.strftime("%-d.%-m.%Y") if target and target.target_date else "",
            target.effective_from.strftime("%-d.%-m.%Y") if target else "", "",
        ))
    return rows


def plan_workbook(project) -> bytes:
    workbook = Workbook()
    instructions = workbook.active
    instructions.title = "Ohjeet"
    for line in (
        f"Hankkeen {project.code} suunnitelma",
        "Täytä tai muuta rivejä välilehdillä Työpaketit, Osahankkeet, Mittarit, Budjetti ja "
        "Riskit, ja tuo tiedosto portaalissa (Hankkeen hallinta → Suunnitelma Excelissä).",
        "Rivit tunnistetaan koodista (budjetti osahankkeesta, vuodesta ja kustannuslajista, "
        "riskit kuvauksesta): sama tiedosto uudelleen tuotuna päivittää eikä monista.",
        "Tiedosto tallennetaan vain kokonaan: jos yksikin solu on virheellinen, mitään ei "
        "tallenneta, ja virheet luetellaan välilehden, rivin ja sarakkeen mukaan.",
        "Kuukaudet muodossa 1/2022, päivät 31.12.2022, kyllä/ei-sarakkeisiin kyllä tai ei.",
        "Muutettu lähtötaso tai tavoite tallentuu tavoitteen uutena versiona (syy sarakkeeseen "
        "Muutoksen syy); vanha versio säilyy.",
        "Rivin poistaminen tiedostosta ei poista sitä portaalista.",
    ):
        instructions.append([line])
    instructions.column_dimensions["A"].width = 110
    rows = plan_rows(project)
    for sheet in SHEETS:
        ws = workbook.create_sheet(sheet.name)
        ws.append(list(sheet.headers))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows[sheet.name]:
            ws.append(list(row))
        for index, header in enumerate(sheet.headers, start=1):
            ws.column_dimensions[get_column_letter(index)].width = max(12, len(header) + 4)
        ws.freeze_panes = "A2"
    meta = workbook.create_sheet(META_SHEET)
    meta.append(["Pohja", FORMAT])
    meta.append(["Hanke", project.code])
    meta.sheet_state = "hidden"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- Reading ----------------------------------------------------------------------------------

class _Cells:
    """One row's cells with their parsers; each problem is recorded by sheet, row and column."""

    def __init__(self, sheet: Sheet, number: int, cells: tuple, errors: Errors):
        self.sheet, self.row_number, self.cells, self.errors = sheet, number, cells, errors
        self.ok = True

    def _error(self, index: int, message: str):
        self.ok = False
        self.errors.add(self.sheet.name, self.row_number, get_column_letter(index + 1), message)

    def text(self, index: int, *, required=False, max_length=None) -> str:
        value = normalise(self.cells[index])
        if required and not value:
            self._error(index, _("“%(column)s” is required.") % {"column": self.sheet.headers[index]})
        elif max_length and len(value) > max_length:
            self._error(index, _("At most %(max)d characters.") % {"max": max_length})
        return value

    def choice(self, index: int, choices) -> str | None:
        value = self.text(index, required=True)
        if not value:
            return None
        names = {}
        for code, label in choices:
            names[code] = code
            for language in ("fi", "sv", "en"):
                with translation.override(language):
                    names[str(label).lower()] = code
        if value.lower() in names:
            return names[value.lower()]
        with translation.override("fi"):
            allowed = ", ".join(str(label) for _code, label in choices)
        self._error(index, _("“%(value)s” is not one of: %(allowed)s.") % {
            "value": value[:50], "allowed": allowed})
        return None

    def yes_no(self, index: int) -> bool:
        value = self.text(index).lower()
        if value in YES:
            return True
        if value not in NO:
            self._error(index, _("Write kyllä or ei."))
        return False

    def month(self, index: int) -> dt.date | None:
        raw = self.cells[index]
        if isinstance(raw, dt.datetime | dt.date):
            return dt.date(raw.year, raw.month, 1)
        value = self.text(index)
        if not value:
            return None
        try:
            return parse_typed_month(value)
        except ValueError as error:
            self._error(index, str(error))
            return None

    def day(self, index: int) -> dt.date | None:
        day = self._day(index)
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            # The portal's years, as for months (a later version would not fit after it).
            self._error(index, _("Give a date from %(first)s to %(last)s.") % {
                "first": f"1.1.{FIRST_YEAR}", "last": f"31.12.{LAST_YEAR}"})
            return None
        return day

    def _day(self, index: int) -> dt.date | None:
        raw = self.cells[index]
        if isinstance(raw, dt.datetime | dt.date):
            return dt.date(raw.year, raw.month, raw.day)
        value = self.text(index)
        if not value:
            return None
        try:
            return dt.datetime.strptime(value, "%d.%m.%Y").date()
        except ValueError:
            try:
                return dt.date.fromisoformat(value[:10])
            except ValueError:
                self._error(index, _("Give the date as day.month.year, e.g. 31.12.2022."))
                return None

    def number(self, index: int, *, digits: int, places: int, required=False, low=None,
               high=None) -> Decimal | None:
        typed = self.text(index, required=required)
        value = typed.replace("\u00a0", "").replace(" ", "")
        if not value:
            return None
        try:
            number = Decimal(value.replace(",", "."))
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            self._error(index, _("“%(value)s” is not a number.") % {"value": typed[:30]})
            return None
        if places == 0 and number != number.to_integral_value():
            self._error(index, _("Give a whole number."))
            return None
        number = number.quantize(Decimal(1).scaleb(-places)) if number.as_tuple().exponent < -places \
            else number
        if abs(number) >= Decimal(10) ** (digits - places):
            self._error(index, _("The number is too large."))
            return None
        if (low is not None and number < low) or (high is not None and number > high):
            self._error(index, _("Give a number from %(low)s to %(high)s.") % {
                "low": low, "high": high})
            return None
        return number


def _sheet_rows(workbook, sheet: Sheet, errors: Errors):
    rows = read_rows(workbook, sheet.name, len(sheet.headers), MAX_ROWS, errors)
    if rows is None:
        return []
    check_headers(sheet.name, rows, sheet.headers, errors)
    return [_Cells(sheet, number, cells, errors) for number, cells in rows if number > 1]


def _save(instance, values: dict, result: PlanImportResult) -> None:
    """Sets the values and saves only if one of them changed (no audit row for nothing)."""
    changed = instance.pk is None or any(getattr(instance, k) != v for k, v in values.items())
    if not changed:
        result.unchanged += 1
        return
    for key, value in values.items():
        setattr(instance, key, value)
    instance.full_clean()
    created = instance.pk is None
    instance.save()
    if created:
        result.created += 1
    else:
        result.updated += 1


def import_plan(project, file) -> PlanImportResult:
    """Checks the whole file, then saves it in one transaction (nothing if any cell is wrong)."""
    data = read_bytes(file)
    if not isinstance(data, bytes):
        return PlanImportResult(errors=data.errors)
    workbook = open_workbook(data)
    if not hasattr(workbook, "sheetnames"):
        return PlanImportResult(errors=workbook.errors)
    errors = Errors()
    meta = {normalise(k): normalise(v) for _n, (k, v) in
            (read_rows(workbook, META_SHEET, 2, 10, errors) or [])}
    if not errors and meta.get("Pohja") != FORMAT:
        errors.add(META_SHEET, None, "", _("The file is not this portal's plan template. "
                                           "Download the plan template again."))
    elif meta.get("Hanke", project.code) != project.code and WorkPackage.objects.filter(
            project=project).exists():
        # Matched by code, another project's rows would overwrite this project's plan.
        errors.add(META_SHEET, None, "", _(
            "The file is the plan of project %(file)s, not of %(project)s. Download this "
            "project's plan; another project's file can only set up an empty project.")
            % {"file": meta["Hanke"][:30], "project": project.code})
    if errors:
        return PlanImportResult(errors=errors.items)
    sheets = {sheet.name: _sheet_rows(workbook, sheet, errors) for sheet in SHEETS}
    # A formula without its computed value reads as empty, and an empty cell would erase the
    # stored text: such a cell is an error, as in the reports' import.
    check_formulas(data, {name: [(1, ()), *((row.row_number, row.cells) for row in rows)]
                          for name, rows in sheets.items()}, errors)
    parsed = _parse(project, sheets, errors)
    if errors:
        return PlanImportResult(errors=errors.items, truncated=errors.truncated)
    return _write(project, parsed)


def _parse(project, sheets, errors: Errors) -> dict:
    wp_codes = set(WorkPackage.objects.filter(project=project).values_list("code", flat=True))
    sub_codes = set(Subproject.objects.filter(project=project).values_list("code", flat=True))
    parsed = {name: [] for name in sheets}
    seen: dict[str, set] = {name: set() for name in sheets}

    def once(sheet, row, key, index):
        if key in seen[sheet.name]:
            row._error(index, _("The same row is twice in the sheet."))
        seen[sheet.name].add(key)

    for row in sheets[WORK_PACKAGES.name]:
        values = {"code": row.text(0, required=True, max_length=30),
                  "name": row.text(1, required=True, max_length=200),
                  "kind": row.choice(2, WorkPackage.Kind.choices), "description": row.text(3)}
        once(WORK_PACKAGES, row, values["code"], 0)
        wp_codes.add(values["code"])
        parsed[WORK_PACKAGES.name].append((row, values))
    for row in sheets[SUBPROJECTS.name]:
        values = {"code": row.text(0, required=True, max_length=30),
                  "work_package": row.text(1, required=True),
                  "name": row.text(2, required=True, max_length=300), "objective": row.text(3),
                  "start_month": row.month(4), "end_month": row.month(5),
                  "starts_later": row.yes_no(6), "carried_over": row.yes_no(7)}
        if values["work_package"] and values["work_package"] not in wp_codes:
            row._error(1, _("There is no work package %(code)s in the file or the project.")
                       % {"code": values["work_package"][:30]})
        if values["start_month"] and values["end_month"] and values["end_month"] < values["start_month"]:
            row._error(5, _("The subproject cannot end before it starts."))
        once(SUBPROJECTS, row, values["code"], 0)
        sub_codes.add(values["code"])
        parsed[SUBPROJECTS.name].append((row, values))

    def subproject_code(row, index, required):
        code = row.text(index, required=required)
        if code and code not in sub_codes:
            row._error(index, _("There is no subproject %(code)s in the file or the project.")
                       % {"code": code[:30]})
        return code

    # A metric with values keeps what they mean (as in the admin): its subproject (whose report
    # owns them), kind, frequency and cumulativeness; a new metric is made instead.
    reported = {m.code: m for m in Metric.objects.filter(project=project, values__isnull=False)
                .distinct().select_related("subproject")}
    for row in sheets[METRICS.name]:
        values = {"code": row.text(0, required=True, max_length=30),
                  "name": row.text(1, required=True), "subproject": subproject_code(row, 2, False),
                  "kind": row.choice(3, Metric.Kind.choices), "unit": row.text(4, max_length=40),
                  "frequency": row.choice(5, Metric.Frequency.choices),
                  "cumulative": row.yes_no(6),
                  "baseline": row.number(7, digits=14, places=4),
                  "target": row.number(8, digits=14, places=4),
                  "target_date": row.day(9), "effective_from": row.day(10),
                  "reason": row.text(11)}
        _keep_meaning(row, values, reported.get(values["code"]))
        once(METRICS, row, values["code"], 0)
        parsed[METRICS.name].append((row, values))
    for row in sheets[BUDGET.name]:
        values = {"subproject": subproject_code(row, 0, True),
                  "year": row.number(1, digits=4, places=0, required=True, low=2000, high=2100),
                  "category": row.choice(2, BudgetLine.Category.choices),
                  "amount": row.number(3, digits=12, places=2, required=True, low=0,
                                       high=Decimal("9999999999.99"))}
        once(BUDGET, row, (values["subproject"], values["year"], values["category"]), 0)
        parsed[BUDGET.name].append((row, values))
    for row in sheets[RISKS.name]:
        values = {"description": row.text(0, required=True),
                  "category": row.choice(1, Risk.Category.choices),
                  "severity": row.number(2, digits=1, places=0, required=True, low=1, high=5),
                  "probability": row.number(3, digits=3, places=0, required=True, low=0, high=100),
                  "impact": row.text(4), "mitigation": row.text(5)}
        once(RISKS, row, values["description"], 0)
        parsed[RISKS.name].append((row, values))
    return parsed


def _keep_meaning(row: _Cells, values: dict, metric: Metric | None) -> None:
    if metric is None:
        return
    kept = ((2, "subproject", metric.subproject.code if metric.subproject else ""),
            (3, "kind", metric.kind), (5, "frequency", metric.frequency),
            (6, "cumulative", metric.cumulative))
    for index, key, current in kept:
        if values[key] is not None and values[key] != current:
            row._error(index, _("Metric %(code)s already has reported values, so its “%(column)s” "
                                "cannot change: that would change what the reported figures mean. "
                                "Keep it as it was, or add a new metric with a new code.")
                       % {"code": metric.code, "column": row.sheet.headers[index]})


@transaction.atomic
def _write(project, parsed) -> PlanImportResult:
    # One import of a project's plan at a time: a second one (a double click, another tab)
    # waits and then finds the first one's rows instead of adding them again.
    Project.objects.select_for_update().filter(pk=project.pk).first()
    result = PlanImportResult()
    wps = {w.code: w for w in WorkPackage.objects.filter(project=project)}
    for _row, v in parsed[WORK_PACKAGES.name]:
        wp = wps.get(v["code"]) or WorkPackage(project=project, code=v["code"])
        _save(wp, {"name": v["name"], "kind": v["kind"], "description": v["description"]}, result)
        wps[wp.code] = wp
    subs = {s.code: s for s in Subproject.objects.filter(project=project)}
    for _row, v in parsed[SUBPROJECTS.name]:
        sub = subs.get(v["code"]) or Subproject(project=project, code=v["code"])
        _save(sub, {"work_package": wps[v["work_package"]], "name": v["name"],
                    "objective": v["objective"], "start_month": v["start_month"],
                    "end_month": v["end_month"], "starts_later": v["starts_later"],
                    "carried_over": v["carried_over"]}, result)
        subs[sub.code] = sub
    metrics = {m.code: m for m in Metric.objects.filter(project=project)}
    for _row, v in parsed[METRICS.name]:
        metric = metrics.get(v["code"]) or Metric(project=project, code=v["code"])
        _save(metric, {"name": v["name"], "subproject": subs.get(v["subproject"]),
                       "kind": v["kind"], "unit": v["unit"], "frequency": v["frequency"],
                       "cumulative": v["cumulative"]}, result)
        _target(metric, v, result)
    budget = {(b.subproject.code, b.year, b.category): b for b in
              BudgetLine.objects.filter(subproject__project=project).select_related("subproject")}
    for _row, v in parsed[BUDGET.name]:
        year = int(v["year"])
        line = budget.get((v["subproject"], year, v["category"])) or BudgetLine(
            subproject=subs[v["subproject"]], year=year, category=v["category"])
        _save(line, {"amount": v["amount"]}, result)
    risks = {r.description: r for r in Risk.objects.filter(project=project)}
    for _row, v in parsed[RISKS.name]:
        risk = risks.get(v["description"]) or Risk(project=project, description=v["description"])
        _save(risk, {"category": v["category"], "severity": int(v["severity"]),
                     "probability": int(v["probability"]), "impact": v["impact"],
                     "mitigation": v["mitigation"]}, result)
    return result


def _target(metric, v, result: PlanImportResult) -> None:
    """A baseline or target that differs from the one valid now is a new version."""
    if v["baseline"] is None and v["target"] is None and v["target_date"] is None:
        return
    current = metric.targets.order_by("-effective_from").first()
    same = current is not None and (current.baseline_value, current.target_value,
                                    current.target_date) == (v["baseline"], v["target"],
                                                              v["target_date"])
    if same:
        result.unchanged += 1
        return
    effective = v["effective_from"] or timezone.localdate()
    if current is not None and effective <= current.effective_from:
        effective = max(timezone.localdate(), current.effective_from + dt.timedelta(days=1))
    target = MetricTarget(metric=metric, baseline_value=v["baseline"], target_value=v["target"],
                          target_date=v["target_date"], effective_from=effective,
                          reason=v["reason"] or (_("Imported from the plan template.")
                                                 if current else ""))
    target.full_clean()
    target.save()
    result.created += 1
