"""Bad input from the citizen: every field type given wrong values, each refused next to
its field with a message that says how to fix it; a file over the real size limit, when
applying and when answering; an answer sent twice.

Elsewhere: files that are not what their name says in test_upload.py and
tests/portal/space/test_documents.py, a request sent twice in test_apply.py, an expired
email link in tests/accounts/test_magic_link.py, a session that expires mid-form in
tests/accounts/test_session_expiry.py."""

import datetime
import html
import re
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from parcours.cases import services
from parcours.cases.enums import CaseState, Transition
from parcours.cases.models import Document
from parcours.catalog.enums import FieldType
from tests.cases.test_documents_service import PDF
from tests.factories import ProcedureFactory

pytestmark = pytest.mark.sqlite

CHOICES = [
    {"value": "jaures", "label": "École Jean-Jaurès"},
    {"value": "curie", "label": "École Marie-Curie"},
]


def page(response) -> str:
    return html.unescape(response.content.decode())


# ---------------------------------------------------------------------------
# Every field type, wrong values

GROUP_FIELDS = [{"name": "count", "label": "Nombre", "type": "integer"}]

# (type, options of the field, what is posted, the message, which says how to fix it)
WRONG = [
    (
        FieldType.TEXT,
        {},
        "x" * 201,
        "« Réponse » ne doit pas dépasser 200 caractères (201 saisis).",
    ),
    (
        FieldType.TEXT,
        {"max_length": 5},
        "abcdef",
        "« Réponse » ne doit pas dépasser 5 caractères (6 saisis).",
    ),
    (
        FieldType.TEXTAREA,
        {},
        "x" * 5001,
        "« Réponse » ne doit pas dépasser 5000 caractères (5001 saisis).",
    ),
    (
        FieldType.ADDRESS,
        {"max_length": 50},
        "3 rue des Lilas, " * 4,
        "« Réponse » ne doit pas dépasser 50 caractères (67 saisis).",
    ),
    (
        FieldType.EMAIL,
        {},
        "alice@",
        "« Réponse » : saisissez une adresse de la forme nom@domaine.fr.",
    ),
    (
        FieldType.EMAIL,
        {},
        "alice example.org",
        "« Réponse » : saisissez une adresse de la forme nom@domaine.fr.",
    ),
    (
        FieldType.PHONE,
        {},
        "appelez-moi",
        "« Réponse » : saisissez un numéro de téléphone, par exemple 01 23 45 67 89.",
    ),
    (
        FieldType.PHONE,
        {},
        "12",
        "« Réponse » : saisissez un numéro de téléphone, par exemple 01 23 45 67 89.",
    ),
    (
        FieldType.DATE,
        {},
        "14/03/2026",
        "« Réponse » : saisissez une date valide, par exemple 2026-03-14.",
    ),
    (
        FieldType.DATE,
        {},
        "2026-02-30",
        "« Réponse » : saisissez une date valide, par exemple 2026-03-14.",
    ),
    (
        FieldType.INTEGER,
        {},
        "2,5",
        "« Réponse » : saisissez un nombre entier, sans lettres ni virgule.",
    ),
    (
        FieldType.INTEGER,
        {},
        "trois",
        "« Réponse » : saisissez un nombre entier, sans lettres ni virgule.",
    ),
    (FieldType.INTEGER, {"min": 1}, "0", "« Réponse » doit être au moins 1."),
    (FieldType.INTEGER, {"max": 10}, "11", "« Réponse » doit être au plus 10."),
    (FieldType.DECIMAL, {}, "douze", "« Réponse » : saisissez un nombre, par exemple 1250,50."),
    (FieldType.DECIMAL, {}, "NaN", "« Réponse » : saisissez un nombre, par exemple 1250,50."),
    (FieldType.DECIMAL, {}, "Infinity", "« Réponse » : saisissez un nombre, par exemple 1250,50."),
    (FieldType.DECIMAL, {"min": 0}, "-0,01", "« Réponse » doit être au moins 0."),
    (FieldType.DECIMAL, {"max": 100}, "100,5", "« Réponse » doit être au plus 100."),
    # A checkbox sends "on" or nothing: the only wrong answer is none when one is needed.
    (FieldType.BOOLEAN, {"required": True}, None, "« Réponse » est obligatoire."),
    # Choices are sent by the browser; a tampered value is refused all the same.
    (
        FieldType.CHOICE,
        {"choices": CHOICES},
        "ferry",
        "« Réponse » : choisissez une des options proposées.",
    ),
    (
        FieldType.MULTIPLE_CHOICE,
        {"choices": CHOICES},
        ["curie", "ferry"],
        "« Réponse » : choisissez parmi les options proposées.",
    ),
    (
        FieldType.LOCATION,
        {},
        ("nord", "1,9"),
        "« Réponse » : indiquez une position (latitude et longitude).",
    ),
    (
        FieldType.LOCATION,
        {},
        ("47,9", ""),
        "« Réponse » : indiquez une position (latitude et longitude).",
    ),
    (
        FieldType.LOCATION,
        {},
        ("95", "1,9"),
        "« Réponse » : cette position n'existe pas sur la carte.",
    ),
    (FieldType.YES_NO, {}, "peut-être", "« Réponse » : répondez oui ou non."),
    # A file question's file is checked like any upload, and refused next to it.
    (
        FieldType.FILE,
        {},
        SimpleUploadedFile("vide.pdf", b""),
        "Ce fichier est vide : vide.pdf. Choisissez un autre fichier.",
    ),
    # A repeatable group says which line and which question.
    (
        FieldType.GROUP,
        {"fields": GROUP_FIELDS},
        {"answer-0-count": "douze"},
        "« Réponse », ligne 1 : « Nombre » : saisissez un nombre entier, sans lettres ni virgule.",
    ),
]


