from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from workspace.access import managed_project_or_404


@login_required
def hub(request, pk):
    """The workspace's front page: the sections a manager keeps up to date."""
    project = managed_project_or_404(request, pk)
    return render(request, "workspace/hub.html", {"project": project})
