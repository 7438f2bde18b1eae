"""The workspace's evaluation round forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import EvaluationRound
from workspace.number_fields import dates_within_years


class EvaluationRoundForm(forms.ModelForm):
    class Meta:
        model = EvaluationRound
        fields = ["date", "kind", "title", "summary"]
        localized_fields = ["date"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project
        dates_within_years(self, "date")

    def clean_date(self):
        date = self.cleaned_data["date"]
        if EvaluationRound.objects.filter(project=self.instance.project, date=date).exclude(
                pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This project already has an evaluation on this date."))
        return date


class NarrativesForm(forms.Form):
    """One text per goal of the project, in code order."""

    def __init__(self, *args, goals, initial_texts, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = list(goals)
        for goal in self.goals:
            self.fields[f"goal_{goal.pk}"] = forms.CharField(
                label=f"{goal.code} {goal.name}", required=False,
                initial=initial_texts.get(goal.pk, ""),
                widget=forms.Textarea(attrs={"rows": 4}))

    def texts(self) -> dict:
        return {goal: self.cleaned_data[f"goal_{goal.pk}"] for goal in self.goals}

