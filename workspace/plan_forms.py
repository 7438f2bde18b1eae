"""The forms of the workspace's plan pages: the project, its phases, work packages, goals,
subprojects, activities, and the month's summary and light overrides. Labels come from the
models' verbose names; every choice list offers only the project's own rows."""

from django import forms
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from projects.models import BenefitGoal, Membership, Organisation, Person, Phase, Project
from projects.months import parse_typed_month
from reports.models import ProjectRollup, StatusLight, WorkPackageStatus
from workpackages.models import Activity, Goal, Subproject, WorkPackage

# Key figures are counts of people and projects: a number beyond this is a typing error.
MAX_COUNT = 100_000


class MonthField(forms.Field):
    """A month typed as 7/2022 (or 2022-07); the first day of the month."""

    widget = forms.TextInput(attrs={"size": 8, "maxlength": 20})

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("As month/year, e.g. 7/2022."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if hasattr(value, "year"):
            return f"{value.month}/{value.year}"
        return value

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        try:
            return parse_typed_month(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class EuroField(forms.DecimalField):
    """Euros as people type them: 1 250 000,50 (spaces, a decimal comma, a trailing €)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removesuffix("€")
            for space in ("\u00a0", "\u202f", " "):
                value = value.replace(space, "")
            value = value.replace(",", ".")
        return super().to_python(value)

    def prepare_value(self, value):
        if value is not None and not isinstance(value, str):
            return format(value, "f").replace(".", ",")
        return value


def _count_field(model_field, **kwargs):
    return forms.IntegerField(
        label=capfirst(model_field.verbose_name), required=False, min_value=0, max_value=MAX_COUNT,
        help_text=model_field.help_text or _("Leave empty if not known."),
        error_messages={"max_value": _("Check the number: it is larger than %(limit_value)s."),
                        "min_value": _("The number cannot be negative."),
                        "invalid": _("Give a whole number.")}, **kwargs)


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["code", "name", "description", "innokyla_url", "co_implementers"]
        widgets = {"co_implementers": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        project = self.instance
        self.fields["co_implementers"].queryset = Organisation.objects.filter(
            pk__in=Organisation.objects.filter(region=project.region_id).values("pk")
        ) | Organisation.objects.filter(co_implemented_projects=project)
        self.fields["co_implementers"].queryset = self.fields["co_implementers"].queryset \
            .distinct().order_by("name")


class PhaseForm(forms.ModelForm):
    staff_count = _count_field(Phase._meta.get_field("staff_count"))
    project_count = _count_field(Phase._meta.get_field("project_count"))
    state_grant = EuroField(
        label=capfirst(Phase._meta.get_field("state_grant").verbose_name), required=False, min_value=0,
        max_digits=12, decimal_places=2,
        help_text=_("In euros, e.g. 1 250 000,00. Leave empty if not known."))

    class Meta:
        model = Phase
        fields = ["code", "name", "start_date", "end_date", "state_grant", "staff_count",
                  "project_count"]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}



class WorkPackageForm(forms.ModelForm):
    class Meta:
        model = WorkPackage
        fields = ["code", "name", "kind", "description", "objectives", "benefit_goals"]
        widgets = {"benefit_goals": forms.CheckboxSelectMultiple}
        help_texts = {"code": _("E.g. TP1; the plan's lists are ordered by code (1.2 before 1.10)."),
                      "benefit_goals": _("The national benefit goals the work package serves.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["benefit_goals"].queryset = BenefitGoal.objects.filter(
            programme=self.instance.project.programme_id)


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["code", "level", "name", "parent", "benefit_goal"]
        widgets = {"name": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"parent": _("The goal this one serves; empty for a goal at the top of the tree.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        project = self.instance.project
        parents = Goal.objects.filter(project=project)
        if self.instance.pk:
            parents = parents.exclude(pk__in=_descendants(self.instance))
        self.fields["parent"].queryset = parents
        self.fields["benefit_goal"].queryset = BenefitGoal.objects.filter(
            programme=project.programme_id)


def _descendants(goal) -> set[int]:
    """The goal and every goal under it (a goal cannot be its own ancestor)."""
    found, frontier = {goal.pk}, {goal.pk}
    while frontier:
        frontier = set(Goal.objects.filter(parent__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


class SubprojectForm(forms.ModelForm):
    start_month = MonthField(label=capfirst(Subproject._meta.get_field("start_month").verbose_name),
                             required=False)
    end_month = MonthField(label=capfirst(Subproject._meta.get_field("end_month").verbose_name),
                           required=False)

    class Meta:
        model = Subproject
        fields = ["work_package", "code", "name", "objective", "goals", "start_month",
                  "end_month", "starts_later", "carried_over", "innokyla_url"]
        widgets = {"goals": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        project = self.instance.project
        self.fields["work_package"].queryset = WorkPackage.objects.filter(project=project)
        self.fields["goals"].queryset = Goal.objects.filter(project=project)

    def clean_start_month(self):
        """A closed subproject cannot start after its closing month (as closing checks)."""
        start, closed = self.cleaned_data["start_month"], self.instance.closed_from
        if start and closed and closed < start:
            raise forms.ValidationError(_("A subproject cannot close before it starts (%(start)s).")
                                        % {"start": f"{start.month}/{start.year}"})
        return start


class SubprojectCloseForm(forms.ModelForm):
    closed_from = MonthField(
        label=_("Closed from (month)"), required=False,
        help_text=_("As month/year, e.g. 7/2022. From this month on no report is expected; the "
                    "reports and history stay. Leave empty to keep the subproject open."))

    class Meta:
        model = Subproject
        fields = ["closed_from"]

    def clean_closed_from(self):
        month = self.cleaned_data["closed_from"]
        start = self.instance.start_month
        if month and start and month < start:
            raise forms.ValidationError(_("A subproject cannot close before it starts (%(start)s).")
                                        % {"start": f"{start.month}/{start.year}"})
        return month


class ActivityForm(forms.ModelForm):
    start_month = MonthField(label=capfirst(Activity._meta.get_field("start_month").verbose_name))
    end_month = MonthField(label=capfirst(Activity._meta.get_field("end_month").verbose_name))

    class Meta:
        model = Activity
        fields = ["name", "start_month", "end_month", "order"]
        help_texts = {"order": _("Activities starting in the same month are shown in this order.")}


class SummaryForm(forms.ModelForm):
    class Meta:
        model = ProjectRollup
        fields = ["narrative"]
        widgets = {"narrative": forms.Textarea(attrs={"rows": 10})}
        help_texts = {"narrative": _("Shown on the dashboards and printed in the monthly report. "
                                     "Empty: the summary assembled from the reports is printed.")}


class OverrideForm(forms.ModelForm):
    override_light = forms.ChoiceField(
        label=capfirst(WorkPackageStatus._meta.get_field("override_light").verbose_name), required=False,
        choices=[("", _("No override: the computed light"))] + list(StatusLight.choices))

    class Meta:
        model = WorkPackageStatus
        fields = ["override_light", "override_reason"]
        widgets = {"override_reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prefix = f"wp{self.instance.work_package_id}"

    def clean(self):
        data = super().clean()
        if data.get("override_light") and not (data.get("override_reason") or "").strip():
            self.add_error("override_reason", _("Give the reason for overriding the light."))
        return data


class SubprojectPeopleForm(forms.ModelForm):
    """Who answers for a subproject: its responsible organisation and people (the plan's, as
    the documents print them) and the coordinators who report it in the portal."""

    new_person = forms.CharField(
        label=_("Add a responsible person who is not listed (name)"), required=False,
        max_length=120, help_text=_("A person of the plan; no portal account is made."))

    class Meta:
        model = Subproject
        fields = ["organisation", "responsible_people", "reporting_coordinators"]
        widgets = {"responsible_people": forms.CheckboxSelectMultiple,
                   "reporting_coordinators": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        project = self.instance.project
        self.fields["organisation"].queryset = Organisation.objects.filter(
            Q(pk=project.administrator_id) | Q(co_implemented_projects=project)
            | Q(region=project.region_id) | Q(subprojects=self.instance.pk)).distinct()
        members = Person.objects.filter(memberships__project=project)
        self.fields["responsible_people"].queryset = Person.objects.filter(
            Q(pk__in=members) | Q(subprojects__project=project)).distinct().order_by("name")
        self.fields["reporting_coordinators"].queryset = Person.objects.filter(
            Q(pk__in=Membership.objects.current().filter(
                project=project, role=Membership.Role.COORDINATOR).values("person"))
            | Q(reported_subprojects=self.instance.pk)).distinct().order_by("name")
        self.fields["reporting_coordinators"].help_text = _(
            "The project's coordinators with a portal account; invite a new one first.")
