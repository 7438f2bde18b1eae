"""Changes to a project's plan: every write of the workspace's budget, cost and risk pages
goes through here (audited by django-auditlog, conflict-checked by projects.versioning)."""

import csv
import datetime as dt
import hashlib
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from projects.models import Project
from projects.months import add_months, month_start
from projects.services import refuse_other_project
from projects.versioning import StaleEdit, save_if_unchanged, version_of
from workpackages.models import ActualCost, BudgetLine, CostImport, Risk, RiskReview, Subproject


def _lock_unchanged(model, pk, version: str):
    """The row locked for a change, if it is still at `version`; StaleEdit if not."""
    row = model.objects.select_for_update().filter(pk=pk).first()
    if row is None or version_of(row) != version:
        raise StaleEdit
    return row


# --- Budget and costs (workspace, issue 11 part 5) -----------------------------------------

@dataclass
class BudgetTotals:
    """The plan's budget by subproject and year, its sums, and the project's grant."""

    years: list[int]
    rows: list[tuple[Subproject, list[Decimal | None], Decimal]]   # subproject, by year, total
    by_year: dict[int, Decimal]
    total: Decimal
    grant: Decimal | None        # the state grant of the project's phases, if known
    actual_by_year: dict[int, Decimal] = field(default_factory=dict)
    actual_total: Decimal = Decimal(0)

    @property
    def differs_from_grant(self) -> bool:
        return self.grant is not None and self.total != self.grant


def budget_totals(project: Project) -> BudgetTotals:
    """The budget table of the workspace: four queries."""
    lines = BudgetLine.objects.filter(subproject__project=project).values_list(
        "subproject_id", "year", "amount")
    cells: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for subproject_id, year, amount in lines:
        cells[subproject_id][year] += amount
    years = sorted({year for row in cells.values() for year in row})
    rows = [(sub, [cells[sub.pk].get(year) for year in years],
             sum(cells[sub.pk].values(), Decimal(0)))
            for sub in Subproject.objects.filter(project=project).order_by("code_sort")
            if sub.pk in cells]
    by_year = {year: sum((row.get(year, Decimal(0)) for row in cells.values()), Decimal(0))
               for year in years}
    grants = list(project.phases.values_list("state_grant", flat=True))
    grant = sum(grants, Decimal(0)) if grants and all(g is not None for g in grants) else None
    actual_by_year: dict[int, Decimal] = defaultdict(Decimal)
    for period, amount in ActualCost.objects.filter(subproject__project=project).values_list(
            "period", "amount"):
        actual_by_year[period.year] += amount
    return BudgetTotals(years, rows, by_year, sum(by_year.values(), Decimal(0)), grant,
                        dict(actual_by_year), sum(actual_by_year.values(), Decimal(0)))


def budget_line_save(form, version: str) -> BudgetLine:
    """A budget line added or changed (the form's subprojects are the project's own)."""
    return save_if_unchanged(form, version)


def actual_cost_save(form, version: str) -> ActualCost:
    """An actual cost entered by hand."""
    return save_if_unchanged(form, version)


# The bookkeeping export: date; subproject code; cost category; amount (optionally a fifth
# column, the line's text, which is not stored). Semicolons, decimal commas, an optional BOM
# and header line, Finnish dates (31.1.2022).
#
# The re-import rule: an import SETS, for every subproject, month and cost category in the
# file, that month's actual cost to the sum of the file's rows for it (it does not add to
# it). Importing the same file again, or a later export that repeats earlier months, never
# counts a cost twice. The file's SHA-256 is stored (CostImport); the very same file again
# is recognised and changes nothing.
COST_AMOUNT_LIMIT = Decimal(10) ** 10      # the amount column holds 12 digits, 2 decimals


def cost_columns() -> list[str]:
    """The columns' names in the user's language, for the instructions and the errors."""
    return [_("date"), _("subproject code"), _("cost category"), _("amount")]


@dataclass
class CostImportError:
    row: int
    column: str
    message: str


