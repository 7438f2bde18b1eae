"""Number fields of the workspace's forms that read numbers as people type them in Finland:
a decimal comma, spaces (or no-break spaces) between thousands, an optional euro sign."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.months import FIRST_YEAR, LAST_YEAR

_SPACES = re.compile(r"[\s\u00a0\u202f€]")


class TypedDecimalField(forms.DecimalField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = _SPACES.sub("", value).replace("\u2212", "-")
        return super().to_python(value)


def typed_decimals(form: forms.ModelForm, *names: str) -> None:
    """Swap the ModelForm's decimal fields for ones reading typed numbers (same limits)."""
    for name in names:
        field = form.fields[name]
        form.fields[name] = TypedDecimalField(
            label=field.label, required=field.required, help_text=field.help_text,
            max_digits=field.max_digits, decimal_places=field.decimal_places,
            min_value=getattr(field, "min_value", None))


def within_years(day) -> None:
    """A field validator: a date outside the portal's years (FIRST_YEAR–LAST_YEAR, as the
    imports check) is a typing error, e.g. 31.12.9999 or 1.1.0001."""
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise forms.ValidationError(_("Give a date from %(first)s to %(last)s.") % {
            "first": f"1.1.{FIRST_YEAR}", "last": f"31.12.{LAST_YEAR}"})


def dates_within_years(form: forms.BaseForm, *names: str) -> None:
    for name in names:
        form.fields[name].validators.append(within_years)
