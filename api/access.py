"""Who reads the API and what they may read.

Two kinds of reader:
- a portal user (session login): exactly the rules of the pages, from projects.permissions;
- an API client (token): the projects of its scope (all, or named regions and projects),
  and of the data with drafts only what is published, as for a national viewer.

Every endpoint narrows its queryset here; an object outside the result is a 404."""

import hashlib
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from api.models import ApiClient
from projects import permissions
from projects.models import Project


class ClientPrincipal:
    """request.user for a token request: authenticated, but no portal user and no member of
    any project, so the page rules would give it nothing; the API scopes it by its client."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = id = None
    _project_roles: dict = {}

    def __init__(self, client: ApiClient):
        self.client = client

    def get_username(self) -> str:
        return f"api:{self.client.name}"

    def has_perm(self, perm, obj=None) -> bool:
        return False

    def __str__(self) -> str:
        return self.get_username()


@dataclass(frozen=True)
class Reader:
    """The reader of one request, with the project ids it sees (None: every project) and the
    projects whose unapproved reports it also sees (its own projects, for members)."""

    user: object
    client: ApiClient | None
    project_ids: frozenset[int] | None
    member_project_ids: frozenset[int]

    @property
    def cache_key(self) -> str:
        """Identifies what this reader sees, for ETags: two readers with the same key get the
        same bytes."""
        scope = "*" if self.project_ids is None else ",".join(map(str, sorted(self.project_ids)))
        members = ",".join(map(str, sorted(self.member_project_ids)))
        return hashlib.sha256(f"{scope}|{members}".encode()).hexdigest()[:16]


def client_project_ids(client: ApiClient) -> frozenset[int] | None:
    """The projects of a client's scope; None when it reads every project."""
    if client.all_projects:
        return None
    return frozenset(
        Project.objects.filter(
            Q(pk__in=client.projects.values("pk")) | Q(region__in=client.regions.values("pk"))
        ).values_list("pk", flat=True)
    )


def reader_for(request) -> Reader:
    """The reader of the request (computed once and kept on the request)."""
    reader = getattr(request, "_api_reader", None)
    if reader is None:
        client = request.auth if isinstance(request.auth, ApiClient) else None
        if client is not None:
            reader = Reader(request.user, client, client_project_ids(client), frozenset())
        else:
            user = request.user
            readable = permissions.readable_project_ids(user)
            reader = Reader(user, None, None if readable is None else frozenset(readable),
                            frozenset(permissions.member_project_ids(user)))
        request._api_reader = reader
    return reader


def _narrow(request, kind: str | None, queryset: QuerySet, project_field: str | None = None):
    reader = reader_for(request)
    return permissions.narrow(kind, queryset, readable=reader.project_ids,
                              members=reader.member_project_ids, project_field=project_field)


def scope_by_project(request, queryset: QuerySet, project_field: str = "project") -> QuerySet:
    """Plan rows of the projects the reader may read."""
    return _narrow(request, None, queryset, project_field)


def scope_reports(request, queryset: QuerySet) -> QuerySet:
    """Monthly reports: members see their projects' reports in every state (as on the pages),
    national viewers and API clients only approved ones."""
    return _narrow(request, "report", queryset)


def scope_values(request, queryset: QuerySet) -> QuerySet:
    """Metric values: members see every value of their projects, national viewers and API
    clients the published ones (those of approved reports)."""
    return _narrow(request, "value", queryset)


def scope_documents(request, queryset: QuerySet) -> QuerySet:
    """Documents: the monthly status report (it prints unapproved texts) to members only."""
    return _narrow(request, "document", queryset)


def scope_evaluation_rounds(request, queryset: QuerySet) -> QuerySet:
    """Evaluation rounds: members see their projects' drafts too, national viewers and API
    clients the published rounds only."""
    return _narrow(request, "evaluation_round", queryset)
