"""The helpers' space and the person's mandates: acting within the mandate, and every
way of acting outside it denied with a polite page."""

import datetime
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parcours.cases import services as case_services
from parcours.cases.enums import CaseState, EventKind
from parcours.cases.models import Case, CaseEvent, Document
from parcours.mandates import services
from parcours.mandates.enums import ActKind
from parcours.mandates.models import Mandate
from tests.backoffice.conftest import verified
from tests.cases.test_documents_service import PDF
from tests.factories import rewrite_published_version

from .conftest import make_mandate

pytestmark = pytest.mark.sqlite


def _file_case(client, mandate, procedure):
    """The helper files the simple form for the person, through the portal's flow."""
    response = client.post(reverse("helpers:start", args=[mandate.pk, procedure.slug]))
    case = Case.objects.get(mandate_link__mandate=mandate, procedure=procedure)
    assert response.url == reverse("portal:apply_step", args=[case.pk, 1])
    page = client.get(response.url)
    assert "Vous faites cette démarche pour" in page.content.decode()
    client.post(
        reverse("portal:apply_step", args=[case.pk, 1]),
        {"subject": "Inscription", "details": "", "action": "next"},
    )
    client.post(
        reverse("portal:apply_step", args=[case.pk, 2]), {"situation": "", "action": "next"}
    )
    response = client.post(reverse("portal:apply_review", args=[case.pk]))
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert response.url == reverse("helpers:case", args=[mandate.pk, case.reference])
    return case


def test_the_helper_space_lists_and_finds_the_helpers_mandates(client, helper, mandate):
    client.force_login(helper.user)
    response = client.get(reverse("helpers:home"), {"q": "alice"})
    assert response.status_code == HTTPStatus.OK
    assert mandate.person_name in response.content.decode()
    response = client.get(reverse("helpers:home"), {"q": "personne-inconnue"})
    assert mandate.person_name not in response.content.decode()


@pytest.mark.parametrize("who", ["citizen_a", "agent_1", "manager"])
def test_the_helper_space_is_refused_to_anyone_but_helpers(client, who, request):
    user = request.getfixturevalue(who).user
    client.force_login(user)
    response = client.get(reverse("helpers:home"))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "réservé aux aidants" in response.content.decode()


def test_the_helper_space_asks_to_sign_in(client):
    response = client.get(reverse("helpers:home"))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("login"))


def test_the_helper_creates_a_signed_mandate_from_the_form(client, helper, procedure):
    client.force_login(helper.user)
    form = client.get(reverse("helpers:mandate_new"))
    assert procedure.title in form.content.decode()
    data = {
        "given_name": "Jeanne",
        "family_name": "Lambert",
        "email": "jeanne@example.org",
        "procedures": [procedure.pk],
        "ends_on": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
        "consent_method": "signature",
        "signed_name": "Jeanne Lambert",
        "agreed": "on",
    }
    response = client.post(reverse("helpers:mandate_new"), data)
    mandate = Mandate.objects.get()
    assert response.url == reverse("helpers:mandate", args=[mandate.pk])
    assert mandate.is_active


def test_a_mandate_over_a_year_is_refused_and_the_form_keeps_what_was_typed(
    client, helper, procedure
):
    client.force_login(helper.user)
    data = {
        "given_name": "Jeanne",
        "family_name": "Lambert",
        "email": "jeanne@example.org",
        "all_procedures": "on",
        "ends_on": (timezone.localdate() + datetime.timedelta(days=500)).isoformat(),
        "consent_method": "signature",
        "signed_name": "Jeanne Lambert",
        "agreed": "on",
    }
    response = client.post(reverse("helpers:mandate_new"), data)
    body = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Un mandat dure un an au plus" in body
    assert 'value="jeanne@example.org"' in body
    assert not Mandate.objects.exists()


