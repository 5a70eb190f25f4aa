"""Every field type and condition, in the definition's checks, in the validation of
answers, and in the citizen's apply flow (rendering, files, repeatable groups)."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parcours.cases.models import Document
from parcours.catalog.form_definition import (
    clean_answers,
    display_answer,
    validate_definition,
    visible_fields,
)
from tests.cases.test_documents_service import PDF
from tests.factories import CaseFactory, ProcedureFactory

CHOICES = [{"value": "a", "label": "Réponse A"}, {"value": "b", "label": "Réponse B"}]
CHILD = {
    "name": "children",
    "label": "Vos enfants",
    "type": "group",
    "required": True,
    "max_items": 3,
    "fields": [
        {"name": "given_name", "label": "Prénom", "type": "text", "required": True},
        {"name": "birth_date", "label": "Date de naissance", "type": "date"},
    ],
}
EVERY_TYPE = {
    "fields": [
        {"name": "text", "label": "Texte", "type": "text"},
        {"name": "long", "label": "Texte long", "type": "textarea"},
        {"name": "number", "label": "Nombre", "type": "integer", "min": 0, "max": 9},
        {"name": "amount", "label": "Montant", "type": "decimal"},
        {"name": "day", "label": "Jour", "type": "date"},
        {"name": "one", "label": "Un choix", "type": "choice", "choices": CHOICES},
        {"name": "many", "label": "Des choix", "type": "multiple_choice", "choices": CHOICES},
        {"name": "where", "label": "Adresse", "type": "address"},
        {"name": "proof", "label": "Justificatif", "type": "file"},
        {"name": "owner", "label": "Êtes-vous propriétaire ?", "type": "yes_no", "required": True},
        {
            "name": "since",
            "label": "Depuis quand ?",
            "type": "date",
            "required": True,
            "show_if": {"field": "owner", "equals": True},
        },
        {
            "name": "landlord",
            "label": "Nom du bailleur",
            "type": "text",
            "required": True,
            "show_if": {"field": "owner", "equals": False},
        },
        {"name": "tick", "label": "Je certifie", "type": "boolean"},
        CHILD,
    ]
}


@pytest.mark.sqlite
def test_a_definition_with_every_type_is_accepted():
    validate_definition(EVERY_TYPE)


@pytest.mark.sqlite
@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ({"name": "g", "label": "G", "type": "group", "fields": []}, "au moins une question"),
        (
            {
                "name": "g",
                "label": "G",
                "type": "group",
                "fields": [{"name": "f", "label": "F", "type": "file"}],
            },
            "ni fichier",
        ),
        (
            {
                "name": "g",
                "label": "G",
                "type": "group",
                "max_items": 99,
                "fields": [{"name": "f", "label": "F", "type": "text"}],
            },
            "nombres de lignes",
        ),
        (
            {
                "name": "g",
                "label": "G",
                "type": "group",
                "fields": [{"name": "f", "label": "", "type": "text"}],
            },
            "libellé est obligatoire",
        ),
        ({"name": "c", "label": "C", "type": "choice", "choices": []}, "liste de choix"),
        (
            {"name": "c", "label": "C", "type": "text", "show_if": {"field": "nope", "equals": 1}},
            "condition d'affichage",
        ),
    ],
)
def test_a_wrong_definition_is_refused_with_the_reason(field, expected):
    with pytest.raises(ValidationError) as refused:
        validate_definition({"fields": [field]})
    assert any(expected in message for message in refused.value.messages)


@pytest.mark.sqlite
def test_every_type_is_cleaned_and_stored():
    cleaned = clean_answers(
        EVERY_TYPE,
        {
            "text": " Bonjour ",
            "long": "Ligne",
            "number": "3",
            "amount": "1 250,50",
            "day": "2026-03-14",
            "one": "a",
            "many": ["b", "a"],
            "where": "1 rue Haute 45510",
            "proof": {"document": 7, "name": "bail.pdf"},
            "owner": False,
            "landlord": "Office HLM",
            "tick": True,
            "children": [
                {"given_name": "Léa", "birth_date": "2020-05-04"},
                {"given_name": "", "birth_date": ""},
            ],
        },
    )
    assert cleaned == {
        "text": "Bonjour",
        "long": "Ligne",
        "number": 3,
        "amount": "1250.50",
        "day": "2026-03-14",
        "one": "a",
        "many": ["a", "b"],
        "where": "1 rue Haute 45510",
        "proof": {"document": 7, "name": "bail.pdf"},
        "owner": False,
        "landlord": "Office HLM",
        "tick": True,
        "children": [{"given_name": "Léa", "birth_date": "2020-05-04"}],
    }


@pytest.mark.sqlite
@pytest.mark.parametrize(
    ("answers", "field", "expected"),
    [
        ({"owner": None}, "owner", "« Êtes-vous propriétaire ? » est obligatoire."),
        ({"owner": "peut-être"}, "owner", "répondez oui ou non"),
        ({"owner": True}, "since", "« Depuis quand ? » est obligatoire."),
        ({"owner": False}, "landlord", "« Nom du bailleur » est obligatoire."),
        (
            {"owner": True, "since": "2020-01-01", "proof": "bail.pdf"},
            "proof",
            "joignez un fichier",
        ),
        (
            {"owner": True, "since": "2020-01-01", "children": []},
            "children",
            "« Vos enfants » est obligatoire.",
        ),
        (
            {
                "owner": True,
                "since": "2020-01-01",
                "children": [{"given_name": "", "birth_date": "hier"}],
            },
            "children",
            "« Vos enfants », ligne 1 : « Date de naissance » : saisissez une date valide",
        ),
        (
            {"owner": True, "since": "2020-01-01", "children": [{"given_name": "A"}] * 4},
            "children",
            "3 ligne(s) au plus",
        ),
    ],
)
def test_wrong_answers_are_refused_with_a_clear_message(answers, field, expected):
    definition = {
        "fields": [f for f in EVERY_TYPE["fields"] if f["name"] != "children"]
        + [dict(CHILD, required=field == "children")]
    }
    with pytest.raises(ValidationError) as refused:
        clean_answers(definition, answers)
    assert any(expected in message for message in refused.value.message_dict[field])


@pytest.mark.sqlite
def test_a_yes_no_answer_shows_or_hides_the_questions_that_depend_on_it():
    names = lambda answers: [f["name"] for f in visible_fields(EVERY_TYPE, answers)]  # noqa: E731
    assert "since" in names({"owner": True})
    assert "landlord" not in names({"owner": True})
    assert "landlord" in names({"owner": False})
    assert "since" not in names({})
    assert "landlord" not in names({})


@pytest.mark.sqlite
def test_new_types_are_displayed_in_words():
    fields = {f["name"]: f for f in EVERY_TYPE["fields"]}
    assert display_answer(fields["owner"], False) == "Non"
    assert display_answer(fields["proof"], {"document": 1, "name": "bail.pdf"}) == "bail.pdf"
    assert display_answer(
        fields["children"], [{"given_name": "Léa", "birth_date": "2020-05-04"}]
    ) == ("1. Prénom : Léa ; Date de naissance : 4 mai 2020")


STEP_FORM = {
    "fields": [
        {
            "name": "owner",
            "label": "Êtes-vous propriétaire ?",
            "type": "yes_no",
            "required": True,
            "step": "Logement",
        },
        {
            "name": "proof",
            "label": "Titre de propriété",
            "type": "file",
            "required": True,
            "show_if": {"field": "owner", "equals": True},
            "step": "Logement",
        },
        dict(CHILD, step="Enfants"),
    ]
}


@pytest.fixture
def housing(unit_1):
    return ProcedureFactory(handling_unit=unit_1, code="LOG", version=STEP_FORM)


def test_the_citizen_answers_yes_no_attaches_a_file_and_fills_a_repeatable_group(
    client, housing, citizen_a
):
    draft = CaseFactory(procedure=housing, person=citizen_a, form_data={})
    client.force_login(citizen_a.user)
    step_1 = reverse("portal:apply_step", args=[draft.pk, 1])
    page = client.get(step_1).content.decode()
    assert 'type="radio"' in page
    assert "Titre de propriété" not in page
    # "Oui" makes the file question appear on the same page.
    response = client.post(step_1, {"owner": "yes", "action": "next"})
    assert response.status_code == 302
    assert response["Location"] == step_1
    page = client.get(step_1).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page
    # Without the file: refused, politely, what was answered is kept.
    response = client.post(step_1, {"owner": "yes", "action": "next"})
    page = response.content.decode()
    assert "« Titre de propriété » est obligatoire." in page
    assert re.search(r'value="yes"\s+checked', page)
    upload = SimpleUploadedFile("titre.pdf", PDF, content_type="application/pdf")
    response = client.post(step_1, {"owner": "yes", "proof": upload, "action": "next"})
    assert response.status_code == 302
    draft.refresh_from_db()
    document = Document.objects.get(case=draft, kind_code="proof")
    assert draft.form_data["proof"] == {"document": document.pk, "name": document.original_name}
    assert draft.form_data["owner"] is True
    # The group: one line, then "add a line" brings a second one.
    step_2 = reverse("portal:apply_step", args=[draft.pk, 2])
    page = client.get(step_2).content.decode()
    assert "Ligne 1" in page
    assert "Ligne 2" not in page
    client.post(
        step_2,
        {
            "children-0-given_name": "Léa",
            "children-0-birth_date": "2020-05-04",
            "action": "add_row",
        },
    )
    page = client.get(step_2).content.decode()
    assert "Ligne 2" in page
    assert 'value="Léa"' in page
    response = client.post(
        step_2,
        {
            "children-0-given_name": "Léa",
            "children-0-birth_date": "2020-05-04",
            "children-1-given_name": "",
            "children-1-birth_date": "demain",
            "action": "next",
        },
    )
    assert "ligne 2 : « Prénom » est obligatoire." in response.content.decode()
    response = client.post(
        step_2,
        {
            "children-0-given_name": "Léa",
            "children-0-birth_date": "2020-05-04",
            "children-1-given_name": "Noé",
            "children-1-birth_date": "2022-01-02",
            "action": "next",
        },
    )
    assert response.status_code == 302
    review = client.get(reverse("portal:apply_review", args=[draft.pk])).content.decode()
    assert "titre.pdf" in review
    assert "2. Prénom : Noé" in review
    response = client.post(reverse("portal:apply_review", args=[draft.pk]), follow=True)
    draft.refresh_from_db()
    assert draft.reference, [str(m) for m in response.context["messages"]]
    assert draft.form_data["children"][1] == {"given_name": "Noé", "birth_date": "2022-01-02"}
