from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from projects import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    projects = selectors.project_list_for(request.user)
    return render(request, "projects/project_list.html", {"projects": projects})
