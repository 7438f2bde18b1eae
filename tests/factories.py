"""factory_boy factories for the domain; each builds a valid row with sensible defaults."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from indicators.models import (
    Disaggregation,
    DisaggregationCategory,
    Metric,
    MetricTarget,
    MetricValue,
)
from projects.models import (
    BenefitGoal,
    Membership,
    Municipality,
    Organisation,
    Person,
    Phase,
    Programme,
    Project,
    Region,
)
from projects.months import add_months
from reports.models import (
    EvaluationNarrative,
    EvaluationRound,
    GeneratedDocument,
    MonthlyReport,
    Reminder,
    ReportEvent,
    ReportingPeriod,
)
from workpackages.models import (
    Activity,
    ActualCost,
    BudgetLine,
    Goal,
    Output,
    Risk,
    RiskReview,
    Subproject,
    WorkPackage,
)

MONTH = dt.date(2022, 5, 1)  # the month the tests report on (conftest.MONTH)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", "salasana-testi-123")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ["code"]

    code = "TSK-TEST"
    name = "Testiohjelma"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{n % 10000:04d}")  # official codes have 4 characters
    name = factory.Sequence(lambda n: f"Alue {n}")


class BenefitGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BenefitGoal

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"{n + 1}")
    name = factory.Sequence(lambda n: f"Hyötytavoite {n}")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Kunta {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["key"]

    key = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Organisaatio {n}")
    region = factory.SubFactory(RegionFactory)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"HANKE{n}")
    name = factory.Sequence(lambda n: f"Testihanke {n}")
    region = factory.SubFactory(RegionFactory)
    administrator = factory.SubFactory(OrganisationFactory)


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    project = factory.SubFactory(ProjectFactory)
    code = "I"
    name = "I-vaihe"
    start_date = dt.date(2022, 1, 1)
    end_date = dt.date(2023, 12, 31)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Henkilö {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    project = factory.SubFactory(ProjectFactory)
    person = factory.SubFactory(PersonFactory)
    role = Membership.Role.COORDINATOR


class WorkPackageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkPackage

    project = factory.SubFactory(ProjectFactory)
    code = factory.Sequence(lambda n: f"TP{n}")
    name = factory.Sequence(lambda n: f"Työpaketti {n}")


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    project = factory.SubFactory(ProjectFactory)
    code = factory.Sequence(lambda n: f"{n}")
    name = factory.Sequence(lambda n: f"Tavoite {n}")
    level = Goal.Level.PROCESS


class SubprojectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subproject

    work_package = factory.SubFactory(WorkPackageFactory)
    project = factory.SelfAttribute("work_package.project")
    code = factory.Sequence(lambda n: f"S{n}")
    name = factory.Sequence(lambda n: f"Osahanke {n}")
    start_month = dt.date(2022, 1, 1)
    end_month = dt.date(2023, 12, 1)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    subproject = factory.SubFactory(SubprojectFactory)
    name = factory.Sequence(lambda n: f"Toiminto {n}")
    start_month = dt.date(2022, 1, 1)
    end_month = dt.date(2022, 12, 1)


class OutputFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Output

    work_package = factory.SubFactory(WorkPackageFactory)
    name = factory.Sequence(lambda n: f"Tuotos {n}")


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    subproject = factory.SubFactory(SubprojectFactory)
    year = 2022
    amount = 1000


class ActualCostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActualCost

    subproject = factory.SubFactory(SubprojectFactory)
    period = MONTH
    amount = 100


class DisaggregationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Disaggregation

    code = factory.Sequence(lambda n: f"disaggregation-{n}")
    name = factory.Sequence(lambda n: f"Jaottelu {n}")


class DisaggregationCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DisaggregationCategory

    disaggregation = factory.SubFactory(DisaggregationFactory)
    code = factory.Sequence(lambda n: f"category-{n}")
    name = factory.Sequence(lambda n: f"Luokka {n}")


class MetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Metric

    project = factory.SubFactory(ProjectFactory)
    code = factory.Sequence(lambda n: f"M.{n}")
    name = factory.Sequence(lambda n: f"Mittari {n}")
    kind = Metric.Kind.COUNT


class MetricTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MetricTarget

    metric = factory.SubFactory(MetricFactory)
    baseline_value = 0
    baseline_date = dt.date(2020, 1, 1)
    target_value = 100
    target_date = dt.date(2023, 12, 31)
    effective_from = dt.date(2020, 1, 1)


class MetricValueFactory(factory.django.DjangoModelFactory):
    """A provisional value unless published=True (then published_at is set too, as approval
    would set it)."""

    class Meta:
        model = MetricValue

    metric = factory.SubFactory(MetricFactory)
    period = MONTH
    value = 1
    published = False
    published_at = factory.Maybe("published", factory.LazyFunction(timezone.now), None)


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risk

    project = factory.SubFactory(ProjectFactory)
    category = Risk.Category.STAFF
    description = "Osaajien puute"
    severity = 3
    probability = 30


class RiskReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskReview

    risk = factory.SubFactory(RiskFactory)
    reviewed_on = MONTH
    severity = 3
    probability = 30


class ReportingPeriodFactory(factory.django.DjangoModelFactory):
    """A reporting month, due on the 10th of the next month as REPORTING_DEADLINE_DAY says."""

    class Meta:
        model = ReportingPeriod

    project = factory.SubFactory(ProjectFactory)
    month = MONTH
    deadline = factory.LazyAttribute(lambda period: add_months(period.month, 1).replace(day=10))


class MonthlyReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonthlyReport

    subproject = factory.SubFactory(SubprojectFactory)
    project = factory.LazyAttribute(lambda report: report.subproject.project)
    period = MONTH


class ReportEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportEvent

    report = factory.SubFactory(MonthlyReportFactory)
    action = ReportEvent.Action.CREATED


class ReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reminder

    period = factory.SubFactory(ReportingPeriodFactory)
    user = factory.SubFactory(UserFactory)
    kind = Reminder.Kind.COORDINATOR
    sent_on = factory.LazyAttribute(lambda reminder: reminder.period.deadline)


class EvaluationRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationRound

    project = factory.SubFactory(ProjectFactory)
    date = factory.Sequence(lambda n: dt.date(2021, 1, 1) + dt.timedelta(days=n))
    kind = EvaluationRound.Kind.INTERIM
    title = "Väliarviointi"
    published = True


class EvaluationNarrativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationNarrative

    round = factory.SubFactory(EvaluationRoundFactory)
    goal = factory.SubFactory(GoalFactory, project=factory.SelfAttribute("..round.project"))
    text = "Kehittämistoimenpiteet tehty."


class GeneratedDocumentFactory(factory.django.DjangoModelFactory):
    """A document as asked for (queued); a monthly status report has a month, the others none."""

    class Meta:
        model = GeneratedDocument

    project = factory.SubFactory(ProjectFactory)
    kind = GeneratedDocument.Kind.MONTHLY
    month = factory.LazyAttribute(
        lambda document: MONTH if document.kind == GeneratedDocument.Kind.MONTHLY else None)


def publish_approved_values() -> None:
    """Data made with state="approved" directly (not through the approval service): publish
    exactly the values approval would have published — each approved report's own."""
    from indicators.selectors import report_values
    from indicators.services import values_publish

    for report in MonthlyReport.objects.filter(state=MonthlyReport.State.APPROVED):
        values_publish(report_values(project_id=report.project_id,
                                     subproject_id=report.subproject_id, period=report.period),
                       at=report.approved_at or timezone.now())


def approve_form(report) -> dict:
    """What the manager's approve button posts: the version of the report as it is now
    (the version the manager has just read)."""
    return {"version": MonthlyReport.objects.get(pk=report.pk).version}