def test_the_helper_confirms_a_mandate_with_the_persons_code(
    client, helper, procedure, django_capture_on_commit_callbacks
):
    client.force_login(helper.user)
    data = {
        "given_name": "Jeanne",
        "family_name": "Lambert",
        "email": "jeanne@example.org",
        "procedures": [procedure.pk],
        "ends_on": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
        "consent_method": "code",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("helpers:mandate_new"), data)
    mandate = Mandate.objects.get()
    assert response.url == reverse("helpers:code", args=[mandate.pk])
    # Before the code, nothing may be done under it.
    refused = client.get(reverse("helpers:mandate", args=[mandate.pk]))
    assert refused.url == reverse("helpers:code", args=[mandate.pk])
    code = next(word for word in mail.outbox[0].body.split() if word.isdigit() and len(word) == 6)
    wrong = client.post(reverse("helpers:code", args=[mandate.pk]), {"code": "12"})
    assert "6 chiffres" in wrong.content.decode()
    response = client.post(reverse("helpers:code", args=[mandate.pk]), {"code": code})
    assert response.url == reverse("helpers:mandate", args=[mandate.pk])
    mandate.refresh_from_db()
    assert mandate.is_active


def test_the_helper_files_a_case_for_the_person_and_every_act_says_so(
    client, helper, mandate, procedure, citizen_a, agent_1, django_capture_on_commit_callbacks
):
    client.force_login(helper.user)
    with django_capture_on_commit_callbacks(execute=True):
        case = _file_case(client, mandate, procedure)
    assert case.person == citizen_a
    event = case.events.get(transition="submit")
    assert event.actor == helper.user
    assert event.data["on_behalf"]["person"] == mandate.person_name
    kinds = list(mandate.acts.order_by("pk").values_list("kind", flat=True))
    assert kinds == [ActKind.CREATED, ActKind.CASE_STARTED, ActKind.CASE_EVENT]
    # The person is told of each act (and gets the receipt as always).
    subjects = [message.subject for message in mail.outbox if message.to == [citizen_a.email]]
    assert sum("a agi pour vous" in subject for subject in subjects) == 2
    # The helper follows the case.
    page = client.get(reverse("helpers:case", args=[mandate.pk, case.reference]))
    assert page.status_code == HTTPStatus.OK
    assert "Fait par" in page.content.decode()
    # The person sees the case, marked, and the acts in their space.
    client.force_login(citizen_a.user)
    page = client.get(reverse("portal:case", args=[case.reference])).content.decode()
    assert f"pour {mandate.person_name}, sous mandat" in page
    page = client.get(reverse("mandates:mine")).content.decode()
    assert helper.display_name in page
    assert "Démarche « Inscription scolaire » commencée" in page
    # The agents see who did it in the back-office history.
    verified(client, agent_1.user)
    page = client.get(reverse("backoffice:case", args=[case.reference])).content.decode()
    assert f"Fait par {helper.display_name} pour {mandate.person_name}, sous mandat" in page


def test_the_helper_answers_a_request_for_the_person(
    client, helper, mandate, procedure, agent_1, citizen_a
):
    client.force_login(helper.user)
    case = _file_case(client, mandate, procedure)
    case_services.case_request_information(
        case=case,
        by=agent_1.user,
        reason="Merci de joindre un justificatif de domicile.",
        due_on=timezone.localdate() + datetime.timedelta(days=15),
    )
    page = client.get(reverse("helpers:case", args=[mandate.pk, case.reference]))
    assert "justificatif de domicile" in page.content.decode()
    response = client.post(
        reverse("helpers:case_answer", args=[mandate.pk, case.reference]),
        {"answer": "Le justificatif arrive par courrier."},
    )
    assert response.url == reverse("helpers:case", args=[mandate.pk, case.reference])
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW
    resumed = case.events.get(transition="resume_review")
    assert resumed.data["on_behalf"]["helper"] == helper.display_name


