"""The demo's illustrative history (esimerkkiaineisto).

The seeds hold plans and, for one project, one month of reports: a newcomer would see empty
dashboards. This module adds, on top of the seed facts and without changing any of them, a
made-up but true-to-life history of the last six months of each project's phase: monthly
reports in every state (draft, submitted, returned with the manager's comment, approved,
reopened), metric values moving from the plan's baselines toward its targets, monthly risk
re-assessments, reminders and roll-ups; and actual costs against the budget for every month
of the budget years up to the open month.

Everything is written through the services the portal itself uses, with the demo users as
actors, so the reports' history, the audit trail, the publication of values and the roll-ups
agree. Every row it makes is marked `illustrative`, and the pages, documents and the API
say so ("Esimerkkiaineisto"). It is deterministic: a fixed-seed random.Random and dates
computed from the seed months. The services record the current time; `backdate_history`
then gives each recorded time the moment of the demo's story it belongs to.

The history is written once per project: loading again finds it and leaves it as it is."""

import bisect
import contextlib
import datetime as dt
import io
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db import transaction
from django.db.models import Case, DateTimeField, Sum, Value, When
from django.utils import timezone

from indicators.models import Metric, MetricTarget, MetricValue, ValueWithdrawal
from indicators.services import is_sudden_change, parse_metric_input
from projects.models import Project
from projects.months import add_months
from reports import selectors
from reports.models import MonthlyReport, ReportEvent, ReportingPeriod
from reports.periods import reporting_period_open, send_reminders
from reports.rollups import rollup_compute
from reports.selectors.light_suggestion import schedule_share
from reports.services import (
    ReportInput,
    ValueInput,
    monthly_report_approve,
    monthly_report_reopen,
    monthly_report_return,
    monthly_report_save,
    monthly_report_submit,
)
from workpackages.models import ActualCost, BudgetLine, RiskReview, Subproject
from workpackages.services import actual_cost_record, risk_review_record

SEED = 2022
HISTORY_MONTHS = 6  # the current month and the five before it
TZ = dt.timezone(dt.timedelta(hours=3))  # Finnish summer time; the story needs no precision

SITUATIONS = [
    "Työpajat henkilöstön kanssa pidettiin ({n} osallistujaa), ja toimintamallin kuvaus "
    "tarkentui palautteen perusteella.",
    "Pilotti jatkui kahdessa yksikössä; asiakaspalautetta kerättiin {n} vastausta.",
    "Prosessikuvaus valmistui ja hyväksyttiin ohjausryhmässä. Koulutuksia pidettiin {n}.",
    "Yhteistyöpalaverit kuntien kanssa jatkuivat; sovittiin käyttöönoton aikataulusta.",
    "Mittariston tiedonkeruu käynnistyi, ja ensimmäiset tulokset raportoitiin tiimeille.",
    "Henkilöstölle järjestettiin {n} perehdytystilaisuutta uuteen toimintatapaan.",
]
NEXT_STEPS = [
    "Seuraavaksi laajennetaan kokeilu uusiin yksiköihin ja kootaan kokemukset.",
    "Valmistellaan käyttöönottoa ja päivitetään ohjeistus palautteen mukaan.",
    "Arvioidaan pilotin tulokset ja esitellään ne ohjausryhmälle.",
    "Jatketaan koulutuksia ja sovitaan juurruttamisen vastuista linjaorganisaatiossa.",
]
PROBLEMS = [
    "",
    "",
    "Henkilöstövaihdokset hidastivat työtä.",
    "Tietojärjestelmän muutostyö viivästyi toimittajasta johtuen.",
]
RETURN_COMMENTS = [
    "Kuvaa tarkemmin, mitä kokeilusta opittiin, ja lisää seuraavan kuukauden toimenpiteet.",
    "Tilannevalo ei vastaa tekstiä: viivästys mainitaan, mutta valo on vihreä. Tarkista.",
    "Mittarin arvo puuttuu selityksestä; kerro, mistä muutos johtuu.",
]
REOPEN_REASONS = [
    "Mittarin arvo korjataan: tiedonkeruussa oli laskettu kaksi kuukautta yhteen.",
    "Raportin teksti täydennetään ohjausryhmän pyynnöstä.",
]
RISK_NOTES = [
    "Tilanne ennallaan; seurataan kuukausittain.",
    "Riskiä pienennetty sovituilla toimenpiteillä.",
    "Riski kasvanut: asia viedään ohjausryhmään.",
]


@dataclass
class Actors:
    manager: object
    coordinator: object


