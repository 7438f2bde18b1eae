"""Pages for PDF documents: ask for one, watch it being made, download it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects import permissions
from projects.languages import user_language
from projects.months import parse_typed_month
from reports import documents, selectors
from reports.models import GeneratedDocument


class DocumentRequestForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Document"),
                             choices=GeneratedDocument.Kind.choices)
    month = forms.CharField(
        label=gettext_lazy("Month (monthly report)"), required=False,
        help_text=gettext_lazy("Month/year, e.g. 6/2022."),
    )
    phase = forms.ModelChoiceField(label=gettext_lazy("Phase (final report)"), queryset=None,
                                   required=False)
    language = forms.ChoiceField(label=gettext_lazy("Language of the document"),
                                 choices=GeneratedDocument.Language.choices,
                                 widget=forms.RadioSelect, required=False)

    def __init__(self, *args, project, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = project.phases.all()
        # the project's reporting months offered as the field is typed in (documents.html)
        self.fields["month"].widget.attrs.update({"list": "document-months", "autocomplete": "off"})
        self.month_choices = list(project.reporting_periods.order_by("-month")
                                  .values_list("month", flat=True))

        # Swedish for those who read the portal in Swedish, Finnish for everyone else.
        self.fields["language"].initial = (
            GeneratedDocument.Language.SWEDISH if user_language(user) == "sv"
            else GeneratedDocument.Language.FINNISH)

    def clean_language(self) -> str:
        return self.cleaned_data.get("language") or self.fields["language"].initial

    def clean(self):
        data = super().clean()
        if data.get("kind") == GeneratedDocument.Kind.MONTHLY:
            try:
                data["month"] = parse_typed_month(data.get("month") or "")
            except ValueError as error:
                self.add_error("month", str(error))
        else:
            data["month"] = None
        if data.get("kind") == GeneratedDocument.Kind.FINAL and not data.get("phase"):
            self.add_error("phase", _("Choose the phase."))
        return data


@login_required
def document_list(request: HttpRequest, project_id: int) -> HttpResponse:
    project = permissions.get_visible_project_or_404(request.user, project_id)
    may_request = permissions.can_request_document(request.user, project)
    if request.method == "POST" and not may_request:
        raise PermissionDenied  # documents are asked for by the project's own people
    form = DocumentRequestForm(request.POST or None, project=project, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            document = documents.document_request(
                project=project, kind=form.cleaned_data["kind"], user=request.user,
                month=form.cleaned_data["month"], phase=form.cleaned_data.get("phase"),
                language=form.cleaned_data["language"],
            )
        except ValidationError as error:  # e.g. a month that has not begun
            form.add_error(None, error)
            return _page(request, project, form, status=422)
        except documents.DocumentLimitReached as limit:
            messages.error(request, str(limit))
            response = _page(request, project, form, status=429)
            response["Retry-After"] = str(limit.retry_after_seconds)
            return response
        if document.status == GeneratedDocument.Status.FAILED:  # the job queue is down
            messages.error(request, document.error)
        else:
            messages.success(request, _("The document was queued. It appears below when ready."))
        return redirect(request.path)
    return _page(request, project, form if may_request else None,
                 status=422 if form.errors else 200)


def _page(request, project, form, status: int) -> HttpResponse:
    return render(request, "reports/documents.html", {
        "project": project, "form": form,
        "documents": selectors.project_documents(request.user, project),
    }, status=status)


@login_required
def document_status(request: HttpRequest, document_id: int) -> HttpResponse:
    document = selectors.get_visible_document(request.user, document_id)
    return render(request, "reports/_document_row.html", {"document": document})


@login_required
def document_download(request: HttpRequest, document_id: int) -> FileResponse:
    document = selectors.get_visible_document(request.user, document_id)
    if document.status != GeneratedDocument.Status.DONE or not document.file:
        raise Http404
    return FileResponse(document.file.open("rb"), as_attachment=True,
                        filename=document.filename, content_type="application/pdf")