class CostImportRefused(Exception):
    def __init__(self, errors: list[CostImportError]):
        super().__init__(errors)
        self.errors = errors


@dataclass
class CostImportResult:
    rows: int
    costs: int              # (subproject, month, category) totals set
    total: Decimal
    already_imported: CostImport | None = None


# Short names the bookkeeping writes for the cost categories, besides the categories' codes
# and their names in Finnish, Swedish and English.
_CATEGORY_ALIASES = {
    "kaikki": "all", "yhteensä": "all", "alla": "all", "henkilöstö": "personnel",
    "palkat": "personnel", "henkilöstökulut": "personnel", "personal": "personnel",
    "ostopalvelu": "purchased", "ostopalvelut": "purchased", "köpta tjänster": "purchased",
    "matkat": "travel", "matka": "travel", "matkakulut": "travel", "resor": "travel",
    "muut": "other", "muu": "other", "muut kulut": "other", "övriga": "other",
}
_HEADER_WORDS = {"pvm", "päivämäärä", "paivamaara", "date", "datum", "kirjauspäivä"}


def _category_names() -> dict[str, str]:
    names = dict(_CATEGORY_ALIASES)
    for value, label in BudgetLine.Category.choices:
        names[value] = value
        for language in ("fi", "sv", "en"):
            with translation.override(language):
                names[str(label).casefold()] = value
    names[""] = BudgetLine.Category.ALL
    return names


def _parse_date(text: str) -> dt.date:
    match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text) or None
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
        if not match:
            raise ValueError
        year, month, day = (int(g) for g in match.groups())
    day = dt.date(year, month, day)
    if not 2000 <= day.year <= 2100:
        raise ValueError
    return day


def _parse_amount(text: str) -> Decimal:
    text = re.sub(r"[\s\u00a0\u202f€]", "", text).replace("\u2212", "-")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d{1,2})?", text):
        raise InvalidOperation
    return Decimal(text)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")   # never fails; a wrong letter shows in the errors


def parse_cost_file(project: Project, data: bytes) -> tuple[dict, int]:
    """(subproject id, month, category) -> sum, and the number of cost rows; every error of
    the file, by row and column, in CostImportRefused."""
    date_col, code_col, category_col, amount_col = cost_columns()
    errors: list[CostImportError] = []
    subprojects = {code.casefold(): pk for pk, code in
                   Subproject.objects.filter(project=project).values_list("pk", "code")}
    categories = _category_names()
    sums: dict[tuple[int, dt.date, str], Decimal] = defaultdict(Decimal)
    last_row: dict[tuple, int] = {}
    count = 0
    try:
        rows = list(csv.reader(io.StringIO(_decode(data)), delimiter=";"))
    except csv.Error:
        raise CostImportRefused([CostImportError(1, date_col, _(
            "The file is not a CSV file of the bookkeeping's cost export."))]) from None
    for number, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if number == 1 and cells[0].casefold() in _HEADER_WORDS:
            continue
        if len(cells) < 4:
            errors.append(CostImportError(number, amount_col, _(
                "The row has %(count)s columns; four are needed: date, subproject code, cost "
                "category and amount, separated by semicolons.") % {"count": len(cells)}))
            continue
        count += 1
        day = subproject_id = category = amount = None
        try:
            day = _parse_date(cells[0])
        except ValueError:
            errors.append(CostImportError(number, date_col, _(
                "“%(value)s” is not a date; write it as 31.1.2022.") % {"value": cells[0][:40]}))
        subproject_id = subprojects.get(cells[1].casefold())
        if subproject_id is None:
            errors.append(CostImportError(number, code_col, _(
                "The project has no subproject with the code “%(value)s”.")
                % {"value": cells[1][:40]}))
        category = categories.get(cells[2].casefold())
        if category is None:
            errors.append(CostImportError(number, category_col, _(
                "“%(value)s” is not a cost category; use one of: %(choices)s.") % {
                "value": cells[2][:40],
                "choices": ", ".join(str(label) for _v, label in BudgetLine.Category.choices)}))
        try:
            amount = _parse_amount(cells[3])
            if abs(amount) >= COST_AMOUNT_LIMIT:
                errors.append(CostImportError(number, amount_col, _(
                    "The amount is too large: at most ten digits before the decimal comma.")))
                amount = None
        except InvalidOperation:
            errors.append(CostImportError(number, amount_col, _(
                "“%(value)s” is not an amount in euros; write it as 1234,56.")
                % {"value": cells[3][:40]}))
        if None not in (day, subproject_id, category, amount):
            key = (subproject_id, month_start(day), category)
            sums[key] += amount
            last_row[key] = number
    for key, total in sums.items():
        if total < 0:
            errors.append(CostImportError(last_row[key], amount_col, _(
                "The month's costs of this subproject and category add up to less than "
                "zero.")))
    if not errors and not count:
        errors.append(CostImportError(1, date_col, _("The file has no cost rows.")))
    if errors:
        raise CostImportRefused(sorted(errors, key=lambda e: e.row))
    return dict(sums), count


