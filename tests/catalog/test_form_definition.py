import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from parcours.catalog.form_definition import (
    clean_answers,
    display_answer,
    group_line_errors,
    validate_definition,
    visible_fields,
)

pytestmark = pytest.mark.sqlite

CHOICES = [{"value": "jaures", "label": "École Jean-Jaurès"}, {"value": "curie", "label": "Curie"}]


def field(name="answer", label="Réponse", type="text", **options):
    return {"name": name, "label": label, "type": type, **options}


def form(*fields):
    return {"fields": list(fields)}


def problems(definition) -> list[str]:
    with pytest.raises(ValidationError) as error:
        validate_definition(definition)
    return error.value.messages


# ---------------------------------------------------------------------------
# Definitions


def test_a_well_formed_definition_is_accepted():
    validate_definition(
        form(
            field("child_given_name", "Prénom de l'enfant", required=True, max_length=100),
            field("school", "École", "choice", choices=CHOICES),
            field("canteen", "Cantine", "boolean"),
            field(
                "canteen_days",
                "Jours",
                "multiple_choice",
                choices=CHOICES,
                show_if={"field": "canteen", "equals": True},
            ),
        )
    )


@pytest.mark.parametrize("definition", [None, [], {}, {"fields": {}}, "fields"])
def test_a_definition_must_hold_a_list_of_fields(definition):
    assert problems(definition) == [
        "La définition du formulaire doit contenir une liste « fields »."
    ]


@pytest.mark.parametrize("name", ["", "Name", "1st", "first-name", "prénom", "_x", "a" * 64, None])
def test_a_field_name_must_be_a_lowercase_identifier(name):
    (message,) = problems(form(field(name)))

    assert message.startswith("Champ n° 1 : le nom ")
    assert "doit commencer par une lettre minuscule" in message


def test_a_field_name_can_be_used_once():
    assert problems(form(field("email", "Courriel"), field("email", "Autre courriel"))) == [
        "Champ n° 2 : le nom « email » est déjà utilisé."
    ]


def test_a_field_must_be_an_object():
    assert problems(form("email")) == ["Champ n° 1 : doit être un objet."]


def test_a_field_needs_a_label():
    assert problems(form(field(label=""))) == [
        "Champ n° 1 « answer » : un libellé est obligatoire."
    ]


@pytest.mark.parametrize("kind", ["string", "", None, "Text"])
def test_an_unknown_type_is_refused_with_the_possible_types(kind):
    (message,) = problems(form(field(type=kind)))

    assert message.startswith(f"Champ n° 1 « answer » : type inconnu « {kind} »")
    assert "text, textarea, email" in message


@pytest.mark.parametrize("kind", ["choice", "multiple_choice"])
@pytest.mark.parametrize(
    "choices",
    [
        None,
        [],
        [{"label": "Sans valeur"}],
        [{"value": "", "label": "Valeur vide"}],
        [{"value": "a"}],
        ["a", "b"],
    ],
    ids=["none", "empty", "no_value", "empty_value", "no_label", "not_objects"],
)
def test_a_choice_field_needs_choices_with_values_and_labels(kind, choices):
    assert problems(form(field(type=kind, choices=choices))) == [
        "Champ n° 1 « answer » : une liste de choix avec « value » et « label » est obligatoire."
    ]


@pytest.mark.parametrize(
    "condition",
    [
        {"field": "later", "equals": True},  # a field placed after it
        {"field": "answer", "equals": True},  # itself
        {"field": "nowhere", "equals": True},
        {"field": "first"},  # no expected value
        {"field": ["first"], "equals": True},
        "first",
    ],
    ids=["forward", "itself", "unknown", "no_equals", "field_not_a_name", "not_an_object"],
)
def test_a_condition_must_point_back_to_an_earlier_field(condition):
    definition = form(
        field("first", "Premier", "boolean"),
        field("answer", show_if=condition),
        field("later", "Après", "boolean"),
    )

    assert problems(definition) == [
        "Champ n° 2 « answer » : la condition d'affichage doit viser un champ placé avant "
        "lui et indiquer la valeur attendue (« equals »)."
    ]


