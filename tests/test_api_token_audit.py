"""API client tokens are audited like other changes (issue 16, part 6): who made a client,
gave it a new token or revoked it, and when; the token and its hash are never written."""

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry

from api import services
from tests import factories

pytestmark = pytest.mark.django_db


def test_creating_rotating_and_revoking_a_token_leave_audit_rows_without_the_secret():
    admin = factories.UserFactory(username="yllapito", is_staff=True)
    with set_actor(admin):
        client, token = services.api_client_create(name="THL", all_projects=True,
                                                   created_by=admin)
        new_token = services.api_client_assign_token(client=client)
        services.api_client_revoke(client=client)
    entries = list(LogEntry.objects.get_for_object(client).order_by("pk"))
    assert [e.action for e in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE,
                                           LogEntry.Action.UPDATE]
    assert {e.actor for e in entries} == {admin}
    assert "token_prefix" in entries[1].changes_dict
    assert "revoked_at" in entries[2].changes_dict
    written = " ".join(str(e.changes) for e in entries)
    for secret in (token, new_token, services.hash_token(token), services.hash_token(new_token)):
        assert secret not in written
    assert "token_hash" not in written
