"""Serializers of the reference data and the plan: regions, organisations, projects, work
packages, goals, subprojects, activities and metrics."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers as S

from api.serializers.base import (
    ID,
    PROJECT_CODE,
    UPDATED,
    PeriodCodeField,
    ProjectRowSerializer,
    ReadSerializer,
    SubprojectRowSerializer,
    UTCDateTimeField,
    choice,
    codes,
    money,
    number,
)
from indicators.models import Metric
from projects.models import Organisation
from workpackages.models import Goal, WorkPackage


class MunicipalitySerializer(ReadSerializer):
    name = S.CharField(read_only=True, help_text=_("Name in Finnish."))
    name_sv = S.CharField(read_only=True, help_text=_("Name in Swedish (empty if none)."))


class RegionSerializer(ReadSerializer):
    id = S.IntegerField(read_only=True, help_text=ID)
    code = S.CharField(read_only=True, help_text=_("Official region code, e.g. 11."))
    name = S.CharField(read_only=True, help_text=_("Name in Finnish."))
    name_sv = S.CharField(read_only=True, help_text=_("Name in Swedish (empty if none)."))
    wellbeing_county = S.CharField(read_only=True, help_text=_(
        "Code of the wellbeing services county in Statistics Finland's classification "
        "(Hyvinvointialueet 2023, e.g. 12; empty if none). JSON-stat codes the region as "
        "HVA12."))
    population = S.IntegerField(read_only=True, allow_null=True, help_text=_("Population."))
    municipalities = MunicipalitySerializer(many=True, read_only=True, help_text=_(
        "The municipalities of the region."))
    updated_at = UTCDateTimeField(help_text=UPDATED)


class OrganisationSerializer(ReadSerializer):
    id = S.IntegerField(read_only=True, help_text=ID)
    key = S.CharField(read_only=True, help_text=_("Short stable identifier, e.g. PSSHP."))
    name = S.CharField(read_only=True, help_text=_("Full name."))
    short_name = S.CharField(read_only=True, help_text=_("Short name (may be empty)."))
    kind = choice(Organisation.Kind, _(
        "joint_authority, municipality, hospital_district, regional_council, "
        "wellbeing_county, ngo, university or other."))
    region_code = S.CharField(source="region.code", read_only=True, allow_null=True,
                              help_text=_("Official code of its region, if any."))
    updated_at = UTCDateTimeField(help_text=UPDATED)


class PhaseSerializer(ReadSerializer):
    id = S.IntegerField(read_only=True, help_text=ID)
    code = S.CharField(read_only=True, help_text=_("Code of the phase, e.g. I or II."))
    name = S.CharField(read_only=True, help_text=_("Name, e.g. I-vaihe."))
    start_date = S.DateField(read_only=True, help_text=_("First day of the phase."))
    end_date = S.DateField(read_only=True, help_text=_("Last day of the phase."))
    state_grant = money(_("State grant in euros."), allow_null=True)
    staff_count = S.IntegerField(read_only=True, allow_null=True, help_text=_("Staff."))
    project_count = S.IntegerField(read_only=True, allow_null=True, help_text=_(
        "The number of development projects the phase reports in its key figures."))
    updated_at = UTCDateTimeField(help_text=UPDATED)


class ProjectSerializer(ReadSerializer):
    id = S.IntegerField(read_only=True, help_text=ID)
    code = S.CharField(read_only=True, help_text=PROJECT_CODE)
    name = S.CharField(read_only=True, help_text=_("Name of the project."))
    programme_code = S.CharField(source="programme.code", read_only=True, help_text=_(
        "Code of the national programme."))
    region_code = S.CharField(source="region.code", read_only=True, help_text=_(
        "Official code of the project's region."))
    region_name = S.CharField(source="region.name", read_only=True, help_text=_(
        "Name of the region in Finnish."))
    administrator_key = S.CharField(source="administrator.key", read_only=True, help_text=_(
        "Key of the administering organisation (hallinnoija)."))
    co_implementer_keys = codes(source="co_implementers", help_text=_(
        "Keys of the co-implementing organisations (osatoteuttajat)."), slug="key")
    description = S.CharField(read_only=True, help_text=_("Description."))
    innokyla_url = S.CharField(read_only=True, help_text=_("Innokylä page (may be empty)."))
    phases = PhaseSerializer(many=True, read_only=True, help_text=_(
        "Funded phases, in date order."))
    updated_at = UTCDateTimeField(help_text=UPDATED)


class WorkPackageSerializer(ProjectRowSerializer):
    code = S.CharField(read_only=True, help_text=_("Code, unique within the project."))
    name = S.CharField(read_only=True, help_text=_("Name."))
    kind = choice(WorkPackage.Kind, _(
        "work_package, development_entity, theme, cross_cutting or coordination."))
    benefit_goal_codes = codes(source="benefit_goals", help_text=_(
        "Codes of the national benefit goals (1–5) the work package serves."))
    lead_organisation_keys = codes(source="lead_organisations", help_text=_(
        "Keys of the lead organisations."), slug="key")
    lead_people = codes(_("Names of the responsible people."), slug="name")
    description = S.CharField(read_only=True, help_text=_("Description."))
    objectives = S.CharField(read_only=True, help_text=_("Objectives (Tavoitteet)."))
    why = S.CharField(read_only=True, help_text=_("Why is the work done?"))
    achieved = S.CharField(read_only=True, help_text=_("What was achieved?"))
    next_steps = S.CharField(read_only=True, help_text=_("What next?"))
    lessons = S.CharField(read_only=True, help_text=_("Lessons for future developers."))
    updated_at = UTCDateTimeField(help_text=UPDATED)


class GoalSerializer(ProjectRowSerializer):
    code = S.CharField(read_only=True, help_text=_("Code in the plan, e.g. 1.1."))
    name = S.CharField(read_only=True, help_text=_("Text of the goal."))
    level = choice(Goal.Level, _("benefit, process or sub."))
    parent_id = S.IntegerField(read_only=True, allow_null=True, help_text=_(
        "Id of the parent goal (null at the top of the tree)."))
    parent_code = S.CharField(source="parent.code", read_only=True, allow_null=True,
                              help_text=_("Code of the parent goal."))
    benefit_goal_code = S.CharField(source="benefit_goal.code", read_only=True,
                                    allow_null=True, help_text=_(
                                        "Code of the national benefit goal, if mapped."))
    updated_at = UTCDateTimeField(help_text=UPDATED)


class SubprojectSerializer(ProjectRowSerializer):
    work_package_id = S.IntegerField(read_only=True, help_text=_("Id of the work package."))
    work_package_code = S.CharField(source="work_package.code", read_only=True,
                                    help_text=_("Code of the work package."))
    code = S.CharField(read_only=True, help_text=_("Code, unique within the project."))
    name = S.CharField(read_only=True, help_text=_("Name."))
    objective = S.CharField(read_only=True, help_text=_("Objective (Tavoite)."))
    goal_codes = codes(source="goals", help_text=_(
        "Codes of the project goals the subproject serves."))
    organisation_key = S.CharField(source="organisation.key", read_only=True, allow_null=True,
                                   help_text=_("Key of the responsible organisation."))
    responsible_people = codes(_("Names of the responsible people."), slug="name")
    start_month = S.DateField(read_only=True, allow_null=True, help_text=_(
        "Planned start month (first day)."))
    end_month = S.DateField(read_only=True, allow_null=True, help_text=_(
        "Planned end month (first day)."))
    starts_later = S.BooleanField(read_only=True, help_text=_(
        "Alkaa myöhemmin: not started yet."))
    carried_over = S.BooleanField(read_only=True, help_text=_(
        "Alkanut edellisessä vaiheessa: started in the previous phase."))
    innokyla_url = S.CharField(read_only=True, help_text=_("Innokylä page (may be empty)."))
    updated_at = UTCDateTimeField(help_text=UPDATED)


class ActivitySerializer(SubprojectRowSerializer):
    name = S.CharField(read_only=True, help_text=_("Name of the stretch of work."))
    start_month = S.DateField(read_only=True, help_text=_("First month (first day)."))
    start_code = PeriodCodeField(source="start_month", help_text=_("First month as 2022M05."))
    end_month = S.DateField(read_only=True, help_text=_("Last month (first day)."))
    end_code = PeriodCodeField(source="end_month", help_text=_("Last month as 2022M05."))
    order = S.IntegerField(read_only=True, help_text=_("Order among activities that start "
                                                       "in the same month."))
    updated_at = UTCDateTimeField(help_text=UPDATED)


class CategorySerializer(ReadSerializer):
    code = S.CharField(read_only=True, help_text=_("Code of the category, e.g. children."))
    name = S.CharField(read_only=True, help_text=_("Name in Finnish."))
    name_sv = S.CharField(read_only=True, help_text=_("Name in Swedish (may be empty)."))
    name_en = S.CharField(read_only=True, help_text=_("Name in English (may be empty)."))


class TargetSerializer(ReadSerializer):
    effective_from = S.DateField(read_only=True, help_text=_(
        "The version is valid from this day until the next version."))
    baseline_value = number(_("Baseline value."))
    baseline_date = S.DateField(read_only=True, allow_null=True, help_text=_("Baseline date."))
    target_value = number(_("Target value."))
    target_date = S.DateField(read_only=True, allow_null=True, help_text=_("Target date."))
    reason = S.CharField(read_only=True, help_text=_("Why the target was changed."))


class MetricSerializer(ProjectRowSerializer):
    code = S.CharField(read_only=True, help_text=_("Code, unique within the project, e.g. A.1."))
    name = S.CharField(read_only=True, help_text=_("Name of the metric."))
    name_sv = S.CharField(read_only=True, help_text=_("Name in Swedish (empty if none)."))
    name_en = S.CharField(read_only=True, help_text=_("Name in English (empty if none)."))
    goal_id = S.IntegerField(read_only=True, allow_null=True, help_text=_(
        "Id of the goal the metric measures."))
    goal_code = S.CharField(source="goal.code", read_only=True, allow_null=True,
                            help_text=_("Code of that goal."))
    subproject_id = S.IntegerField(read_only=True, allow_null=True, help_text=_(
        "Id of the subproject the metric belongs to."))
    subproject_code = S.CharField(source="subproject.code", read_only=True, allow_null=True,
                                  help_text=_("Code of that subproject."))
    kind = choice(Metric.Kind, _(
        "yes_no (1 = yes), count, share (%), money (€), days, phase (1 planning, 2 testing, "
        "3 deployment, 4 established) or text."))
    unit = S.CharField(read_only=True, help_text=_("Unit (may be empty)."))
    frequency = choice(Metric.Frequency, _("monthly, quarterly, yearly or once."))
    direction = choice(Metric.Direction, _("higher or lower (which is better)."))
    cumulative = S.BooleanField(read_only=True, help_text=_(
        "Values are running totals; never sum them over months."))
    disaggregation_code = S.CharField(source="disaggregation.code", read_only=True,
                                      allow_null=True, help_text=_(
                                          "How values are split, e.g. age_group; null if not."))
    categories = S.SerializerMethodField(help_text=_("The categories values are split into."))
    min_value = number(_("Smallest allowed value."))
    max_value = number(_("Largest allowed value."))
    data_source = choice(Metric.DataSource, _("manual, register or system."))
    source_name = S.CharField(read_only=True, help_text=_("E.g. Sotkanet, Logex."))
    external_id = S.CharField(read_only=True, help_text=_(
        "The corresponding Sotkanet indicator id or Statistics Finland table."))
    sotkanet_indicator = S.IntegerField(read_only=True, allow_null=True, help_text=_(
        "Id of the THL Sotkanet indicator shown as the metric's context (see /api/v1/context/)."))
    targets = TargetSerializer(many=True, read_only=True, help_text=_(
        "Versions of the baseline and target, newest first."))
    updated_at = UTCDateTimeField(help_text=UPDATED)

    @extend_schema_field(CategorySerializer(many=True))
    def get_categories(self, metric) -> list[dict]:
        if metric.disaggregation is None:
            return []
        return CategorySerializer(metric.disaggregation.categories.all(), many=True).data