# Where a group's wrong line above is said on the page, besides the summary.
GROUP_LINE_ERROR = (
    "id_answer-0-count",
    "« Nombre » : saisissez un nombre entier, sans lettres ni virgule.",
)


def test_every_field_type_is_tried_with_wrong_values():
    assert {kind for kind, *_ in WRONG} == set(FieldType.values)


def posted(kind, value) -> dict:
    if kind == FieldType.GROUP:
        return value
    if kind == FieldType.LOCATION:
        return {"answer_lat": value[0], "answer_lng": value[1]}
    return {} if value is None else {"answer": value}


@pytest.fixture
def one_question_draft(citizen_a, unit_1):
    def draft(kind, options):
        procedure = ProcedureFactory(
            handling_unit=unit_1,
            version={"fields": [{"name": "answer", "label": "Réponse", "type": kind, **options}]},
        )
        return services.case_create_draft(person=citizen_a, procedure=procedure, by=citizen_a.user)

    return draft


@pytest.mark.parametrize(
    ("kind", "options", "value", "message"),
    WRONG,
    ids=[f"{kind}-{value!r}"[:40] for kind, _, value, _ in WRONG],
)
def test_a_wrong_answer_is_refused_next_to_its_field_saying_how_to_fix_it(
    client, citizen_a, one_question_draft, kind, options, value, message
):
    draft = one_question_draft(kind, options)
    client.force_login(citizen_a.user)
    url = reverse("portal:apply_step", args=[draft.pk, 1])

    response = client.post(url, {**posted(kind, value), "action": "next"})

    text = page(response)
    assert response.status_code == HTTPStatus.OK
    assert re.search(r"<title>\s*Erreur :", text)
    assert re.search(r'<a href="#id_answer(_0|_lat|-0-count)?">', text)
    # In the summary at the top and next to the field; a group's line, next to its question.
    field_id, next_to = GROUP_LINE_ERROR if kind == FieldType.GROUP else ("id_answer", message)
    assert f"{message}</a>" in text
    assert f'id="{field_id}-error">{next_to}</p>' in text
    assert re.search(rf'aria-describedby="[^"]*{field_id}-error"', text)
    # Nothing is lost: the draft keeps what was typed, to be corrected; nothing is sent.
    draft.refresh_from_db()
    assert draft.state == CaseState.DRAFT
    if isinstance(value, str):
        assert draft.form_data["answer"] == value


@pytest.mark.parametrize("kind", FieldType.values)
def test_a_required_question_left_empty_says_it_must_be_answered(
    client, citizen_a, one_question_draft, kind
):
    options = {"choices": CHOICES} if kind in (FieldType.CHOICE, FieldType.MULTIPLE_CHOICE) else {}
    if kind == FieldType.GROUP:
        options = {"fields": GROUP_FIELDS}
    draft = one_question_draft(kind, {"required": True, **options})
    client.force_login(citizen_a.user)

    response = client.post(reverse("portal:apply_step", args=[draft.pk, 1]), {"action": "next"})

    assert response.status_code == HTTPStatus.OK
    assert page(response).count("« Réponse » est obligatoire.") == 2