def test_the_helper_sends_a_missing_piece_for_the_person_and_the_person_sees_who_sent_it(
    client, helper, mandate, procedure, citizen_a
):
    version = procedure.versions.get()
    version.required_documents = [{"code": "domicile", "label": "Justificatif de domicile"}]
    rewrite_published_version(version)
    client.force_login(helper.user)
    case = _file_case(client, mandate, procedure)
    case_page = client.get(reverse("helpers:case", args=[mandate.pk, case.reference])).text
    send = reverse("helpers:case_documents", args=[mandate.pk, case.reference])
    assert "Justificatif de domicile" in case_page
    assert f'href="{send}"' in case_page
    page = client.get(send).text
    assert "Envoyer des pièces pour" in page
    assert "la personne le retrouve dans son dossier" in page
    assert "votre dossier" not in page

    response = client.post(
        send, {"kind_code": "domicile", "file": SimpleUploadedFile("quittance.pdf", PDF)}
    )

    assert response.url == send
    document = Document.objects.get(case=case, kind_code="domicile")
    assert document.uploaded_by == helper.user
    event = case.events.get(kind=EventKind.DOCUMENT_ADDED)
    assert event.data["on_behalf"]["helper"] == helper.display_name
    assert (
        "Pièces demandées pas encore reçues"
        not in client.get(reverse("helpers:case", args=[mandate.pk, case.reference])).text
    )
    # The person sees the piece, sent by their helper.
    client.force_login(citizen_a.user)
    page = client.get(reverse("portal:case", args=[case.reference])).text
    assert "envoyé par un aidant le" in page


def test_revocation_takes_effect_on_the_helpers_very_next_request(
    client, helper, mandate, procedure, citizen_a
):
    client.force_login(helper.user)
    draft = services.mandate_start_case(mandate=mandate, procedure=procedure, by=helper.user)
    assert client.get(reverse("portal:apply_step", args=[draft.pk, 1])).status_code == HTTPStatus.OK
    client.force_login(citizen_a.user)
    response = client.post(reverse("mandates:revoke", args=[mandate.pk]))
    assert response.url == reverse("mandates:mine")
    client.force_login(helper.user)
    for url in [
        reverse("portal:apply_step", args=[draft.pk, 1]),
        reverse("portal:apply_review", args=[draft.pk]),
        reverse("helpers:mandate", args=[mandate.pk]),
    ]:
        refused = client.get(url)
        assert refused.status_code == HTTPStatus.FORBIDDEN, url
        assert "a révoqué ce mandat" in refused.content.decode()
    refused = client.post(
        reverse("portal:apply_step", args=[draft.pk, 1]), {"subject": "x", "action": "next"}
    )
    assert refused.status_code == HTTPStatus.FORBIDDEN
    refused = client.post(reverse("helpers:start", args=[mandate.pk, procedure.slug]))
    assert refused.status_code == HTTPStatus.FORBIDDEN