def test_every_problem_is_listed_at_once():
    assert len(problems(form(field("Bad"), field("ok", "", "unknown")))) == 3


# ---------------------------------------------------------------------------
# Answers


def errors_of(definition, answers) -> dict:
    with pytest.raises(ValidationError) as error:
        clean_answers(definition, answers)
    return error.value.message_dict


@pytest.mark.parametrize("empty", [None, "", [], False])
def test_a_required_field_must_be_answered(empty):
    definition = form(field("name", "Nom", required=True))

    assert errors_of(definition, {"name": empty}) == {"name": ["« Nom » est obligatoire."]}
    assert errors_of(definition, {}) == {"name": ["« Nom » est obligatoire."]}


def test_an_optional_field_left_empty_is_not_stored():
    assert clean_answers(form(field("name", "Nom")), {"name": ""}) == {}


def test_answers_must_be_an_object():
    with pytest.raises(ValidationError) as error:
        clean_answers(form(field()), ["réponse"])

    assert error.value.messages == ["Les réponses au formulaire doivent être un objet."]


def test_unknown_fields_are_refused_by_name():
    assert errors_of(form(field()), {"answer": "oui", "zzz": 1, "aaa": 2}) == {
        "__all__": ["Champs inconnus dans ce formulaire : aaa, zzz."]
    }


NORMALISED = [
    ("text", {}, "  Léa  ", "Léa"),
    ("text", {}, 42, "42"),
    ("textarea", {}, "Ligne 1\nLigne 2\n", "Ligne 1\nLigne 2"),
    ("address", {}, " 3 rue des Lilas ", "3 rue des Lilas"),
    ("email", {}, " Alice@Example.ORG ", "alice@example.org"),
    ("phone", {}, " 01 23 45 67 89 ", "01 23 45 67 89"),
    ("phone", {}, "+33 (0)1.23.45.67.89", "+33 (0)1.23.45.67.89"),
    ("date", {}, "2026-03-14", "2026-03-14"),
    ("integer", {}, " 3 ", 3),
    ("integer", {}, 3, 3),
    ("integer", {"min": 0, "max": 10}, "10", 10),
    ("decimal", {}, "1 250,50", "1250.50"),
    ("decimal", {}, 12.5, "12.5"),
    ("decimal", {"min": 0}, "0", "0"),
    ("boolean", {}, True, True),
    ("boolean", {}, "on", True),
    ("boolean", {}, "true", True),
    ("boolean", {}, "1", True),
    ("choice", {"choices": CHOICES}, "curie", "curie"),
    ("multiple_choice", {"choices": CHOICES}, ["curie", "jaures"], ["jaures", "curie"]),
    ("multiple_choice", {"choices": CHOICES}, "curie", ["curie"]),
    ("location", {}, {"lat": "47.9", "lng": 1.9}, {"lat": 47.9, "lng": 1.9}),
]


@pytest.mark.parametrize(
    ("kind", "options", "value", "expected"),
    NORMALISED,
    ids=[f"{kind}-{value!r}" for kind, _, value, _ in NORMALISED],
)
def test_each_type_is_normalised_for_storage(kind, options, value, expected):
    assert clean_answers(form(field(type=kind, **options)), {"answer": value}) == {
        "answer": expected
    }


