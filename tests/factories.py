"""factory_boy factories for the domain; each builds a valid row with sensible defaults."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from indicators.models import Metric, MetricTarget, MetricValue
from projects.models import Membership, Organisation, Person, Programme, Project, Region
from reports.models import MonthlyReport
from workpackages.models import Goal, Risk, Subproject, WorkPackage


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
    class Meta:
        model = MetricValue

    metric = factory.SubFactory(MetricFactory)
    period = dt.date(2022, 5, 1)
    value = 1


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risk

    project = factory.SubFactory(ProjectFactory)
    category = Risk.Category.STAFF
    description = "Osaajien puute"
    severity = 3
    probability = 30


class MonthlyReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonthlyReport

    subproject = factory.SubFactory(SubprojectFactory)
    project = factory.LazyAttribute(lambda report: report.subproject.project)
    period = dt.date(2022, 5, 1)


def publish_approved_values() -> None:
    """Data made with state="approved" directly (not through the approval service): publish
    exactly the values approval would have published — each approved report's own."""
    from django.utils import timezone

    from indicators.selectors import report_values
    from indicators.services import values_publish

    for report in MonthlyReport.objects.filter(state=MonthlyReport.State.APPROVED):
        values_publish(report_values(project_id=report.project_id,
                                     subproject_id=report.subproject_id, period=report.period),
                       at=report.approved_at or timezone.now())