@transaction.atomic
def import_costs(project: Project, data: bytes, *, file_name: str = "", user=None
                 ) -> CostImportResult:
    """The bookkeeping export imported all or nothing (see the re-import rule above)."""
    digest = hashlib.sha256(data).hexdigest()
    sums, count = parse_cost_file(project, data)
    # One import of a project at a time, so the same file sent twice at once is seen as such.
    Project.objects.select_for_update().filter(pk=project.pk).first()
    earlier = CostImport.objects.filter(project=project, sha256=digest).first()
    if earlier is not None:
        return CostImportResult(count, 0, sum(sums.values(), Decimal(0)), already_imported=earlier)
    existing = {(c.subproject_id, c.period, c.category): c for c in ActualCost.objects
                .select_for_update().filter(subproject__project=project)}
    changed = 0
    for (subproject_id, period, category), amount in sorted(sums.items(), key=str):
        cost = existing.get((subproject_id, period, category))
        if cost is None:
            ActualCost.objects.create(subproject_id=subproject_id, period=period,
                                      category=category, amount=amount)
            changed += 1
        elif cost.amount != amount:
            cost.amount = amount
            cost.save()
            changed += 1
    CostImport.objects.create(project=project, file_name=file_name[:255], sha256=digest,
                              rows=count, imported_by=user if user and user.pk else None)
    return CostImportResult(count, changed, sum(sums.values(), Decimal(0)))


# --- Risk register (workspace, issue 11 part 6) --------------------------------------------

@transaction.atomic
def risk_save(form, version: str) -> Risk:
    """A risk added or its description, mitigation, impact or owner changed. A new risk
    gets its first assessment (a RiskReview of the day), so the dashboards count it new in
    its month and follow its severity and probability from there."""
    creating = form.instance.pk is None
    if creating:
        form.instance.reviewed_on = timezone.localdate()
    risk = save_if_unchanged(form, version)
    if creating:
        RiskReview.objects.create(risk=risk, reviewed_on=risk.reviewed_on,
                                  severity=risk.severity, probability=risk.probability,
                                  note=_("First assessment."))
    return risk


@transaction.atomic
def risk_review(risk: Risk, *, version: str, reviewed_on: dt.date, severity: int,
                probability: int, note: str = "") -> RiskReview:
    """The month's re-assessment: kept per month (a second one in the same month replaces
    that month's), and the risk's current severity and probability follow the latest one."""
    risk = _lock_unchanged(Risk, risk.pk, version)
    if risk.closed_on is not None:
        raise ValidationError(_("A closed risk is not re-assessed; reopen it first."))
    month = month_start(reviewed_on)
    review = RiskReview.objects.filter(risk=risk, reviewed_on__gte=month,
                                       reviewed_on__lt=add_months(month, 1)).first()
    if review is None:
        review = RiskReview(risk=risk)
    review.reviewed_on, review.severity, review.probability, review.note = (
        reviewed_on, severity, probability, note)
    review.full_clean()
    review.save()
    latest = RiskReview.objects.filter(risk=risk).order_by("-reviewed_on", "-id").first()
    if latest.pk == review.pk:
        risk.severity, risk.probability, risk.reviewed_on = severity, probability, reviewed_on
        risk.save()
    return review


