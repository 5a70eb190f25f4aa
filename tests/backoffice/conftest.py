"""The back-office cast: the fixed cast of tests/conftest.py, plus a manager of unit 2,
an organisation administrator, and cases in unit 1's queue."""

import datetime
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from parcours.cases import services
from parcours.organisations.enums import AgentRole
from tests.factories import AgentFactory, CaseFactory, ProcedureFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    """Sign-in failures are counted in the cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def manager_2(unit_2):
    return AgentFactory(unit=unit_2, role=AgentRole.UNIT_MANAGER, title="Responsable voirie")


@pytest.fixture
def org_admin(unit_1, unit_2):
    """Belongs to no unit: manages them all, has no queue of their own."""
    admin = AgentFactory(unit=unit_1, role=AgentRole.ORGANISATION_ADMIN, title="Directrice")
    admin.units.clear()
    return admin


# Everyone outside unit 1, and what they get on an agent's page about one of its cases:
# for ``sign_in_as`` and ``assert_refused``.
OUTSIDERS = [
    ("anonymous", "sign_in"),
    ("unverified_agent_1", "code"),
    ("citizen_a", HTTPStatus.FORBIDDEN),
    ("helper", HTTPStatus.FORBIDDEN),
    ("agent_2", HTTPStatus.NOT_FOUND),
    ("manager_2", HTTPStatus.NOT_FOUND),
]


def case_url(name, case):
    """The address of the back office's page ``name`` for the case."""
    return reverse(f"backoffice:{name}", args=[case.reference])


def sign_in_as(client, role, request):
    """The client signed in as the fixture named ``role``: agents with their second
    factor, except ``unverified_agent_1``; ``anonymous`` stays signed out."""
    if role == "anonymous":
        return client
    if role == "unverified_agent_1":
        client.force_login(request.getfixturevalue("agent_1").user)
        return client
    person = request.getfixturevalue(role)
    if role in {"citizen_a", "citizen_b"}:
        client.force_login(person.user)
        return client
    return verified(client, person.user)


def assert_refused(response, expected):
    """``expected``: "sign_in" or "code" (sent to that step of the sign-in), or a status."""
    if expected == "sign_in":
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("backoffice:login"))
    elif expected == "code":
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("backoffice:verify"))
    else:
        assert response.status_code == expected


def verified(client, user):
    """Sign ``user`` in with a verified second factor, as the sign-in pages leave them."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def as_agent(client):
    """``as_agent(agent)``: the test client, signed in as that agent with their 2FA."""
    return lambda agent: verified(client, agent.user)


def submit(procedure, person, *, on: datetime.date, **fields):
    """A case submitted on a given day (its legal deadline follows from that day)."""
    case = CaseFactory(procedure=procedure, person=person, **fields)
    at = timezone.make_aware(datetime.datetime.combine(on, datetime.time(10)))
    return services.case_submit(case=case, by=person.user, now=at)


@pytest.fixture
def submitted(procedure, citizen_a):
    return submit(procedure, citizen_a, on=timezone.localdate() - datetime.timedelta(days=3))


@pytest.fixture
def short_procedure(unit_1):
    """Decided within one month: a later request may still be due sooner."""
    return ProcedureFactory(handling_unit=unit_1, code="STA", decision_delay=1)


@pytest.fixture
def report_procedure(unit_1):
    """No implicit decision, so no legal deadline: such cases come last."""
    return ProcedureFactory(handling_unit=unit_1, code="SIG", no_implicit_decision=True)


@pytest.fixture
def with_document(procedure, citizen_a):
    """A case of unit 1 with a PDF the citizen attached while applying."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.cases.test_documents_service import PDF

    draft = CaseFactory(procedure=procedure, person=citizen_a)
    services.document_add(
        case=draft, by=citizen_a.user, upload=SimpleUploadedFile("avis-impot.pdf", PDF)
    )
    return services.case_submit(case=draft, by=citizen_a.user)
