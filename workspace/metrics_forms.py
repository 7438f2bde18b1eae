"""The workspace's metric and target forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.models import Metric, MetricTarget
from workpackages.models import Goal, Subproject
from workspace.number_fields import dates_within_years, typed_decimals


class MetricForm(forms.ModelForm):
    class Meta:
        model = Metric
        fields = ["code", "name", "kind", "unit", "frequency", "direction", "cumulative",
                  "disaggregation", "subproject", "goal", "min_value", "max_value"]
        localized_fields = ["min_value", "max_value"]
        widgets = {"name": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "subproject": _("The subproject whose coordinator reports the metric; leave empty "
                            "for a metric of the whole project."),
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project
        self.fields["subproject"].queryset = Subproject.objects.filter(project=project)
        self.fields["subproject"].empty_label = _("The whole project")
        self.fields["goal"].queryset = Goal.objects.filter(project=project)
        typed_decimals(self, "min_value", "max_value")

    def clean_code(self):
        code = self.cleaned_data["code"]
        if Metric.objects.filter(project=self.instance.project, code=code).exclude(
                pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This project already has a metric with this code."))
        return code


class MetricTargetForm(forms.ModelForm):
    class Meta:
        model = MetricTarget
        fields = ["baseline_value", "baseline_date", "target_value", "target_date",
                  "effective_from", "reason"]
        localized_fields = ["baseline_value", "target_value", "baseline_date", "target_date",
                            "effective_from"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "effective_from": _("The first day the target applies (e.g. 1.6.2022). Months "
                                "before it are still judged against the earlier target."),
            "reason": _("Required when the target changes."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        typed_decimals(self, "baseline_value", "target_value")
        dates_within_years(self, "baseline_date", "target_date", "effective_from")

