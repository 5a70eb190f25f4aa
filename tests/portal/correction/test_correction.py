"""Correcting a mistake from the case page: the form with the current answers, the
review of the differences, the confirmation; and every refusal."""

import datetime
import html
from http import HTTPStatus

import pytest
from django.urls import reverse

from parcours.cases import services
from parcours.cases.enums import CaseState, EventKind
from parcours.cases.models import Case, CaseCorrection, CaseEvent
from tests.cases.test_corrections import ANSWERS, CANTEEN_FORM
from tests.factories import ProcedureFactory

pytestmark = pytest.mark.sqlite

EXPLANATION = "J'avais inversé le jour et le mois."


@pytest.fixture(autouse=True)
def on_monday_2_march(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture(autouse=True)
def no_pdf(monkeypatch):
    monkeypatch.setattr(services, "_after_commit_render_receipt", lambda receipt: None)
    if hasattr(services, "_after_commit_render_decision_letter"):
        monkeypatch.setattr(services, "_after_commit_render_decision_letter", lambda d: None)


@pytest.fixture
def sent(unit_1, citizen_a):
    procedure = ProcedureFactory(
        handling_unit=unit_1, code="CAN", title="Inscription à la cantine", version=CANTEEN_FORM
    )
    draft = services.case_create_draft(
        person=citizen_a, procedure=procedure, by=citizen_a.user, form_data=ANSWERS
    )
    return services.case_submit(case=draft, by=citizen_a.user)


@pytest.fixture
def accepted(sent, agent_1):
    case = services.case_start_review(case=sent, by=agent_1.user)
    return services.case_accept(case=case, by=agent_1.user, reasons="Dossier complet.")


@pytest.fixture
def signed_in(client, citizen_a):
    client.force_login(citizen_a.user)
    return client


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def form_url(case) -> str:
    return reverse("portal:case_correct", args=[case.reference])


def review_url(case) -> str:
    return reverse("portal:case_correct_review", args=[case.reference])


def case_url(case) -> str:
    return reverse("portal:case", args=[case.reference])


def posted(shown="child_name,birth_date,school,canteen,canteen_days", **changes) -> dict:
    """The form as the browser sends it: a ticked box is "on", an unticked one is absent."""
    data = {
        "child_name": ANSWERS["child_name"],
        "birth_date": ANSWERS["birth_date"],
        "school": ANSWERS["school"],
        "canteen": "on",
        "canteen_days": ANSWERS["canteen_days"],
        "correction-situation": "",
        "correction-explanation": EXPLANATION,
        "correction-shown": shown,
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def pending(client, case):
    """The corrections waiting for confirmation in the session."""
    return client.session.get(f"correction:{case.pk}")


def stored(case) -> dict:
    return Case.objects.values("form_data", "situation", "state", "updated_at").get(pk=case.pk)


# The case page


def test_the_case_page_lists_the_answers_and_offers_to_correct_them(signed_in, sent):
    response = signed_in.get(case_url(sent))

    page = text_of(response)
    assert "Vos réponses" in page
    assert "<dt>Date de naissance</dt>" in page
    assert "<dd>4 mai 2020</dd>" in page
    assert "<dd>École Jean-Jaurès</dd>" in page
    assert "<dd>Lundi, Jeudi</dd>" in page
    assert page.count(f'href="{form_url(sent)}"') == 2
    assert "Corriger une erreur" in page


def test_a_decided_case_shows_its_answers_without_a_way_to_correct_them(signed_in, accepted):
    page = text_of(signed_in.get(case_url(accepted)))

    assert "<dd>École Jean-Jaurès</dd>" in page
    assert form_url(accepted) not in page
    assert "Corriger une erreur" not in page


def test_an_agent_of_the_unit_neither_reads_nor_corrects_the_case_here(client, agent_1, sent):
    """Agents read cases in the back-office, behind their second factor."""
    client.force_login(agent_1.user)

    assert client.get(case_url(sent)).status_code == HTTPStatus.NOT_FOUND
    assert client.get(form_url(sent)).status_code == HTTPStatus.NOT_FOUND


# The form


def test_the_form_shows_the_current_answers_and_changes_nothing(signed_in, sent):
    before = stored(sent)

    response = signed_in.get(form_url(sent))

    assert response.status_code == HTTPStatus.OK
    page = text_of(response)
    assert "<h1>Corriger une erreur</h1>" in page
    assert 'value="Léa"' in page
    assert 'value="2020-05-04"' in page
    assert 'value="jaures"\n                   checked' in page
    assert "Vos réponses précédentes restent conservées" in page
    assert "Le délai de réponse ne change pas" in page
    assert stored(sent) == before
    assert not CaseEvent.objects.filter(kind=EventKind.CORRECTED).exists()
    assert pending(signed_in, sent) is None


def test_a_correction_goes_form_review_confirm_with_a_redirect_after_each_post(
    signed_in, sent, mailoutbox, django_capture_on_commit_callbacks
):
    response = signed_in.post(form_url(sent), posted(birth_date="2020-04-05", school="curie"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == review_url(sent)
    assert pending(signed_in, sent)["explanation"] == EXPLANATION
    sent.refresh_from_db()
    assert sent.form_data == ANSWERS  # nothing is recorded before the confirmation

    review = signed_in.get(review_url(sent))
    page = text_of(review)
    assert "Vérifiez votre correction" in page
    assert '<th scope="row">Date de naissance</th>' in page
    assert "<td>4 mai 2020</td>" in page
    assert "<td>5 avril 2020</td>" in page
    assert "<td>École Marie-Curie</td>" in page
    assert "Jours de cantine" not in page  # unchanged answers are not listed
    assert EXPLANATION in page

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = signed_in.post(review_url(sent), {"action": "confirm"})

    assert confirmed.status_code == HTTPStatus.FOUND
    assert confirmed["Location"] == case_url(sent)
    sent.refresh_from_db()
    assert sent.form_data == {**ANSWERS, "birth_date": "2020-04-05", "school": "curie"}
    assert sent.state == CaseState.SUBMITTED
    (correction,) = CaseCorrection.objects.filter(case=sent)
    assert correction.explanation == EXPLANATION
    assert [change["before"] for change in correction.changes] == ["2020-05-04", "jaures"]
    assert sorted(m.to[0] for m in mailoutbox) == ["alice@example.org", "service@ville.example.org"]
    case_page = text_of(signed_in.get(confirmed["Location"]))
    assert "Votre correction est enregistrée" in case_page
    assert "Vous avez corrigé votre demande" in case_page
    assert "Date de naissance : « 4 mai 2020 » remplacé par « 5 avril 2020 »" in case_page
    assert EXPLANATION in case_page
    assert "<dd>5 avril 2020</dd>" in case_page
    assert pending(signed_in, sent) is None


def test_a_second_confirmation_records_nothing_more(signed_in, sent):
    signed_in.post(form_url(sent), posted(school="curie"))
    signed_in.post(review_url(sent), {"action": "confirm"})

    again = signed_in.post(review_url(sent), {"action": "confirm"})

    assert again.status_code == HTTPStatus.FOUND
    assert again["Location"] == form_url(sent)
    assert CaseCorrection.objects.filter(case=sent).count() == 1


def test_mistakes_are_shown_and_what_was_typed_is_kept(signed_in, sent):
    before = stored(sent)

    response = signed_in.post(
        form_url(sent),
        posted(child_name="Léana", birth_date="04/05/2020", **{"correction-explanation": "  "}),
    )

    assert response.status_code == HTTPStatus.OK
    page = text_of(response)
    assert "Erreur :" in page
    assert "2 points sont à revoir" in page
    assert "« Date de naissance » : saisissez une date valide" in page
    assert "Expliquez en quelques mots l'erreur que vous corrigez." in page
    assert 'href="#id_correction-explanation"' in page
    assert 'value="Léana"' in page
    assert 'value="04/05/2020"' in page
    assert page.count('aria-invalid="true"') == 2
    assert stored(sent) == before
    assert pending(signed_in, sent) is None


def test_a_correction_that_changes_nothing_is_refused_politely(signed_in, sent):
    response = signed_in.post(form_url(sent), posted())

    assert response.status_code == HTTPStatus.OK
    assert "Vous n'avez modifié aucune réponse" in text_of(response)
    assert signed_in.get(review_url(sent))["Location"] == form_url(sent)


def test_a_question_that_an_answer_makes_appear_is_asked_before_the_review(
    signed_in, sent, citizen_a
):
    # Without the canteen first, then with it: "which days" appears.
    signed_in.post(form_url(sent), posted(canteen=None, canteen_days=None))
    signed_in.post(review_url(sent), {"action": "confirm"})
    shown = "child_name,birth_date,school,canteen"

    response = signed_in.post(form_url(sent), posted(shown=shown, canteen_days=None))

    assert response.status_code == HTTPStatus.OK
    page = text_of(response)
    assert "nous avons une ou plusieurs questions de plus" in page
    assert "Jours de cantine" in page
    assert "Erreur :" not in page
    assert EXPLANATION in page  # kept
    response = signed_in.post(form_url(sent), posted(canteen_days=["tuesday"]))
    assert response["Location"] == review_url(sent)


def test_a_question_hidden_by_a_correction_is_listed_as_removed(signed_in, sent):
    signed_in.post(form_url(sent), posted(canteen=None))

    page = text_of(signed_in.get(review_url(sent)))

    assert '<th scope="row">Jours de cantine</th>' in page
    assert "<td>Lundi, Jeudi</td>" in page
    assert "<td>Non renseigné</td>" in page


def test_the_person_goes_back_to_the_form_with_their_corrections(signed_in, sent):
    signed_in.post(form_url(sent), posted(school="curie"))

    page = text_of(signed_in.get(form_url(sent) + "?reprendre=1"))

    assert 'value="curie"\n                   checked' in page
    assert EXPLANATION in page
    # Opened again from the case page, the form starts from the answers on file.
    assert 'value="jaures"\n                   checked' in text_of(signed_in.get(form_url(sent)))


def test_the_person_may_give_up_the_correction(signed_in, sent):
    signed_in.post(form_url(sent), posted(school="curie"))

    response = signed_in.post(review_url(sent), {"action": "cancel"}, follow=True)

    assert "Vous avez abandonné la correction" in text_of(response)
    sent.refresh_from_db()
    assert sent.form_data == ANSWERS
    assert not CaseCorrection.objects.exists()


def test_the_review_without_corrections_goes_back_to_the_form(signed_in, sent):
    response = signed_in.get(review_url(sent))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == form_url(sent)


# Refusals


@pytest.mark.parametrize("url", [form_url, review_url])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_decided_case_is_not_corrected_and_the_citizen_is_told_why(
    signed_in, accepted, url, method
):
    before = stored(accepted)

    response = getattr(signed_in, method)(url(accepted), posted(school="curie"), follow=True)

    assert response.redirect_chain == [(case_url(accepted), HTTPStatus.FOUND)]
    assert "Une décision a été prise sur ce dossier" in text_of(response)
    assert stored(accepted) == before
    assert not CaseCorrection.objects.exists()


def test_a_decision_taken_during_the_review_stops_the_confirmation(signed_in, sent, agent_1):
    signed_in.post(form_url(sent), posted(school="curie"))
    case = services.case_start_review(case=sent, by=agent_1.user)
    services.case_accept(case=case, by=agent_1.user)

    response = signed_in.post(review_url(sent), {"action": "confirm"}, follow=True)

    assert "Une décision a été prise sur ce dossier" in text_of(response)
    sent.refresh_from_db()
    assert sent.form_data == ANSWERS


def test_a_withdrawn_case_is_not_corrected(signed_in, sent, citizen_a):
    services.case_withdraw(case=sent, by=citizen_a.user)

    response = signed_in.get(form_url(sent), follow=True)

    assert "Vous avez retiré cette demande : elle ne peut plus être corrigée." in text_of(response)


@pytest.mark.parametrize("someone_else", ["citizen_b", "agent_1", "agent_2"])
@pytest.mark.parametrize("url", [form_url, review_url])
@pytest.mark.parametrize("method", ["get", "post"])
def test_nobody_but_the_owner_may_correct_a_case(client, sent, someone_else, url, method, request):
    before = stored(sent)
    client.force_login(request.getfixturevalue(someone_else).user)

    response = getattr(client, method)(url(sent), posted(school="curie"))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert stored(sent) == before


def test_another_citizens_pending_correction_cannot_be_confirmed_on_my_case(
    client, sent, citizen_b
):
    # Even with corrections waiting in their session, citizen B reaches nothing of A's.
    client.force_login(citizen_b.user)
    session = client.session
    session[f"correction:{sent.pk}"] = {
        "answers": {**ANSWERS, "school": "curie"},
        "situation": "",
        "explanation": "x",
    }
    session.save()

    response = client.post(review_url(sent), {"action": "confirm"})

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not CaseCorrection.objects.exists()


@pytest.mark.parametrize("url", [form_url, review_url])
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_sign_in(client, sent, url, method):
    response = getattr(client, method)(url(sent), posted(school="curie"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))
    sent.refresh_from_db()
    assert sent.form_data == ANSWERS


def test_a_draft_has_no_correction_page(signed_in):
    response = signed_in.get(reverse("portal:case_correct", args=["2026-CAN-999999"]))

    assert response.status_code == HTTPStatus.NOT_FOUND
