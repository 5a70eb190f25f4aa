import re
import threading
from http import HTTPStatus
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from parcours.cases import services
from parcours.cases.enums import CaseState
from parcours.cases.models import Case, Receipt
from parcours.people.models import Person
from parcours.portal.apply.forms import steps_of
from tests.factories import UserFactory

from .conftest import FULL_ANSWERS, FULL_FORM


@pytest.fixture
def school_draft(school_procedure, citizen_a):
    return services.case_create_draft(
        person=citizen_a, procedure=school_procedure, by=citizen_a.user
    )


@pytest.fixture
def complete_draft(school_draft, citizen_a):
    return services.case_update_draft(
        case=school_draft, by=citizen_a.user, form_data=FULL_ANSWERS, situation="Je déménage."
    )


def step_url(case, step):
    return reverse("portal:apply_step", args=[case.pk, step])


def page(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------------------
# Steps


@pytest.mark.sqlite
def test_fields_go_to_the_step_they_name_and_the_others_by_five():
    steps = steps_of(FULL_FORM)

    assert [(s.number, s.title, s.names) for s in steps] == [
        (1, "Votre enfant", ["child_name", "birth_date", "school"]),
        (2, "Cantine", ["canteen", "canteen_days"]),
        (3, "Contact", ["email", "phone", "address"]),
        (4, "Votre demande, partie 1", ["siblings", "income", "notes", "spot"]),
    ]


@pytest.mark.sqlite
def test_a_form_without_step_names_is_split_every_five_fields():
    definition = {
        "fields": [{"name": f"f{n}", "label": f"Champ {n}", "type": "text"} for n in range(7)]
    }

    steps = steps_of(definition)

    assert [len(s.names) for s in steps] == [5, 2]
    assert [s.title for s in steps] == ["Votre demande, partie 1", "Votre demande, partie 2"]


# ---------------------------------------------------------------------------
# Starting


@pytest.mark.sqlite
def test_the_start_page_lists_the_documents_to_prepare(client, citizen_a, school_procedure):
    client.force_login(citizen_a.user)

    response = client.get(reverse("portal:apply_start", args=[school_procedure.slug]))

    assert response.status_code == HTTPStatus.OK
    assert "Livret de famille" in page(response)
    assert "Commencer ma demande" in page(response)


@pytest.mark.sqlite
def test_starting_creates_the_person_record_and_a_draft_then_opens_step_one(
    client, school_procedure
):
    user = UserFactory(email="chloe@example.org", first_name="Chloé", last_name="Bernard")
    client.force_login(user)

    response = client.post(reverse("portal:apply_start", args=[school_procedure.slug]))

    person = Person.objects.get(user=user, organisation=school_procedure.organisation)
    assert (person.given_name, person.family_name, person.email) == (
        "Chloé",
        "Bernard",
        "chloe@example.org",
    )
    case = Case.objects.get(person=person)
    assert case.state == CaseState.DRAFT
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == step_url(case, 1)


@pytest.mark.sqlite
def test_starting_again_resumes_the_draft_instead_of_making_another(
    client, citizen_a, school_draft, school_procedure
):
    client.force_login(citizen_a.user)

    first = client.post(reverse("portal:apply_start", args=[school_procedure.slug]))
    second = client.post(reverse("portal:apply_start", args=[school_procedure.slug]))

    assert first["Location"] == second["Location"] == step_url(school_draft, 1)
    assert Case.objects.filter(person=citizen_a).count() == 1


@pytest.mark.sqlite
def test_an_unpublished_procedure_cannot_be_applied_to(client, citizen_a, school_procedure):
    school_procedure.is_published = False
    school_procedure.save()
    client.force_login(citizen_a.user)

    response = client.post(reverse("portal:apply_start", args=[school_procedure.slug]))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not Case.objects.exists()


# ---------------------------------------------------------------------------
# Filling in


@pytest.mark.sqlite
def test_a_step_shows_its_fields_with_labels_hints_and_fieldsets(client, citizen_a, school_draft):
    client.force_login(citizen_a.user)

    response = client.get(step_url(school_draft, 1))

    html = page(response)
    assert response.status_code == HTTPStatus.OK
    assert '<label class="pc-label" for="id_child_name">' in html
    assert 'aria-describedby="id_child_name-hint"' in html
    assert 'type="date"' in html
    assert "<legend" in html
    assert 'type="radio"' in html
    assert "Étape 1 sur 6" in html


@pytest.mark.sqlite
@pytest.mark.parametrize(
    ("step", "data", "message", "kept"),
    [
        (1, {"child_name": "x" * 21}, "ne doit pas dépasser 20 caractères", "x" * 21),
        (1, {"child_name": ""}, "« Prénom de l'enfant » est obligatoire.", None),
        (1, {"birth_date": "14/03/2026"}, "saisissez une date valide", "14/03/2026"),
        (1, {"school": "inconnue"}, "choisissez une des options proposées", None),
        (
            3,
            {"email": "alice-at-example"},
            "adresse de la forme nom@domaine.fr",
            "alice-at-example",
        ),
        (3, {"phone": "appelez-moi"}, "saisissez un numéro de téléphone", "appelez-moi"),
        (3, {"address": "a" * 5001}, "ne doit pas dépasser 5000 caractères", "a" * 5001),
        (4, {"siblings": "deux"}, "saisissez un nombre entier", "deux"),
        (4, {"siblings": "-1"}, "doit être au moins 0", "-1"),
        (4, {"income": "beaucoup"}, "saisissez un nombre, par exemple 1250,50", "beaucoup"),
        (4, {"notes": "n" * 5001}, "ne doit pas dépasser 5000 caractères", "n" * 5001),
        (4, {"spot_lat": "nord", "spot_lng": "1.9"}, "indiquez une position", "nord"),
        (4, {"spot_lat": "95", "spot_lng": "1.9"}, "cette position n'existe pas", "95"),
    ],
)
def test_an_invalid_answer_gets_its_french_message_and_keeps_what_was_typed(
    client, citizen_a, complete_draft, step, data, message, kept
):
    client.force_login(citizen_a.user)
    complete = (
        {"child_name": "Léa", "birth_date": "2020-05-04", "school": "curie"} if step == 1 else {}
    )

    response = client.post(step_url(complete_draft, step), {**complete, **data, "action": "next"})

    html = page(response)
    assert response.status_code == HTTPStatus.OK
    assert escape(message) in html or message in html
    assert 'role="alert"' in html
    assert re.search(r'aria-describedby="[^"]*-error"', html)
    if kept is not None:
        assert f'value="{kept}"' in html or f">{kept}</textarea>" in html
    complete_draft.refresh_from_db()
    name = next(iter(data)).removesuffix("_lat").removesuffix("_lng")
    saved = complete_draft.form_data[name]
    assert saved == (
        {"lat": data["spot_lat"], "lng": data["spot_lng"]} if name == "spot" else data[name]
    )


@pytest.mark.sqlite
def test_a_decimal_comma_and_a_location_with_commas_are_accepted(client, citizen_a, complete_draft):
    client.force_login(citizen_a.user)

    response = client.post(
        step_url(complete_draft, 4),
        {"siblings": "2", "income": "1 250,50", "spot_lat": "47,9", "spot_lng": "1,9"},
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == step_url(complete_draft, 5)
    complete_draft.refresh_from_db()
    assert complete_draft.form_data["spot"] == {"lat": "47.9", "lng": "1.9"}


@pytest.mark.sqlite
def test_a_valid_step_is_saved_and_leads_to_the_next_one(client, citizen_a, school_draft):
    client.force_login(citizen_a.user)

    response = client.post(
        step_url(school_draft, 1),
        {"child_name": "Léa", "birth_date": "2020-05-04", "school": "jaures", "action": "next"},
    )

    assert response["Location"] == step_url(school_draft, 2)
    school_draft.refresh_from_db()
    assert school_draft.form_data == {
        "child_name": "Léa",
        "birth_date": "2020-05-04",
        "school": "jaures",
    }


@pytest.mark.sqlite
def test_the_previous_step_button_saves_without_checking(client, citizen_a, school_draft):
    client.force_login(citizen_a.user)

    response = client.post(
        step_url(school_draft, 3), {"email": "pas-un-courriel", "action": "previous"}
    )

    assert response["Location"] == step_url(school_draft, 2)
    school_draft.refresh_from_db()
    assert school_draft.form_data["email"] == "pas-un-courriel"


@pytest.mark.sqlite
def test_a_conditional_question_appears_only_once_its_condition_holds(
    client, citizen_a, complete_draft
):
    client.force_login(citizen_a.user)
    assert "Jours de cantine" not in page(client.get(step_url(complete_draft, 2)))

    ticked = client.post(step_url(complete_draft, 2), {"canteen": "on", "action": "next"})

    assert ticked["Location"] == step_url(complete_draft, 2)
    shown = page(client.get(step_url(complete_draft, 2)))
    assert "Jours de cantine" in shown
    assert "une question de plus" in shown
    missing = client.post(step_url(complete_draft, 2), {"canteen": "on", "action": "next"})
    assert "« Jours de cantine » est obligatoire." in page(missing)
    answered = client.post(
        step_url(complete_draft, 2), {"canteen": "on", "canteen_days": ["tue"], "action": "next"}
    )
    assert answered["Location"] == step_url(complete_draft, 3)


@pytest.mark.sqlite
def test_a_hidden_conditional_question_is_not_checked(client, citizen_a, complete_draft):
    services.case_update_draft(case=complete_draft, by=citizen_a.user, form_data={"canteen": True})
    client.force_login(citizen_a.user)

    response = client.post(step_url(complete_draft, 2), {"action": "next"})

    assert response["Location"] == step_url(complete_draft, 3)


@pytest.mark.sqlite
def test_the_situation_step_saves_what_the_person_wants_to_say(client, citizen_a, complete_draft):
    client.force_login(citizen_a.user)
    assert "Votre situation" in page(client.get(step_url(complete_draft, 5)))

    response = client.post(step_url(complete_draft, 5), {"situation": "Je travaille de nuit."})

    assert response["Location"] == reverse("portal:apply_documents", args=[complete_draft.pk])
    complete_draft.refresh_from_db()
    assert complete_draft.situation == "Je travaille de nuit."


@pytest.mark.sqlite
def test_a_person_saves_for_later_and_finds_their_answers_when_they_come_back(
    client, citizen_a, school_draft, school_procedure
):
    client.force_login(citizen_a.user)

    later = client.post(step_url(school_draft, 1), {"child_name": "Lé", "action": "later"})
    assert later["Location"] == reverse("portal:cases")
    client.logout()
    client.force_login(citizen_a.user)
    resumed = client.post(reverse("portal:apply_start", args=[school_procedure.slug]), follow=True)

    assert 'value="Lé"' in page(resumed)
    assert Case.objects.filter(person=citizen_a).count() == 1


# ---------------------------------------------------------------------------
# Review and submission


@pytest.mark.sqlite
def test_the_review_page_lists_every_answer_with_a_link_to_change_it(
    client, citizen_a, complete_draft
):
    client.force_login(citizen_a.user)

    response = client.get(reverse("portal:apply_review", args=[complete_draft.pk]))

    html = page(response)
    assert response.status_code == HTTPStatus.OK
    for text in ["Léa", "4 mai 2020", "École Marie-Curie", "Non renseigné", "Je déménage."]:
        assert text in html
    assert f"{step_url(complete_draft, 1)}?retour=verifier" in html
    assert "Livret de famille" in html
    assert "Envoyer ma demande" in html


def test_sending_makes_one_case_with_a_reference_a_receipt_and_one_email(
    client, citizen_a, complete_draft, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(citizen_a.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:apply_review", args=[complete_draft.pk]))

    case = Case.objects.get()
    assert case.state == CaseState.SUBMITTED
    assert case.reference.endswith("-ECO-000001")
    assert Receipt.objects.filter(case=case).exists()
    assert response["Location"] == reverse("portal:apply_done", args=[case.reference])
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["alice@example.org"]
    assert case.reference in mailoutbox[0].subject
    done = client.get(response["Location"])
    assert done.status_code == HTTPStatus.OK
    assert "Votre demande est envoyée" in page(done)
    assert "Accusé de réception de votre demande" in page(done)
    assert reverse("portal:receipt_pdf", args=[case.reference]) in page(done)
    assert reverse("portal:case", args=[case.reference]) in page(done)
    assert "courriel de confirmation" in page(done)


def test_a_double_click_on_send_makes_one_case(
    client, citizen_a, complete_draft, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(citizen_a.user)
    url = reverse("portal:apply_review", args=[complete_draft.pk])

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url)
        second = client.post(url)

    case = Case.objects.get()
    assert (
        first["Location"]
        == second["Location"]
        == reverse("portal:apply_done", args=[case.reference])
    )
    assert len(mailoutbox) == 1


def test_a_send_that_loses_the_race_to_another_shows_the_same_case(
    client, citizen_a, complete_draft
):
    """Two requests read the draft at once; the row lock lets one submit, and the other
    gets IllegalTransition from case_submit: it shows the confirmation of that case."""
    real_submit = services.case_submit

    def other_request_first(*, case, by):
        real_submit(case=Case.objects.get(pk=case.pk), by=by)
        return real_submit(case=case, by=by)

    client.force_login(citizen_a.user)

    with mock.patch("parcours.portal.apply.views.case_submit", other_request_first):
        response = client.post(reverse("portal:apply_review", args=[complete_draft.pk]))

    case = Case.objects.get()
    assert response["Location"] == reverse("portal:apply_done", args=[case.reference])


@pytest.mark.sqlite
def test_sending_an_incomplete_form_leads_to_the_first_step_in_error_with_its_message(
    client, citizen_a, school_draft
):
    services.case_update_draft(
        case=school_draft, by=citizen_a.user, form_data={"child_name": "Léa", "email": "x"}
    )
    client.force_login(citizen_a.user)

    response = client.post(reverse("portal:apply_review", args=[school_draft.pk]))

    assert response["Location"] == step_url(school_draft, 1)
    html = page(client.get(response["Location"]))
    assert "« Date de naissance » est obligatoire." in html
    assert 'href="#id_school_0"' in html
    assert "2 réponses sont à corriger" in html
    assert "adresse de la forme" in page(client.get(step_url(school_draft, 3)))
    school_draft.refresh_from_db()
    assert school_draft.state == CaseState.DRAFT


# ---------------------------------------------------------------------------
# Denials


def draft_urls(case):
    return [
        ("get", step_url(case, 1)),
        ("post", step_url(case, 1)),
        ("get", step_url(case, 5)),
        ("get", reverse("portal:apply_review", args=[case.pk])),
        ("post", reverse("portal:apply_review", args=[case.pk])),
    ]


@pytest.mark.parametrize("someone_else", ["citizen_b", "agent_1", "agent_2", "helper"])
def test_nobody_else_sees_changes_or_sends_a_draft(client, complete_draft, someone_else, request):
    client.force_login(request.getfixturevalue(someone_else).user)

    for method, url in draft_urls(complete_draft):
        response = getattr(client, method)(url, {"child_name": "Pirate", "action": "next"})
        assert response.status_code == HTTPStatus.NOT_FOUND, (method, url)

    complete_draft.refresh_from_db()
    assert complete_draft.state == CaseState.DRAFT
    assert complete_draft.form_data["child_name"] == "Léa"


@pytest.mark.parametrize("someone_else", ["citizen_b", "agent_2"])
def test_nobody_else_sees_the_confirmation(
    client, citizen_a, complete_draft, someone_else, request
):
    case = services.case_submit(case=complete_draft, by=citizen_a.user)
    client.force_login(request.getfixturevalue(someone_else).user)

    response = client.get(reverse("portal:apply_done", args=[case.reference]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_a_sent_case_can_no_longer_be_edited_as_a_draft(client, citizen_a, complete_draft):
    services.case_submit(case=complete_draft, by=citizen_a.user)
    client.force_login(citizen_a.user)

    assert client.get(step_url(complete_draft, 1)).status_code == HTTPStatus.NOT_FOUND
    assert client.post(step_url(complete_draft, 1)).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.sqlite
def test_anonymous_visitors_are_sent_to_sign_in(client, complete_draft, school_procedure):
    urls = [url for _method, url in draft_urls(complete_draft)] + [
        reverse("portal:apply_start", args=[school_procedure.slug]),
        reverse("portal:apply_done", args=["2026-ECO-000001"]),
    ]

    for url in urls:
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND, url
        assert response["Location"].startswith(reverse("login")), url


def test_two_sends_at_the_same_moment_make_one_case(transactional_db, citizen_a, complete_draft):
    """Real concurrency (PostgreSQL): both requests may read the draft; the row lock in
    case_submit lets one through, and the other shows the same confirmation."""
    url = reverse("portal:apply_review", args=[complete_draft.pk])
    barrier = threading.Barrier(2)
    locations = []

    def send():
        client = Client()
        client.force_login(citizen_a.user)
        barrier.wait()
        try:
            locations.append(client.post(url)["Location"])
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    case = Case.objects.get()
    assert case.state == CaseState.SUBMITTED
    assert locations == [reverse("portal:apply_done", args=[case.reference])] * 2
