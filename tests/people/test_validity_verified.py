"""Data an agent checked count as verified, for the period set for their kind."""

import datetime

import pytest
from django.utils import timezone

from parcours.cases import services as case_services
from parcours.people import validity
from parcours.people.enums import DataKind, DataOrigin
from parcours.privacy import handling
from parcours.privacy.enums import RightsRequestKind
from parcours.privacy.rights import rights_request_create
from tests.backoffice.conftest import submitted  # noqa: F401 — fixture

pytestmark = pytest.mark.sqlite


def test_an_address_corrected_by_an_agent_counts_as_verified_for_its_period(
    citizen_a,
    submitted,  # noqa: F811 — citizen A has a case in unit 1
    manager,
    settings,
    monkeypatch,
):
    settings.PARCOURS_DATA_VALIDITY_DAYS = {"postal_address": 365}
    for name in ("_after_commit_render_receipt", "_after_commit_render_decision_letter"):
        monkeypatch.setattr(case_services, name, lambda *args: None, raising=False)
    request = rights_request_create(
        user=citizen_a.user,
        person_id=None,
        kind=RightsRequestKind.CORRECTION,
        details="J'ai déménagé.",
    )
    handling.rights_request_accept(
        request=request, agent=manager, answer="C'est corrigé.", field="city", value="Montreuil"
    )
    citizen_a.refresh_from_db()
    held = validity.validity_of(citizen_a, DataKind.POSTAL_ADDRESS)
    assert held.origin == DataOrigin.VERIFIED
    assert held.valid_until == timezone.localdate() + datetime.timedelta(days=365)
    # The phone, not checked, stays as declared, with no end.
    assert validity.validity_of(citizen_a, DataKind.PHONE).origin == DataOrigin.DECLARED