@dataclass
class HistoryClock:
    """The services take no time: they record "now". The clock remembers, for each step of
    the story, the real moment it began and the story's moment, so that backdate_history
    can move what every step recorded to its moment in the story."""

    started: dt.datetime = field(default_factory=timezone.now)
    steps: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)

    def at(self, when: dt.datetime) -> None:
        self.steps.append((timezone.now(), when))


@dataclass
class Plan:
    project: Project
    actors: Actors
    months: list[dt.date]
    seed_months: set[dt.date]
    # the plan's own assessment of each risk (severity, probability), by risk id
    risks: dict[int, tuple[int, int]] = field(default_factory=dict)


def _moment(day: dt.date, hour: int, rng: random.Random) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=TZ)


def _money(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal(10), rounding=ROUND_HALF_UP)


def plan_for(project: Project, actors: Actors) -> Plan | None:
    """The months of the project's story: the open reporting month (the month after the
    seed's reports, or the phase's last month) and the six before it."""
    current = (ReportingPeriod.objects.filter(project=project).order_by("-month")
               .values_list("month", flat=True).first())
    if current is None:
        return None
    months = [add_months(current, -k) for k in range(HISTORY_MONTHS - 1, -1, -1)]
    seed_months = set(MonthlyReport.objects.filter(project=project, illustrative=False)
                      .values_list("period", flat=True))
    risks = {pk: (severity, probability) for pk, severity, probability
             in project.risks.values_list("pk", "severity", "probability")}
    return Plan(project, actors, months, seed_months, risks)


def has_history(project: Project) -> bool:
    return MonthlyReport.objects.filter(project=project, illustrative=True).exists()