WRONG = [
    ("text", {}, "x" * 201, "« Réponse » ne doit pas dépasser 200 caractères (201 saisis)."),
    (
        "text",
        {"max_length": 5},
        "abcdef",
        "« Réponse » ne doit pas dépasser 5 caractères (6 saisis).",
    ),
    (
        "textarea",
        {},
        "x" * 5001,
        "« Réponse » ne doit pas dépasser 5000 caractères (5001 saisis).",
    ),
    ("email", {}, "alice@", "« Réponse » : saisissez une adresse de la forme nom@domaine.fr."),
    (
        "phone",
        {},
        "appelez-moi",
        "« Réponse » : saisissez un numéro de téléphone, par exemple 01 23 45 67 89.",
    ),
    (
        "phone",
        {},
        "12",
        "« Réponse » : saisissez un numéro de téléphone, par exemple 01 23 45 67 89.",
    ),
    (
        "date",
        {},
        "14/03/2026",
        "« Réponse » : saisissez une date valide, par exemple 2026-03-14.",
    ),
    (
        "date",
        {},
        "2026-02-30",
        "« Réponse » : saisissez une date valide, par exemple 2026-03-14.",
    ),
    (
        "integer",
        {},
        "2,5",
        "« Réponse » : saisissez un nombre entier, sans lettres ni virgule.",
    ),
    (
        "integer",
        {},
        "trois",
        "« Réponse » : saisissez un nombre entier, sans lettres ni virgule.",
    ),
    ("integer", {"min": 1}, "0", "« Réponse » doit être au moins 1."),
    ("integer", {"max": 10}, "11", "« Réponse » doit être au plus 10."),
    ("decimal", {}, "douze", "« Réponse » : saisissez un nombre, par exemple 1250,50."),
    ("decimal", {}, "NaN", "« Réponse » : saisissez un nombre, par exemple 1250,50."),
    ("decimal", {"min": 0}, "nan", "« Réponse » : saisissez un nombre, par exemple 1250,50."),
    (
        "decimal",
        {"max": 10},
        "Infinity",
        "« Réponse » : saisissez un nombre, par exemple 1250,50.",
    ),
    ("decimal", {"min": 0}, "-0,01", "« Réponse » doit être au moins 0."),
    ("boolean", {}, "peut-être", "« Réponse » : cochez ou décochez la case."),
    (
        "choice",
        {"choices": CHOICES},
        "ferry",
        "« Réponse » : choisissez une des options proposées.",
    ),
    (
        "multiple_choice",
        {"choices": CHOICES},
        ["curie", "ferry"],
        "« Réponse » : choisissez parmi les options proposées.",
    ),
    (
        "location",
        {},
        "47.9, 1.9",
        "« Réponse » : indiquez une position (latitude et longitude).",
    ),
    (
        "location",
        {},
        {"lat": 47.9},
        "« Réponse » : indiquez une position (latitude et longitude).",
    ),
    (
        "location",
        {},
        {"lat": 91, "lng": 0},
        "« Réponse » : cette position n'existe pas sur la carte.",
    ),
]


@pytest.mark.parametrize(
    ("kind", "options", "value", "message"),
    WRONG,
    ids=[f"{kind}-{value!r}"[:40] for kind, _, value, _ in WRONG],
)
def test_each_type_explains_a_wrong_answer_in_french(kind, options, value, message):
    assert errors_of(form(field(type=kind, **options)), {"answer": value}) == {"answer": [message]}


def test_errors_of_every_field_are_given_together():
    definition = form(field("email", "Courriel", "email"), field("age", "Âge", "integer"))

    assert set(errors_of(definition, {"email": "x", "age": "y"})) == {"email", "age"}


# ---------------------------------------------------------------------------
# Conditional fields

CANTEEN = form(
    field("canteen", "Cantine", "boolean"),
    field(
        "days",
        "Jours de cantine",
        "multiple_choice",
        required=True,
        choices=CHOICES,
        show_if={"field": "canteen", "equals": True},
    ),
    field("diet", "Régime", "text", required=True, show_if={"field": "days", "equals": ["curie"]}),
)


@pytest.mark.parametrize("unticked", [{}, {"canteen": False}, {"canteen": None}])
def test_a_hidden_field_is_neither_required_nor_kept(unticked):
    answers = {**unticked, "days": ["nonsense"], "diet": "x" * 500}

    assert clean_answers(CANTEEN, answers) == {}


@pytest.mark.parametrize("ticked", [True, "on", "true", "1"])
def test_a_shown_field_is_validated_whatever_way_the_box_was_ticked(ticked):
    assert errors_of(CANTEEN, {"canteen": ticked}) == {
        "days": ["« Jours de cantine » est obligatoire."]
    }