def test_a_wrong_line_of_a_group_says_so_next_to_each_question_numbered_as_shown(
    client, citizen_a, one_question_draft
):
    draft = one_question_draft(
        FieldType.GROUP,
        {
            "fields": [
                {"name": "name", "label": "Prénom", "type": "text", "required": True},
                *GROUP_FIELDS,
            ]
        },
    )
    client.force_login(citizen_a.user)

    # The first line left blank, the second wrong in both questions.
    response = client.post(
        reverse("portal:apply_step", args=[draft.pk, 1]),
        {
            "answer-0-name": "",
            "answer-0-count": "",
            "answer-1-name": "",
            "answer-1-count": "douze",
            "action": "next",
        },
    )

    text = page(response)
    assert response.status_code == HTTPStatus.OK
    # At the group's level and in the summary, the line as the person sees it: the second.
    assert "« Réponse », ligne 2 : « Prénom » est obligatoire." in text
    assert "», ligne 1 :" not in text
    # Next to each question of that line, its own message, tied to its input.
    assert 'id="id_answer-1-name-error">« Prénom » est obligatoire.</p>' in text
    assert (
        'id="id_answer-1-count-error">« Nombre » : saisissez un nombre entier, sans lettres '
        "ni virgule.</p>"
    ) in text
    count_input = re.search(r'<input[^>]*id="id_answer-1-count"[^>]*>', text).group()
    assert 'value="douze"' in count_input
    assert 'aria-invalid="true"' in count_input
    assert 'aria-describedby="id_answer-1-count-error"' in count_input
    # The summary's links lead to each wrong question.
    assert (
        '<a href="#id_answer-1-name">« Réponse », ligne 2 : « Prénom » est obligatoire.</a>' in text
    )
    assert '<a href="#id_answer-1-count">« Réponse », ligne 2 : « Nombre »' in text
    # The group itself is not marked, which would mark its right lines too.
    assert 'id="id_answer-error"' not in text
    # The blank line is not wrong.
    blank = re.search(r'<input[^>]*id="id_answer-0-count"[^>]*>', text).group()
    assert "aria-invalid" not in blank
    assert 'id="id_answer-0-name-error"' not in text

    # Sent from the review page as it is, the same step comes back with the same marks.
    response = client.post(reverse("portal:apply_review", args=[draft.pk]))
    assert response["Location"] == reverse("portal:apply_step", args=[draft.pk, 1])
    text = page(client.get(response["Location"]))
    assert 'id="id_answer-1-name-error">« Prénom » est obligatoire.</p>' in text
    count_input = re.search(r'<input[^>]*id="id_answer-1-count"[^>]*>', text).group()
    assert 'value="douze"' in count_input
    assert 'aria-invalid="true"' in count_input


# ---------------------------------------------------------------------------
# Files too big, answers sent twice

TOO_BIG = PDF + b"\x00" * (10 * 1024 * 1024)  # over the default limit of 10 MB


@pytest.fixture
def awaiting(draft, citizen_a, agent_1, monkeypatch):
    monkeypatch.setattr(services, "_after_commit_render_receipt", lambda receipt: None)
    case = services.case_submit(case=draft, by=citizen_a.user)
    case = services.case_start_review(case=case, by=agent_1.user)
    return services.case_request_information(
        case=case,
        by=agent_1.user,
        reason="Votre justificatif de domicile, s'il vous plaît.",
        due_on=timezone.localdate() + datetime.timedelta(days=15),
    )


def test_a_file_over_ten_megabytes_is_refused_on_the_documents_step(
    client, citizen_a, one_question_draft
):
    draft = one_question_draft(FieldType.TEXT, {})
    client.force_login(citizen_a.user)

    response = client.post(
        reverse("portal:apply_documents", args=[draft.pk]),
        {"action": "upload", "kind_code": "", "file": SimpleUploadedFile("scan.pdf", TOO_BIG)},
    )

    assert response.status_code == HTTPStatus.OK
    assert page(response).count("Ce fichier dépasse 10 Mo : scan.pdf.") == 2
    assert not Document.objects.exists()


def test_a_file_over_ten_megabytes_is_refused_when_answering_and_the_answer_is_kept(
    client, citizen_a, awaiting
):
    client.force_login(citizen_a.user)

    response = client.post(
        reverse("portal:case_answer", args=[awaiting.reference]),
        {"answer": "Voici ma facture.", "files": [SimpleUploadedFile("scan.pdf", TOO_BIG)]},
    )

    assert response.status_code == HTTPStatus.OK
    assert "Ce fichier dépasse 10 Mo : scan.pdf." in page(response)
    assert "Voici ma facture." in page(response)
    awaiting.refresh_from_db()
    assert awaiting.state == CaseState.AWAITING_CITIZEN
    assert not Document.objects.exists()


def test_an_answer_sent_twice_is_recorded_once(client, citizen_a, awaiting):
    client.force_login(citizen_a.user)
    url = reverse("portal:case_answer", args=[awaiting.reference])

    first = client.post(
        url, {"answer": "Voici ma facture.", "files": [SimpleUploadedFile("f.pdf", PDF)]}
    )
    second = client.post(
        url, {"answer": "Voici ma facture.", "files": [SimpleUploadedFile("f.pdf", PDF)]}
    )

    case_page = reverse("portal:case", args=[awaiting.reference])
    assert first["Location"] == second["Location"] == case_page
    assert "Nous n'attendons pas de réponse de votre part" in page(client.get(case_page))
    assert awaiting.events.filter(transition=Transition.RESUME_REVIEW).count() == 1
    assert Document.objects.filter(case=awaiting).count() == 1
