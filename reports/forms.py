"""The monthly report form: texts, status light and the month's metric values."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indicators.models import Metric
from indicators.services import COMMENT_MAX_LENGTH, check_comment, parse_metric_input
from projects.formatting import decimal_comma
from reports.models import MonthlyReport, StatusLight
from reports.selectors import MetricRow
from reports.services import TEXT_FIELDS, TEXT_MAX_LENGTH, ReportInput, ValueInput

TEXTAREA = {"rows": 4, "cols": 60}
REPORT_FIELDS = ["light", "light_reason", "progress", "situation", "next_steps", "problems",
                 "help_needed"]


def _limited(limit: int) -> dict:
    """Arguments of a report text field: a maximum length the user is told of (in __init__)."""
    return {"max_length": limit}


class ReportForm(forms.Form):
    light = forms.ChoiceField(
        label=_("Status light"), choices=StatusLight.choices, required=False,
        widget=forms.RadioSelect,
    )
    light_reason = forms.CharField(
        label=_("Reason for choosing another light than suggested"), required=False,
        **_limited(TEXT_MAX_LENGTH),
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
    )
    progress = forms.IntegerField(
        label=_("Progress (%)"), min_value=0, max_value=100, required=False,
        error_messages={"invalid": _("Give the progress as a whole number from 0 to 100.")},
        # a text input: a number input drops what is not a number (typed "puolet" would be
        # lost, and sent as empty); the server says what is wrong and keeps it
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 5}),
    )
    situation = forms.CharField(
        label=_("Situation / key achievements"), required=False, **_limited(TEXT_MAX_LENGTH),
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    next_steps = forms.CharField(
        label=_("Progress / upcoming actions"), required=False, **_limited(TEXT_MAX_LENGTH),
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    problems = forms.CharField(
        label=_("Problems"), required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        **_limited(TEXT_MAX_LENGTH),
    )
    help_needed = forms.CharField(
        label=_("Help needed"), required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), **_limited(TEXT_MAX_LENGTH),
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1,
        error_messages={key: _("The page did not say which version of the report you opened, "
                               "and nothing was saved. Your text is kept below: copy it, "
                               "reload the page and save again.")
                        for key in ("invalid", "min_value", "max_value")},
    )

    def __init__(self, *args, rows: list[MetricRow], report: MonthlyReport | None,
                 disabled: bool = False, project_report: bool = False, **kwargs):
        if not args and "data" not in kwargs:
            kwargs.setdefault("initial", self._initial(report, rows))
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.project_report = project_report
        if project_report:  # the project's own report carries metric values only
            for name in REPORT_FIELDS:
                del self.fields[name]
        # Inputs whose value last month is shown beside them (read with the input).
        self.with_previous = {row.field_name for row in rows if row.previous_display}
        for row in rows:
            self.fields[row.field_name] = self._value_field(row)
            if row.category:  # a row of the metric's grid, whose caption says the kind
                self.fields[row.field_name].help_text = ""
            self.fields[row.comment_field_name] = forms.CharField(
                # named by its metric (and category): ten "Kommentti" fields say nothing
                label=gettext("Comment: %(metric)s") % {"metric": self._value_label(row)},
                required=False, max_length=COMMENT_MAX_LENGTH,
                # a textarea: a comment may hold line breaks (from Excel, say), which a text
                # input would drop when the form is sent again
                widget=forms.Textarea(attrs={"rows": 2, "cols": 30}),
            )
        comments = {row.comment_field_name for row in rows}
        for name, form_field in self.fields.items():
            # The browser would cut a longer paste silently; the server refuses it instead,
            # with a message, and keeps the text.
            form_field.widget.attrs.pop("maxlength", None)
            if (isinstance(form_field.widget, forms.Textarea) and form_field.max_length
                    and name not in comments):  # a report text's limit (a comment's is long)
                form_field.help_text = gettext("At most %(limit)d characters.") % {
                    "limit": form_field.max_length}
            if disabled:
                form_field.disabled = True
        for name in self.with_previous:
            self._describe(name)

    def mark_errors(self, extra: dict[str, list[str]] | None = None) -> None:
        """Tie error messages to their inputs for screen readers; add errors found later
        (e.g. the checks made on submit)."""
        for name, messages in (extra or {}).items():
            if name in self.fields:
                for message in messages:
                    self.add_error(name, message)
            else:
                for message in messages:
                    self.add_error(None, message)
        for name in list(self.errors):
            if name in self.fields and self.fields[name].widget.is_hidden:
                for message in self.errors[name]:  # no input to show it at: said on top
                    self.add_error(None, message)
            elif name in self.fields:
                self._describe(name, error=True)
                self.fields[name].widget.attrs["aria-invalid"] = "true"

    def error_links(self) -> list[tuple[str, str, str]]:
        """(input id, label, message) of each field's error in the form's order: the error
        summary links every message to its input."""
        links = []
        for name, form_field in self.fields.items():
            if name not in self.errors or form_field.widget.is_hidden:
                continue
            anchor = self[name].auto_id
            if isinstance(form_field.widget, forms.RadioSelect):
                anchor += "_0"  # the first choice
            links += [(anchor, str(form_field.label), message) for message in self.errors[name]]
        return links

    def _describe(self, name: str, error: bool = False) -> None:
        """Point the input at what is written about it: its error, help and last month."""
        ids = [f"id_{name}_error"] if error else []
        if self.fields[name].help_text:
            ids.append(f"id_{name}_helptext")
        if name in self.with_previous:
            ids.append(f"id_{name}_previous")
        self.fields[name].widget.attrs["aria-describedby"] = " ".join(ids)

    @staticmethod
    def _initial(report: MonthlyReport | None, rows: list[MetricRow]) -> dict:
        initial = {}
        if report:
            initial = {name: getattr(report, name) for name in REPORT_FIELDS}
        initial["version"] = report.version if report else 0
        for row in rows:
            if row.value:
                value = row.value.value
                if value is not None and row.metric.kind in (Metric.Kind.YES_NO,
                                                             Metric.Kind.PHASE):
                    initial[row.field_name] = str(int(value))
                elif value is not None:
                    initial[row.field_name] = decimal_comma(value)
                else:
                    initial[row.field_name] = row.value.text_value
                initial[row.comment_field_name] = row.value.comment
        return initial

    @staticmethod
    def _value_label(row: MetricRow) -> str:
        """'K1.6 Etävastaanottojen osuus', with ' – Naiset' on a row of a category."""
        label = f"{row.metric.code} {row.metric.name}"
        return f"{label} – {row.category.name}" if row.category else label

    @staticmethod
    def _value_field(row: MetricRow) -> forms.Field:
        metric = row.metric
        label = ReportForm._value_label(row)
        help_parts = [metric.get_kind_display()]
        if metric.unit:
            help_parts.append(metric.unit)
        help_text = ", ".join(str(p) for p in help_parts)
        if metric.kind == Metric.Kind.YES_NO:
            return forms.ChoiceField(
                label=label, required=False, help_text=help_text, widget=forms.RadioSelect,
                choices=[("1", _("yes")), ("0", _("no"))],
            )
        if metric.kind == Metric.Kind.PHASE:
            return forms.ChoiceField(
                label=label, required=False, help_text=help_text,
                choices=[("", "—"), *[(str(k), v) for k, v in Metric.PHASES]],
            )
        if metric.kind == Metric.Kind.TEXT:
            return forms.CharField(
                label=label, required=False, help_text=help_text,
                widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
            )
        return forms.CharField(
            label=label, required=False, help_text=help_text,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 12}),
        )

    def clean(self):
        cleaned = super().clean()
        self.parsed = {}
        for row in self.rows:
            if row.field_name in self.errors:
                continue
            try:
                self.parsed[row.key] = parse_metric_input(row.metric, cleaned.get(row.field_name))
            except ValidationError as error:
                self.add_error(row.field_name, error)
                continue
            if row.comment_field_name not in self.errors:
                try:
                    check_comment(self.parsed[row.key], cleaned.get(row.comment_field_name, ""))
                except ValidationError as error:
                    self.add_error(row.comment_field_name, error)
        return cleaned

    def to_input(self) -> ReportInput:
        data = self.cleaned_data
        fields = {}
        if not self.project_report:
            fields = {name: data.get(name) or "" for name in ["light", *TEXT_FIELDS]}
            fields["progress"] = data.get("progress")
        values = [
            ValueInput(row.metric, row.category, self.parsed[row.key],
                       data.get(row.comment_field_name, ""))
            for row in self.rows
        ]
        return ReportInput(fields=fields, values=values)

    def metric_groups(self):
        """Fields grouped per metric: a single input, or a grid of categories."""
        groups: dict[int, dict] = {}
        for row in self.rows:
            group = groups.setdefault(row.metric.pk, {"metric": row.metric, "rows": []})
            group["rows"].append({
                "row": row, "field": self[row.field_name],
                "comment": self[row.comment_field_name],
            })
        return list(groups.values())


class ApproveForm(forms.Form):
    """Approving publishes the report as the manager read it: the form carries its version."""

    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1,
        error_messages={key: _("The page did not say which version of the report you read. "
                               "Nothing was approved: read the report again and approve.")
                        for key in ("required", "invalid", "min_value", "max_value")},
    )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment to the coordinator"), widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Tell the coordinator what to fix.")},
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"), widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for reopening.")},
    )