class _Writer:
    """Writes the story of the planned projects month by month, all projects together
    (reminders are sent for every project's open months at once, as the portal does)."""

    def __init__(self, plans: list[Plan]):
        self.plans = plans
        self.rng = random.Random(SEED)
        self.clock = HistoryClock()
        self.series: dict[tuple[int, int | None], Decimal] = {}

    # --- the story -------------------------------------------------------------------------

    def write(self) -> None:
        months = sorted({m for plan in self.plans for m in plan.months})
        for month in months:
            deadline = selectors.default_deadline(month)
            reminder_day = deadline - dt.timedelta(days=2)
            later = []
            for plan in self.plans:
                if month in plan.months:
                    later += self.month_until_reminders(plan, month, reminder_day)
            with contextlib.redirect_stdout(io.StringIO()):  # the console mail backend
                send_reminders(today=reminder_day)
            for step in later:
                step()
            for plan in self.plans:
                if month in plan.months:
                    self.project_report(plan, month, deadline)
                    self.risks(plan, month)
        for plan in self.plans:
            self.costs(plan)
            # Computed now, after the story (not backdated): the roll-up jobs the approvals
            # ask for after the commit then find them computed after every change and skip.
            for month in plan.months:
                rollup_compute(project=plan.project, month=month)
        self.mark_and_backdate()

    def fate(self, plan: Plan, month: dt.date) -> str:
        position = len(plan.months) - 1 - plan.months.index(month)  # 0: the current month
        roll = self.rng.random()
        if position == 0:
            for fate, share in [("missing", 0.15), ("draft", 0.25), ("submitted", 0.25),
                                ("returned", 0.15)]:
                if roll < share:
                    return fate
                roll -= share
            return "approved"
        reopen_month = max(m for m in plan.months[:-1] if m not in plan.seed_months)
        if month == reopen_month and roll < 0.2:
            return "reopened"
        if roll < 0.15:
            return "returned_then_approved"
        if roll < 0.2:
            return "reopened_then_approved"
        return "approved"

    def month_until_reminders(self, plan: Plan, month: dt.date, reminder_day: dt.date):
        """Drafts and the early submissions of the month; returns what happens after the
        reminders (later submissions, reviews)."""
        reporting_period_open(project=plan.project, month=month)
        if month in plan.seed_months:
            return []
        later = []
        subprojects = (Subproject.objects.filter(project=plan.project)
                       .expected_to_report(month).order_by("code_sort"))
        for sub in subprojects:
            fate = self.fate(plan, month)
            if fate == "missing":
                continue
            first = month + dt.timedelta(days=self.rng.randrange(18, 27))
            report = self.save(plan, sub, month, _moment(first, 9 + self.rng.randrange(6), self.rng))
            if fate == "draft":
                continue
            submit_day = reminder_day + dt.timedelta(days=self.rng.randrange(-6, 5))
            submit = _moment(submit_day, 10 + self.rng.randrange(6), self.rng)
            step = self._review_steps(plan, report, fate, submit)
            if submit_day < reminder_day:
                step()
            else:
                later.append(step)
        return later

    def _review_steps(self, plan: Plan, report: MonthlyReport, fate: str, submitted: dt.datetime):
        rng, manager, coordinator = self.rng, plan.actors.manager, plan.actors.coordinator
        returned = submitted + dt.timedelta(days=rng.randrange(1, 3), hours=2)
        approved = submitted + dt.timedelta(days=rng.randrange(2, 6), hours=3)
        comment, reason = rng.choice(RETURN_COMMENTS), rng.choice(REOPEN_REASONS)

        def steps():
            self.submit(report, coordinator, submitted)
            if fate == "submitted":
                return
            if fate in ("returned", "returned_then_approved"):
                self.clock.at(returned)
                with set_actor(manager):
                    monthly_report_return(report=report, user=manager, comment=comment)
                if fate == "returned":
                    return
                corrected = returned + dt.timedelta(days=1)
                self.save_again(report, coordinator, corrected)
                self.submit(report, coordinator, corrected + dt.timedelta(hours=1))
                self.approve(report, manager, corrected + dt.timedelta(days=2))
                return
            self.approve(report, manager, approved)
            if fate in ("reopened", "reopened_then_approved"):
                reopened = approved + dt.timedelta(days=rng.randrange(3, 9))
                self.clock.at(reopened)
                with set_actor(manager):
                    monthly_report_reopen(report=report, user=manager, reason=reason)
                if fate == "reopened":
                    return
                self.save_again(report, coordinator, reopened + dt.timedelta(days=1),
                                correct_values=True)
                self.submit(report, coordinator, reopened + dt.timedelta(days=1, hours=2))
                self.approve(report, manager, reopened + dt.timedelta(days=3))
        return steps

    # --- one report ------------------------------------------------------------------------

    def save(self, plan: Plan, sub: Subproject, month: dt.date, when: dt.datetime) -> MonthlyReport:
        rng = self.rng
        suggested = selectors.suggested_light(sub, month)
        light = suggested or rng.choice(["green"] * 6 + ["yellow"] * 3 + ["red"])
        if suggested == "green" and rng.random() < 0.2:
            light = "yellow"
        planned = schedule_share(sub, month)  # progress keeps to the plan, a few lag behind
        progress = (10 + 12 * plan.months.index(month) if planned is None
                    else planned * 100 - rng.choice([0, 2, 4, 6, 8, 15]))
        fields = {
            "light": light,
            "progress": max(0, min(100, round(progress))),
            "situation": rng.choice(SITUATIONS).format(n=rng.randrange(3, 25)),
            "next_steps": rng.choice(NEXT_STEPS),
            "problems": rng.choice(PROBLEMS) if light != "green" else "",
            "light_reason": ("Aikataulu on viivästynyt suunnitellusta." if light != suggested
                             and suggested else ""),
        }
        values = self.values(sub, month)
        self.clock.at(when)
        with set_actor(plan.actors.coordinator):
            return monthly_report_save(
                subproject=sub, period=month, user=plan.actors.coordinator,
                data=ReportInput(fields=fields, values=values), expected_version=0)

    def save_again(self, report: MonthlyReport, user, when: dt.datetime,
                   correct_values: bool = False) -> None:
        report.refresh_from_db()
        fields = {"situation": report.situation + " Täydennetty esimiehen kommentin mukaan.",
                  "next_steps": report.next_steps}
        values = []
        if correct_values:
            for row in selectors.metric_rows(report.subproject, report.period):
                if row.value is not None and row.value.value is not None and (
                        row.metric.kind in (Metric.Kind.COUNT, Metric.Kind.SHARE)):
                    corrected = row.value.value + (1 if row.metric.kind == Metric.Kind.COUNT
                                                   else Decimal("0.5"))
                    if row.metric.kind == Metric.Kind.SHARE:
                        corrected = min(corrected, Decimal(100))
                    values.append(ValueInput(row.metric, row.category,
                                             parse_metric_input(row.metric, f"{corrected:f}"),
                                             "Korjattu arvo."))
        self.clock.at(when)
        with set_actor(user):
            monthly_report_save(subproject=report.subproject, period=report.period, user=user,
                                data=ReportInput(fields=fields, values=values),
                                expected_version=report.version)

    def submit(self, report: MonthlyReport, user, when: dt.datetime) -> None:
        self.clock.at(when)
        with set_actor(user):
            monthly_report_submit(report=report, user=user)

    def approve(self, report: MonthlyReport, user, when: dt.datetime) -> None:
        self.clock.at(when)
        with set_actor(user):
            monthly_report_approve(report=report, user=user, expected_version=None)

    def project_report(self, plan: Plan, month: dt.date, deadline: dt.date) -> None:
        """The manager's own report of the month: the goal and project metrics."""
        values = self.values(plan.project, month)
        if not values:
            return
        manager = plan.actors.manager
        when = _moment(deadline - dt.timedelta(days=1), 14, self.rng)
        self.clock.at(when)
        with set_actor(manager):
            report = monthly_report_save(
                project=plan.project, period=month, user=manager, expected_version=0,
                data=ReportInput(fields={"situation": "Hankkeen mittarit kuukaudelta."},
                                 values=values))
        if month != plan.months[-1]:
            self.clock.at(when + dt.timedelta(days=3))
            with set_actor(manager):
                monthly_report_approve(report=report, user=manager, expected_version=None)

    # --- metric values ---------------------------------------------------------------------

    def values(self, owner, month: dt.date) -> list[ValueInput]:
        inputs = []
        for row in selectors.metric_rows(owner, month):
            raw = self.value_text(row.metric, row.category, month)
            if raw is None:
                continue
            parsed = parse_metric_input(row.metric, raw)
            previous = row.previous.value if row.previous is not None else None
            comment = ("Muutos johtuu uusien yksiköiden mukaantulosta."
                       if is_sudden_change(previous, parsed.value) else "")
            inputs.append(ValueInput(row.metric, row.category, parsed, comment))
        return inputs

    def value_text(self, metric: Metric, category, month: dt.date) -> str | None:
        """The value of the month on the way from the baseline to the target."""
        rng = self.rng
        target = (MetricTarget.objects.filter(metric=metric, effective_from__lte=month)
                  .order_by("-effective_from").first())
        start, end = dt.date(2020, 1, 1), dt.date(2022, 12, 31)
        if target and target.baseline_date:
            start = target.baseline_date
        if target and target.target_date:
            end = target.target_date
        share = Decimal(max(0.0, min(1.0, (month - start).days / max(1, (end - start).days))))
        if metric.kind == Metric.Kind.TEXT:
            return rng.choice(SITUATIONS).format(n=rng.randrange(3, 25))
        if metric.kind == Metric.Kind.YES_NO:
            return "1" if share > Decimal("0.5") or rng.random() < float(share) else "0"
        if metric.kind == Metric.Kind.PHASE:
            return str(min(4, 1 + int(share * 4)))
        key = (metric.pk, category.pk if category else None)
        default_base, default_goal = {
            Metric.Kind.SHARE: (Decimal(30), Decimal(60)), Metric.Kind.DAYS: (Decimal(40), Decimal(14)),
            Metric.Kind.MONEY: (Decimal(1000), Decimal(5000)),
        }.get(metric.kind, (Decimal(10), Decimal(40)))
        baseline = target.baseline_value if target and target.baseline_value is not None else None
        goal = target.target_value if target and target.target_value is not None else None
        if metric.cumulative:
            baseline = baseline or Decimal(0)
        baseline = default_base if baseline is None else Decimal(baseline)
        if goal is None:
            goal = default_goal if metric.direction == Metric.Direction.HIGHER or (
                metric.kind != Metric.Kind.DAYS) else default_base / 2
            if metric.direction == Metric.Direction.LOWER:
                goal = baseline / 2
            elif goal <= baseline:
                goal = baseline * Decimal("1.5") + 5
        value = baseline + (Decimal(goal) - baseline) * share
        if not metric.cumulative:
            value *= Decimal(str(round(rng.uniform(0.92, 1.06), 3)))
        if category is not None:
            value /= max(1, metric.disaggregation.categories.count())
        if metric.cumulative:  # a running total never falls
            value = max(value, self.series.get(key, Decimal(0)))
        if metric.kind == Metric.Kind.SHARE:
            value = min(value, Decimal(100))
        places = {Metric.Kind.COUNT: Decimal(1), Metric.Kind.MONEY: Decimal("0.01")}.get(
            metric.kind, Decimal("0.1"))
        value = max(Decimal(0), value.quantize(places, rounding=ROUND_HALF_UP))
        self.series[key] = value
        return f"{value:f}"

    # --- money and risks -------------------------------------------------------------------

    def costs(self, plan: Plan) -> None:
        """What each subproject with a budget spent every month of its budget years up to
        the open month: somewhat under the plan, as projects usually are."""
        years = (BudgetLine.objects.filter(subproject__project=plan.project)
                 .values_list("year", flat=True).distinct())
        if not years:
            return
        month = dt.date(min(years), 1, 1)
        while month <= plan.months[-1]:
            budgets = (Subproject.objects.filter(project=plan.project,
                                                 budget_lines__year=month.year)
                       .annotate(total=Sum("budget_lines__amount")).order_by("code_sort"))
            when = _moment(add_months(month, 1).replace(day=15), 12, self.rng)
            for sub in budgets:
                share = Decimal(str(round(self.rng.uniform(0.6, 1.1), 3)))
                amount = _money(sub.total / 12 * share)
                self.clock.at(when)
                with set_actor(plan.actors.manager):
                    actual_cost_record(subproject=sub, period=month, amount=amount,
                                       illustrative=True)
            month = add_months(month, 1)

    def risks(self, plan: Plan, month: dt.date) -> None:
        """A re-assessment a month; the newest is the plan's own assessment."""
        last = month == plan.months[-1]
        reviewed_on = month.replace(day=25)
        for risk in plan.project.risks.order_by("pk"):
            severity, probability = plan.risks[risk.pk]
            if not last:
                severity = max(1, min(5, severity + self.rng.choice([-1, 0, 0, 1])))
                probability = max(0, min(100, probability + self.rng.choice([-10, 0, 10, 20])))
            self.clock.at(_moment(reviewed_on, 13, self.rng))
            with set_actor(plan.actors.manager):
                risk_review_record(
                    risk=risk, reviewed_on=reviewed_on, severity=severity,
                    probability=probability, illustrative=True,
                    note="" if last else self.rng.choice(RISK_NOTES))

    # --- marking and dating ----------------------------------------------------------------

    def mark_and_backdate(self) -> None:
        started, projects = self.clock.started, [plan.project for plan in self.plans]
        MonthlyReport.objects.filter(project__in=projects, created_at__gte=started).update(
            illustrative=True)
        MetricValue.objects.filter(metric__project__in=projects, updated_at__gte=started).update(
            illustrative=True)
        backdate_history(self.clock)
        for plan in self.plans:
            date_seed_reports(plan)


