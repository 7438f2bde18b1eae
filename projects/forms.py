"""Forms of the projects app."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from projects import audit

DATE_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]  # 31.5.2022, and the ISO form a date picker sends


class _SubprojectChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.code} {obj.name}"


def _date_field(label):
    return forms.DateField(
        label=label, required=False, input_formats=DATE_FORMATS,
        help_text=_("As dd.mm.yyyy, e.g. 31.5.2022."),
        error_messages={"invalid": _("Give the date as dd.mm.yyyy, e.g. 31.5.2022.")},
        widget=forms.TextInput(attrs={"size": 10, "autocomplete": "off"}),
    )


class AuditFilterForm(forms.Form):
    """What a manager narrows the project's audit to: whose changes, of which subproject's
    objects, of which field, between which Finnish days. Every field may be left empty."""

    person = forms.ModelChoiceField(
        label=_("Person"), required=False, queryset=None, empty_label=_("Everyone"),
        error_messages={"invalid_choice": _("This person has made no changes in the project.")},
    )
    subproject = _SubprojectChoice(
        label=_("Subproject"), required=False, queryset=None, empty_label=_("All subprojects"),
        error_messages={"invalid_choice": _("The project has no such subproject.")},
    )
    field = forms.ChoiceField(
        label=_("Changed field"), required=False,
        error_messages={"invalid_choice": _("No changes of this field are recorded in the project.")},
    )
    start = _date_field(_("Start date"))
    end = _date_field(_("End date"))

    def __init__(self, data, *, project):
        super().__init__(data)
        actors = audit.project_audit_actors(project.pk)
        person = self.fields["person"]
        person.queryset = get_user_model().objects.filter(pk__in=[user.pk for user in actors])
        # By name, as the audit names them (no query sorts by that name).
        person.choices = [("", person.empty_label), *((user.pk, audit.person_name(user))
                                                      for user in actors)]
        self.fields["subproject"].queryset = project.subprojects.order_by("code_sort")
        self.fields["field"].choices = [("", _("All fields")),
                                        *audit.project_audit_fields(project.pk)]
        for name, bound in self._bound_items():
            described = [f"{bound.auto_id}_helptext"] if bound.help_text else []
            if name in self.errors:
                described.append(f"{bound.auto_id}_error")
                self.fields[name].widget.attrs["aria-invalid"] = "true"
            if described:
                self.fields[name].widget.attrs["aria-describedby"] = " ".join(described)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", ValidationError(
                _("The end date %(end)s is before the start date %(start)s."),
                params={"end": f"{end:%-d.%-m.%Y}", "start": f"{start:%-d.%-m.%Y}"}))
        return data

    def filters(self) -> dict:
        """The arguments of `audit.project_audit` the valid form asks for."""
        data = self.cleaned_data
        return {
            "actor": data.get("person"),
            "subproject_id": data["subproject"].pk if data.get("subproject") else None,
            "field": data.get("field") or None,
            "start": data.get("start"), "end": data.get("end"),
        }