@transaction.atomic
def risk_close(risk: Risk, *, version: str, on: dt.date | None = None) -> Risk:
    """A risk closed: it stays in the register's history, no longer assessed."""
    risk = _lock_unchanged(Risk, risk.pk, version)
    risk.closed_on = on or timezone.localdate()
    risk.save()
    return risk


@transaction.atomic
def risk_reopen(risk: Risk, *, version: str) -> Risk:
    risk = _lock_unchanged(Risk, risk.pk, version)
    risk.closed_on = None
    risk.save()
    return risk


# --- Recorded follow-up without a form (the demo's history) -----------------------------

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


# --- The plan's structure (workspace, issue 11 parts 2 and 8) -----------------------------

# --- The project workspace (issue 11): work packages, goals, subprojects, activities -------


def plan_row_save(form, version: str, *, project: Project):
    """A work package, goal, subproject or activity of the project (new or changed), if
    unchanged since the form was read (StaleEdit if not). A row, or a row it points to, of
    another project is refused (PermissionDenied): the forms offer only the project's own."""
    refuse_other_project(form.instance, project)
    for name in ("work_package", "parent", "subproject"):
        related = getattr(form.instance, name, None) if hasattr(form.instance, f"{name}_id") \
            else None
        if related is not None:
            refuse_other_project(related, project)
    # The form leaves the project out, so it never checks a code taken in the project: a
    # ValidationError the page shows with what was typed, not an IntegrityError (a 500).
    form.instance.validate_constraints()
    return save_if_unchanged(form, version)


@transaction.atomic
def subproject_close(*, subproject: Subproject, closed_from: dt.date | None,
                     version: str) -> Subproject:
    """Closes a subproject from a month on: it is no longer expected to report from that
    month, its reports and history stay. `closed_from` None opens it again."""
    current = Subproject.objects.select_for_update().get(pk=subproject.pk)
    if version_of(current) != version:
        raise StaleEdit
    if closed_from is not None and current.start_month and closed_from < current.start_month:
        raise ValidationError({"closed_from": [
            _("A subproject cannot close before it starts.")]})
    current.closed_from = closed_from
    current.save(update_fields=["closed_from", "updated_at"])
    return current


# What a subproject's history is: a subproject with any of these is closed, never deleted.
SUBPROJECT_HISTORY = ("reports", "metrics", "budget_lines", "actual_costs", "outputs")


def subproject_has_history(subproject: Subproject) -> bool:
    return any(getattr(subproject, name).exists() for name in SUBPROJECT_HISTORY)


@transaction.atomic
def subproject_delete(*, subproject: Subproject, version: str) -> None:
    """Deletes a subproject added by mistake, with its activities: only one without reports,
    metrics, budget, costs or outputs (one with history is closed instead)."""
    current = Subproject.objects.select_for_update().filter(pk=subproject.pk).first()
    if current is None or version_of(current) != version:
        raise StaleEdit
    if subproject_has_history(current):
        raise ValidationError(_("The subproject has reports or other history: close it instead "
                                "of deleting it."))
    current.delete()


@transaction.atomic
def subproject_people_save(form, version: str, *, project: Project):
    """The subproject's responsible organisation and people and its reporting coordinators
    (a person named anew is added to the plan's people); a reporting coordinator must hold a
    current coordinator's role in the project, so a stale choice cannot give rights."""
    from projects.models import Membership, Person

    coordinators = form.cleaned_data["reporting_coordinators"]
    current = set(Membership.objects.current().filter(
        project=project, role=Membership.Role.COORDINATOR).values_list("person_id", flat=True))
    if any(person.pk not in current for person in coordinators):
        raise ValidationError(_("Only a coordinator of the project can report a subproject."))
    subproject = plan_row_save(form, version, project=project)
    if name := form.cleaned_data.get("new_person", "").strip():
        subproject.responsible_people.add(Person.objects.create(name=name))
    return subproject
