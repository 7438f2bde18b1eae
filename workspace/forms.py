"""The workspace's edit pages share one flow: read the row, show the form with the row's
version, save through a service if the row is unchanged, else show what is saved now beside
what was typed (nothing typed is lost)."""

from django.contrib import messages
from django.shortcuts import redirect, render

from projects.versioning import StaleEdit, save_if_unchanged, version_of


def edit_page(request, *, project, form_class, instance, template, success_url, message,
              context=None, save=None, form_kwargs=None):
    """GET: the form of `instance` (a new unsaved one to add). POST: save through `save`
    (form, version) -> object (default: save_if_unchanged), then redirect with `message`."""
    kwargs = {"instance": instance, **(form_kwargs or {})}
    form = form_class(request.POST or None, **kwargs)
    version = request.POST.get("version", version_of(instance)) if request.method == "POST" \
        else version_of(instance)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            (save or save_if_unchanged)(form, version)
        except StaleEdit as refusal:
            saved = type(instance).objects.filter(pk=instance.pk).first()
            stale = {"stale": True, "stale_message": refusal.message,
                     "stale_values": _values(form_class, saved)}
            version = version_of(saved) if saved else version
        else:
            messages.success(request, message)
            return redirect(success_url)
    return render(request, template, {
        "project": project, "form": form, "version": version, "object": instance,
        **(stale or {}), **(context or {}),
    }, status=400 if request.method == "POST" else 200)


def _values(form_class, saved):
    if saved is None:
        return []
    form = form_class(instance=saved)
    return [(field.label, field.value()) for field in form]