def test_an_expired_mandate_is_denied_with_its_end_date(client, helper, mandate, procedure):
    client.force_login(helper.user)
    draft = services.mandate_start_case(mandate=mandate, procedure=procedure, by=helper.user)
    Mandate.objects.filter(pk=mandate.pk).update(
        starts_on=timezone.localdate() - datetime.timedelta(days=40),
        ends_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    for url in [
        reverse("portal:apply_step", args=[draft.pk, 1]),
        reverse("helpers:mandate", args=[mandate.pk]),
    ]:
        refused = client.get(url)
        assert refused.status_code == HTTPStatus.FORBIDDEN
        assert "a pris fin" in refused.content.decode()


def test_a_procedure_outside_the_mandate_is_denied(client, helper, mandate, other_procedure):
    client.force_login(helper.user)
    refused = client.post(reverse("helpers:start", args=[mandate.pk, other_procedure.slug]))
    assert refused.status_code == HTTPStatus.FORBIDDEN
    assert "ne couvre pas" in refused.content.decode()
    assert not Case.objects.filter(procedure=other_procedure).exists()


def test_another_persons_draft_is_denied(client, helper, mandate, citizen_b, procedure):
    from tests.factories import CaseFactory

    others = CaseFactory(procedure=procedure, person=citizen_b)
    client.force_login(helper.user)
    # Not theirs to know of: as for anyone else, it is not found.
    refused = client.get(reverse("portal:apply_step", args=[others.pk, 1]))
    assert refused.status_code == HTTPStatus.NOT_FOUND
    refused = client.post(
        reverse("portal:apply_step", args=[others.pk, 1]), {"subject": "x", "action": "next"}
    )
    assert refused.status_code == HTTPStatus.NOT_FOUND


def test_another_helpers_mandate_is_denied(client, mandate, unit_1, procedure):
    from parcours.organisations.enums import AgentRole
    from tests.factories import AgentFactory

    colleague = AgentFactory(unit=unit_1, role=AgentRole.HELPER)
    client.force_login(colleague.user)
    for response in [
        client.get(reverse("helpers:mandate", args=[mandate.pk])),
        client.post(reverse("helpers:start", args=[mandate.pk, procedure.slug])),
    ]:
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert "ne vous a pas été donné" in response.content.decode()


def test_a_case_of_the_person_not_filed_under_the_mandate_stays_closed_to_the_helper(
    client, helper, mandate, procedure, citizen_a
):
    from tests.factories import CaseFactory

    own = CaseFactory(procedure=procedure, person=citizen_a)
    case_services.case_submit(case=own, by=citizen_a.user)
    client.force_login(helper.user)
    response = client.get(reverse("helpers:case", args=[mandate.pk, own.reference]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_person_cannot_revoke_someone_elses_mandate(client, mandate, citizen_b):
    client.force_login(citizen_b.user)
    response = client.post(reverse("mandates:revoke", args=[mandate.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND
    mandate.refresh_from_db()
    assert mandate.is_active


def test_the_person_sees_only_their_own_mandates(client, helper, citizen_b, procedure, mandate):
    other = make_mandate(helper, citizen_b, [procedure])
    client.force_login(citizen_b.user)
    page = client.get(reverse("mandates:mine")).content.decode()
    assert f"mandat-{other.pk}" in page
    assert f"mandat-{mandate.pk}" not in page


def test_the_persons_timeline_in_the_back_office_shows_the_helpers_acts(
    client, helper, mandate, procedure, citizen_a, agent_1, agent_2
):
    draft = services.mandate_start_case(mandate=mandate, procedure=procedure, by=helper.user)
    draft = case_services.case_update_draft(
        case=draft, by=helper.user, form_data={"subject": "Inscription"}
    )
    case_services.case_submit(case=draft, by=helper.user)
    verified(client, agent_1.user)
    page = client.get(reverse("backoffice:person", args=[citizen_a.pk])).content.decode()
    assert "Acte sous mandat" in page
    assert f"Fait par {helper.display_name} pour {mandate.person_name}" in page
    # An agent of another unit reads only that the case exists, not the acts on it.
    verified(client, agent_2.user)
    page = client.get(reverse("backoffice:person", args=[citizen_a.pk])).content.decode()
    assert "Dépôt — dossier" not in page


def test_resending_the_code_is_refused_politely_after_three_sends_in_a_quarter_of_an_hour(
    client, helper, procedure, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    cache.clear()
    client.force_login(helper.user)
    data = {
        "given_name": "Jeanne",
        "family_name": "Lambert",
        "email": "jeanne@example.org",
        "procedures": [procedure.pk],
        "ends_on": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
        "consent_method": "code",
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("helpers:mandate_new"), data)
    mandate = Mandate.objects.get()
    code_page = reverse("helpers:code", args=[mandate.pk])
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            sent = client.post(code_page, {"action": "resend"}, follow=True)
        assert "Un nouveau code vient d" in sent.content.decode()
    mandate.refresh_from_db()
    emails, code_hash = len(mail.outbox), mandate.code_hash
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(code_page, {"action": "resend"}, follow=True)
    assert "Trop de codes envoyés pour ce mandat" in refused.content.decode()
    assert "attendez 15 minutes" in refused.content.decode()
    mandate.refresh_from_db()
    assert (len(mail.outbox), mandate.code_hash) == (emails, code_hash)
    # The code already sent still confirms the mandate.
    code = next(word for word in mail.outbox[-1].body.split() if word.isdigit() and len(word) == 6)
    assert client.post(code_page, {"code": code}).url == reverse(
        "helpers:mandate", args=[mandate.pk]
    )


def test_a_new_code_may_be_sent_once_the_oldest_send_leaves_the_window(
    helper, procedure, django_capture_on_commit_callbacks, monkeypatch
):
    import time

    from django.core.cache import cache

    from parcours.mandates.enums import ConsentMethod
    from parcours.mandates.errors import MandateError

    cache.clear()
    now = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    mandate = services.mandate_create(
        by=helper.user,
        given_name="Jeanne",
        family_name="Lambert",
        email="jeanne@example.org",
        procedures=[procedure],
        ends_on=timezone.localdate() + datetime.timedelta(days=60),
        consent_method=ConsentMethod.CODE,
    )
    now[0] += 60
    services.mandate_send_code(mandate=mandate, by=helper.user)
    now[0] += 60
    services.mandate_send_code(mandate=mandate, by=helper.user)
    now[0] += 60
    with pytest.raises(MandateError, match="attendez 12 minutes"):
        services.mandate_send_code(mandate=mandate, by=helper.user)
    now[0] = 1_000_000.0 + 15 * 60 + 1
    services.mandate_send_code(mandate=mandate, by=helper.user)


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_the_header_links_helpers_to_their_space_and_people_to_their_mandates(
    client, settings, helper, citizen_a, citizen_b, mandate, theme
):
    settings.PARCOURS_THEME = theme
    helper_space = f'href="{reverse("helpers:home")}">Espace aidant</a>'
    my_mandates = f'href="{reverse("mandates:mine")}">Mes mandats</a>'

    client.force_login(helper.user)
    page = client.get(reverse("portal:cases")).content.decode()
    assert helper_space in page
    assert my_mandates not in page

    client.force_login(citizen_a.user)  # gave the mandate
    page = client.get(reverse("portal:cases")).content.decode()
    assert my_mandates in page
    assert helper_space not in page

    client.force_login(citizen_b.user)  # gave none
    page = client.get(reverse("portal:cases")).content.decode()
    assert my_mandates not in page
    assert helper_space not in page


def test_a_helper_no_longer_active_loses_the_link_to_the_helper_space(client, helper):
    helper.is_active = False
    helper.save(update_fields=["is_active"])
    client.force_login(helper.user)
    page = client.get(reverse("portal:cases")).content.decode()
    assert f'href="{reverse("helpers:home")}">Espace aidant</a>' not in page


def test_an_event_by_someone_who_is_not_a_helper_looks_up_no_mandate(
    helper, mandate, procedure, agent_1, citizen_a
):
    case = services.mandate_start_case(mandate=mandate, procedure=procedure, by=helper.user)
    with CaptureQueriesContext(connection) as by_the_person:
        CaseEvent.objects.create(
            organisation_id=case.organisation_id, case=case, kind="note", actor=citizen_a.user
        )
    with CaptureQueriesContext(connection) as by_an_agent:
        CaseEvent.objects.create(
            organisation_id=case.organisation_id, case=case, kind="note", actor=agent_1.user
        )
    with CaptureQueriesContext(connection) as by_the_helper:
        event = CaseEvent.objects.create(
            organisation_id=case.organisation_id, case=case, kind="note", actor=helper.user
        )

    def mandate_lookups(captured):
        return [q for q in captured.captured_queries if "mandates_mandatecase" in q["sql"]]

    assert mandate_lookups(by_the_person) == []
    assert mandate_lookups(by_an_agent) == []
    assert len(mandate_lookups(by_the_helper)) == 1
    assert event.data["on_behalf"]["helper"] == helper.display_name
