import datetime
import io
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils.html import escape
from pypdf import PdfReader

from parcours.cases import services
from tests.factories import ProcedureFactory


@pytest.fixture
def submitted(draft, citizen_a):
    return services.case_submit(case=draft, by=citizen_a.user)


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.sqlite
def test_the_citizen_sees_their_case_with_its_status_deadline_and_service(
    client, submitted, citizen_a
):
    client.force_login(citizen_a.user)

    response = client.get(reverse("portal:case", args=[submitted.reference]))

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Nous avons bien reçu votre demande" in page
    assert submitted.unit.phone in page
    assert 'aria-current="step"' in page


@pytest.mark.sqlite
def test_the_citizen_lists_their_cases_including_drafts(client, submitted, citizen_a, procedure):
    draft = services.case_create_draft(person=citizen_a, procedure=procedure, by=citizen_a.user)
    client.force_login(citizen_a.user)

    response = client.get(reverse("portal:cases"))

    assert response.status_code == HTTPStatus.OK
    assert submitted.reference in response.content.decode()
    assert "Brouillon du" in response.content.decode()
    assert reverse("portal:apply_step", args=[draft.pk, 1]) in response.content.decode()


@pytest.mark.parametrize("viewer", ["citizen_b", "agent_2", "agent_1", "manager"])
@pytest.mark.parametrize("page", ["portal:case", "portal:receipt", "portal:receipt_pdf"])
def test_nobody_else_sees_the_case_or_its_receipt(client, submitted, viewer, page, request):
    someone_else = request.getfixturevalue(viewer)
    client.force_login(someone_else.user)

    response = client.get(reverse(page, args=[submitted.reference]))

    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    "page", ["portal:case", "portal:receipt", "portal:receipt_pdf", "portal:cases"]
)
def test_anonymous_visitors_are_sent_to_sign_in(client, submitted, page):
    args = [] if page == "portal:cases" else [submitted.reference]

    response = client.get(reverse(page, args=args))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))


def test_an_agent_of_the_handling_unit_does_not_list_the_case_in_the_citizens_space(
    client, submitted, agent_1
):
    """Agents read their units' cases in the back-office, behind their second factor."""
    client.force_login(agent_1.user)

    response = client.get(reverse("portal:cases"))

    assert response.status_code == HTTPStatus.OK
    assert submitted.reference not in response.content.decode()


def test_the_receipt_page_states_every_mandatory_mention(client, submitted, citizen_a):
    client.force_login(citizen_a.user)

    page = client.get(reverse("portal:receipt", args=[submitted.reference])).content.decode()

    unit = submitted.unit
    for mention in [
        submitted.reference,
        "Date de réception",
        unit.name,
        unit.street,
        unit.email,
        unit.phone,
        "considérée comme <strong>acceptée</strong>",
        "attestation",
        "L232-3",
    ]:
        assert mention in page


def test_a_receipt_for_a_request_that_silence_rejects_gives_the_appeal_routes(
    client, citizen_a, unit_1
):
    procedure = ProcedureFactory(handling_unit=unit_1, silence_rejects=True)
    case = services.case_create_draft(
        person=citizen_a, procedure=procedure, by=citizen_a.user, form_data={"subject": "Demande"}
    )
    case = services.case_submit(case=case, by=citizen_a.user)
    client.force_login(citizen_a.user)

    page = client.get(reverse("portal:receipt", args=[case.reference])).content.decode()

    assert "considérée comme <strong>rejetée</strong>" in page
    assert "recours gracieux" in page
    assert "recours hiérarchique" in page
    assert escape(unit_1.organisation.administrative_court) in page
    assert "deux mois" in page


def test_the_receipt_pdf_carries_the_same_mentions(client, submitted, citizen_a):
    client.force_login(citizen_a.user)

    response = client.get(reverse("portal:receipt_pdf", args=[submitted.reference]))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert submitted.reference in text
    assert submitted.unit.email in text
    assert "acceptée" in text