def test_a_field_shown_by_a_shown_field_is_validated_too():
    assert errors_of(CANTEEN, {"canteen": "on", "days": ["curie"]}) == {
        "diet": ["« Régime » est obligatoire."]
    }
    assert clean_answers(CANTEEN, {"canteen": "on", "days": "curie", "diet": " Sans porc "}) == {
        "canteen": True,
        "days": ["curie"],
        "diet": "Sans porc",
    }


def test_a_condition_on_an_unticked_box_shows_its_field():
    definition = form(
        field("has_email", "J'ai un courriel", "boolean"),
        field(
            "post_address", "Adresse", "address", show_if={"field": "has_email", "equals": False}
        ),
    )

    assert [f["name"] for f in visible_fields(definition, {})] == ["has_email", "post_address"]
    assert [f["name"] for f in visible_fields(definition, {"has_email": "on"})] == ["has_email"]


def test_a_condition_on_a_number_compares_the_number_not_the_text():
    definition = form(
        field("children", "Enfants", "integer"),
        field("twins", "Jumeaux ?", "boolean", show_if={"field": "children", "equals": 2}),
    )

    assert [f["name"] for f in visible_fields(definition, {"children": " 2"})] == [
        "children",
        "twins",
    ]


# ---------------------------------------------------------------------------
# Repeatable groups


CHILDREN = field(
    "children",
    "Enfants",
    "group",
    min_items=1,
    max_items=2,
    fields=[field("name", "Prénom", required=True), field("age", "Âge", "integer")],
)


def test_blank_lines_of_a_group_are_dropped_and_the_others_kept_in_order():
    rows = [{"name": "", "age": ""}, {"name": "Léa", "age": "7"}, {"name": "Tom", "age": ""}]

    assert clean_answers(form(CHILDREN), {"children": rows}) == {
        "children": [{"name": "Léa", "age": 7}, {"name": "Tom"}]
    }


def test_a_group_numbers_its_wrong_lines_as_they_were_given_blank_ones_included():
    rows = [{"name": "", "age": ""}, {"name": "", "age": "sept"}]

    assert errors_of(form(CHILDREN), {"children": rows}) == {
        "children": [
            "« Enfants », ligne 2 : « Prénom » est obligatoire.",
            "« Enfants », ligne 2 : « Âge » : saisissez un nombre entier, sans lettres ni virgule.",
        ]
    }
    assert group_line_errors(CHILDREN, rows) == {
        1: {
            "name": ["« Prénom » est obligatoire."],
            "age": ["« Âge » : saisissez un nombre entier, sans lettres ni virgule."],
        }
    }


def test_a_group_counts_only_the_lines_given_against_its_bounds():
    blank = {"name": "", "age": ""}
    three = [{"name": "A"}, blank, {"name": "B"}, {"name": "C"}]

    assert clean_answers(form(CHILDREN), {"children": [blank, blank]}) == {}
    assert errors_of(form(CHILDREN), {"children": three}) == {
        "children": ["« Enfants » : 2 ligne(s) au plus."]
    }
    assert clean_answers(form(CHILDREN), {"children": [blank, {"name": "A"}, {"name": "B"}]}) == {
        "children": [{"name": "A"}, {"name": "B"}]
    }


@pytest.mark.parametrize(
    ("language", "kind", "stored", "shown"),
    [
        ("fr", "decimal", "2216.20", "2\xa0216,20"),
        ("en", "decimal", "2216.20", "2,216.20"),
        ("fr", "decimal", "1250", "1\xa0250"),
        ("fr", "integer", 12000, "12\xa0000"),
        ("fr", "integer", 0, "0"),
        ("en", "integer", 3, "3"),
    ],
)
def test_numbers_are_shown_in_the_readers_language(language, kind, stored, shown):
    with translation.override(language):
        assert display_answer(field(type=kind), stored) == shown
