"""The workspace's risk register forms."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import Person
from workpackages.models import Risk
from workspace.number_fields import within_years


def _severity():
    return forms.IntegerField(label=_("severity (1–5)"), min_value=1, max_value=5,
                              help_text=_("1 = very small risk, 5 = serious risk."))


def _probability():
    return forms.IntegerField(label=_("probability (%)"), min_value=0, max_value=100,
                              help_text=_("0–100."))


class RiskForm(forms.ModelForm):
    """A new risk with its first assessment; an existing one without severity and
    probability, which change by re-assessment only (so each month's stays)."""

    class Meta:
        model = Risk
        fields = ["category", "description", "severity", "probability", "impact", "mitigation",
                  "owner"]
        widgets = {f: forms.Textarea(attrs={"rows": 3})
                   for f in ("description", "impact", "mitigation")}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project
        self.fields["owner"].queryset = Person.objects.filter(
            memberships__project=project).distinct().order_by("name")
        if self.instance.pk:
            del self.fields["severity"], self.fields["probability"]
        else:
            self.fields["severity"] = _severity()
            self.fields["probability"] = _probability()
            self.order_fields(self.Meta.fields)


class RiskReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("reviewed on"), localize=True, validators=[within_years],
                                  help_text=_("E.g. 31.5.2022."))
    severity = _severity()
    probability = _probability()
    note = forms.CharField(label=_("note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def clean_reviewed_on(self):
        day = self.cleaned_data["reviewed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A re-assessment cannot be dated in the future."))
        return day