def test_the_worker_stores_the_receipt_pdf_after_submission(
    draft, citizen_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_submit(case=draft, by=citizen_a.user)

    case.receipt.refresh_from_db()
    assert case.receipt.pdf
    with case.receipt.pdf.open("rb") as stored:
        assert case.reference in pdf_text(stored.read())


@pytest.mark.sqlite
@pytest.mark.parametrize(
    ("language", "expected"), [("fr", "Parler à une personne"), ("en", "Talk to a person")]
)
def test_the_home_page_speaks_french_first_and_english_on_request(
    client, procedure, language, expected
):
    response = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == HTTPStatus.OK
    assert expected in response.content.decode()
    assert procedure.title in response.content.decode()


@pytest.mark.parametrize(("theme", "marker"), [("dsfr", "fr-header"), ("neutral", "pc-header")])
def test_both_themes_render_the_same_pages(client, settings, procedure, theme, marker):
    settings.PARCOURS_THEME = theme

    for url in [
        reverse("portal:home"),
        reverse("portal:contact"),
        reverse("portal:accessibility"),
        reverse("login"),
    ]:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert marker in response.content.decode(), url


@pytest.mark.parametrize(
    ("grants_a_right", "expected"), [(False, "est suspendu"), (True, "Nous continuons")]
)
def test_awaiting_the_citizen_says_whether_the_clock_is_suspended(
    client, citizen_a, agent_1, unit_1, grants_a_right, expected
):
    procedure = ProcedureFactory(handling_unit=unit_1, grants_a_right=grants_a_right)
    case = services.case_create_draft(
        person=citizen_a, procedure=procedure, by=citizen_a.user, form_data={"subject": "Aide"}
    )
    case = services.case_submit(case=case, by=citizen_a.user)
    case = services.case_request_information(
        case=case,
        by=agent_1.user,
        reason="Il manque l'attestation de loyer.",
        due_on=case.received_on + datetime.timedelta(days=20),
        today=case.received_on,
    )
    client.force_login(citizen_a.user)

    page = client.get(reverse("portal:case", args=[case.reference])).content.decode()

    assert expected in page


@pytest.mark.parametrize(
    ("grants_a_right", "expected", "absent"),
    [(False, "sera alors suspendu", "L114-5-1"), (True, "L114-5-1", "sera alors suspendu")],
)
def test_the_receipt_says_what_a_missing_piece_does_to_the_clock(
    client, citizen_a, unit_1, grants_a_right, expected, absent
):
    procedure = ProcedureFactory(handling_unit=unit_1, grants_a_right=grants_a_right)
    case = services.case_create_draft(
        person=citizen_a, procedure=procedure, by=citizen_a.user, form_data={"subject": "Aide"}
    )
    case = services.case_submit(case=case, by=citizen_a.user)
    client.force_login(citizen_a.user)

    page = client.get(reverse("portal:receipt", args=[case.reference])).content.decode()

    assert expected in page
    assert absent not in page


def test_the_cases_list_costs_the_same_queries_for_one_case_or_many(
    client, citizen_a, procedure, django_assert_num_queries
):
    def submit_one():
        case = services.case_create_draft(
            person=citizen_a, procedure=procedure, by=citizen_a.user, form_data={"subject": "A"}
        )
        services.case_submit(case=case, by=citizen_a.user)

    submit_one()
    client.force_login(citizen_a.user)
    client.get(reverse("portal:cases"))  # warm the session and the caches
    # session, user, cases list, who opened the file outside its unit, the "Mon profil" link
    with django_assert_num_queries(5):
        client.get(reverse("portal:cases"))
    for _ in range(5):
        submit_one()
    with django_assert_num_queries(5):
        response = client.get(reverse("portal:cases"))
    assert response.content.decode().count("/dossiers/20") == 6