def backdate_history(clock: HistoryClock) -> None:
    """Give every time the services recorded during the story (report events and states,
    publications and withdrawals of values, the audit trail, costs and reviews) the story's
    moment of the step that recorded it. Demo only: nothing else ever rewrites a time."""
    bounds = [begun for begun, _ in clock.steps[1:]] + [timezone.now()]
    intervals = [(begun, end, when) for (begun, when), end in zip(clock.steps, bounds, strict=True)]
    columns = [
        (ReportEvent, ["at"]), (LogEntry, ["timestamp"]),
        (MonthlyReport, ["created_at", "updated_at", "submitted_at", "approved_at"]),
        (MetricValue, ["updated_at", "published_at"]), (ValueWithdrawal, ["updated_at"]),
        (ActualCost, ["updated_at"]), (RiskReview, ["updated_at"]),
    ]
    begins = [begun for begun, _end, _when in intervals]
    for model, names in columns:
        for name in names:
            recorded = model.objects.filter(**{f"{name}__gte": clock.started}).values_list(
                name, flat=True)
            used = sorted({bisect.bisect_right(begins, at) - 1 for at in recorded} - {-1})
            steps = [intervals[i] for i in used]  # only the steps that recorded this column
            for chunk in range(0, len(steps), 300):
                part = steps[chunk:chunk + 300]
                moved = Case(
                    *[When(**{f"{name}__gte": begun, f"{name}__lt": end}, then=Value(when))
                      for begun, end, when in part],
                    default=name, output_field=DateTimeField())
                model.objects.filter(**{f"{name}__gte": part[0][0], f"{name}__lt": part[-1][1]}
                                     ).update(**{name: moved})


def date_seed_reports(plan: Plan) -> None:
    """The seed's reports say what was reported, not when: the story has them submitted
    before and approved after the deadline, by the demo manager."""
    rng = random.Random(f"{SEED}-{plan.project.code}")
    for report in MonthlyReport.objects.filter(
            project=plan.project, illustrative=False, submitted_at__isnull=True).order_by("pk"):
        deadline = selectors.default_deadline(report.period)
        submitted = _moment(deadline - dt.timedelta(days=rng.randrange(1, 6)), 11, rng)
        MonthlyReport.objects.filter(pk=report.pk).update(
            submitted_at=submitted, approved_by=plan.actors.manager,
            approved_at=submitted + dt.timedelta(days=rng.randrange(2, 6)))


@transaction.atomic
def write_history(plans: list[Plan]) -> int:
    """Write the story of the projects that have none yet; returns how many projects."""
    plans = [plan for plan in plans if plan and not has_history(plan.project)]
    if plans:
        _Writer(plans).write()
    return len(plans)

