import datetime
from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from parcours.catalog.enums import CommitmentKind, DelayUnit
from parcours.catalog.models import Commitment
from parcours.listening.enums import ComplaintEventKind, ComplaintStatus, RootCause
from parcours.listening.errors import ListeningError
from parcours.listening.models import Complaint
from parcours.listening.services import complaints as services
from parcours.listening.tasks import escalate_overdue_complaints
from parcours.organisations.enums import AgentRole
from tests.backoffice.conftest import sign_in_as
from tests.factories import AgentFactory

pytestmark = pytest.mark.sqlite

MONDAY = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def complaint(citizen_a, unit_1, decided_case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.complaint_file(
            person=citizen_a,
            unit=unit_1,
            subject="Dossier perdu",
            description="On m'a demandé trois fois la même pièce.",
            cases=[decided_case],
            by=citizen_a.user,
            now=MONDAY,
        )


def test_a_complaint_is_acknowledged_with_a_reference_and_a_date(complaint, citizen_a):
    assert complaint.reference == f"RECL-2026-{complaint.pk:06d}"
    # 15 working days after Monday 2 November 2026 (11 November is a holiday).
    assert complaint.due_on == datetime.date(2026, 11, 24)
    (message,) = mail.outbox
    assert message.to == [citizen_a.email]
    assert complaint.reference in message.subject
    assert "24 novembre 2026" in message.body


def test_the_deadline_comes_from_the_complaint_commitment(citizen_a, unit_1):
    Commitment.objects.create(
        organisation=unit_1.organisation,
        kind=CommitmentKind.COMPLAINT,
        target=10,
        target_unit=DelayUnit.CALENDAR_DAYS
        if hasattr(DelayUnit, "CALENDAR_DAYS")
        else DelayUnit.WORKING_DAYS,
        wording="Nous répondons à vos réclamations sous 10 jours.",
    )
    filed = services.complaint_file(
        person=citizen_a, unit=unit_1, subject="Accueil", description="Froid.", now=MONDAY
    )
    assert filed.due_on < datetime.date(2026, 11, 24)


def test_an_overdue_complaint_escalates_once_to_the_managers(
    complaint, manager, agent_1, django_capture_on_commit_callbacks
):
    admin = AgentFactory(unit=complaint.unit, role=AgentRole.ORGANISATION_ADMIN, title="Directrice")
    mail.outbox.clear()
    on_time = datetime.datetime(2026, 11, 24, 18, 0, tzinfo=datetime.UTC)
    assert services.escalate_overdue(now=on_time) == 0
    late = datetime.datetime(2026, 11, 25, 8, 0, tzinfo=datetime.UTC)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.escalate_overdue(now=late) == 1
    assert services.escalate_overdue(now=late + datetime.timedelta(hours=1)) == 0
    complaint.refresh_from_db()
    assert complaint.escalated_at == late
    assert complaint.events.filter(kind=ComplaintEventKind.ESCALATED).count() == 1
    (message,) = mail.outbox
    assert sorted(message.to) == sorted([manager.user.email, admin.user.email])
    assert agent_1.user.email not in message.to
    assert complaint.reference in message.subject


def test_an_answered_complaint_never_escalates(complaint, agent_1):
    services.complaint_answer(
        complaint=complaint,
        by=agent_1,
        response="Nous avons corrigé.",
        root_cause=RootCause.PROCEDURE_ERROR,
    )
    assert services.escalate_overdue(now=MONDAY + datetime.timedelta(days=60)) == 0


def test_the_periodic_task_escalates(complaint):
    Complaint.objects.filter(pk=complaint.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert escalate_overdue_complaints.call() == 1


def test_an_answer_needs_a_root_cause_and_reaches_the_person(
    complaint, agent_1, django_capture_on_commit_callbacks
):
    with pytest.raises(ListeningError, match="cause"):
        services.complaint_answer(
            complaint=complaint, by=agent_1, response="Réponse", root_cause=""
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_answer(
            complaint=complaint,
            by=agent_1,
            response="Toutes nos excuses.",
            root_cause=RootCause.DELAY,
        )
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ANSWERED
    assert "Toutes nos excuses." in mail.outbox[0].body


def test_agents_of_another_unit_cannot_answer(complaint, agent_2, helper):
    for outsider in (agent_2, helper):
        with pytest.raises(ListeningError):
            services.complaint_answer(
                complaint=complaint, by=outsider, response="x", root_cause=RootCause.OTHER
            )


def test_the_complainant_follows_it_and_nobody_else_sees_it(client, complaint, citizen_b):
    url = reverse("portal:complaint", args=[complaint.reference])
    client.force_login(complaint.person.user)
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert "Dossier perdu" in page.content.decode()
    assert complaint.reference in client.get(reverse("portal:complaints")).content.decode()
    client.force_login(citizen_b.user)
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    client.logout()
    assert client.get(url).status_code == HTTPStatus.FOUND


def test_a_citizen_files_a_complaint_from_their_space(client, citizen_a, unit_1, decided_case):
    client.force_login(citizen_a.user)
    response = client.post(
        reverse("portal:complaint_new"),
        {
            "unit": unit_1.pk,
            "cases": [decided_case.pk],
            "subject": "Attente",
            "description": "Trop longue.",
        },
    )
    complaint = Complaint.objects.get()
    assert response["Location"] == reverse("portal:complaint", args=[complaint.reference])
    assert list(complaint.cases.all()) == [decided_case]


def test_a_citizen_cannot_link_another_persons_case(client, citizen_b, unit_1, decided_case):
    client.force_login(citizen_b.user)
    response = client.post(
        reverse("portal:complaint_new"),
        {
            "unit": unit_1.pk,
            "cases": [decided_case.pk],
            "subject": "Attente",
            "description": "Trop longue.",
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("agent_1", HTTPStatus.OK),
        ("manager", HTTPStatus.OK),
        ("agent_2", HTTPStatus.NOT_FOUND),
        ("citizen_a", HTTPStatus.FORBIDDEN),
        ("helper", HTTPStatus.FORBIDDEN),
    ],
)
def test_the_back_office_page_is_for_the_units_agents(client, complaint, role, expected, request):
    sign_in_as(client, role, request)
    response = client.get(reverse("backoffice:complaint", args=[complaint.reference]))
    assert response.status_code == expected


def test_opening_a_complaint_in_the_back_office_is_journaled_for_the_person(
    client, complaint, request
):
    from parcours.privacy.models import AccessLogEntry

    sign_in_as(client, "agent_1", request)
    client.get(reverse("backoffice:complaint", args=[complaint.reference]))
    entry = AccessLogEntry.objects.filter(person=complaint.person).latest("pk")
    assert complaint.reference in entry.object_label
