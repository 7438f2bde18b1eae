"""The workspace's budget and cost forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.months import month_start
from workpackages.models import ActualCost, BudgetLine, Subproject
from workspace.number_fields import dates_within_years, typed_decimals


class BudgetLineForm(forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["subproject", "year", "category", "amount"]
        localized_fields = ["amount"]

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subproject"].queryset = Subproject.objects.filter(project=project)
        typed_decimals(self, "amount")
        self.fields["year"] = forms.IntegerField(
            label=_("year"), min_value=2000, max_value=2100,
            help_text=_("Four digits, e.g. 2022."))


class ActualCostForm(forms.ModelForm):
    period = forms.DateField(
        label=_("month"), input_formats=["%m/%Y", "%m.%Y", "%Y-%m", "%d.%m.%Y"],
        help_text=_("The month of the cost, e.g. 5/2022."),
    )

    class Meta:
        model = ActualCost
        fields = ["subproject", "period", "category", "amount"]
        localized_fields = ["amount"]

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subproject"].queryset = Subproject.objects.filter(project=project)
        typed_decimals(self, "amount")
        dates_within_years(self, "period")  # as the bookkeeping's import checks
        if self.instance.pk and not self.is_bound:
            self.initial["period"] = self.instance.period.strftime("%m/%Y")

    def clean_period(self):
        return month_start(self.cleaned_data["period"])


class CostImportForm(forms.Form):
    file = forms.FileField(
        label=_("Cost export of the bookkeeping (CSV)"),
        help_text=_("Columns: date; subproject code; cost category; amount, separated by "
                    "semicolons, e.g. 31.1.2022;1.1;henkilöstö;1 234,56."),
    )
    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 5 MB)."))
        return upload
