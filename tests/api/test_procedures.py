"""GET /api/v1/procedures and /api/v1/procedures/{slug}: the public catalogue."""

from http import HTTPStatus

import pytest
from django.utils import timezone

from parcours.catalog.models import ProcedureVersion
from tests.factories import OrganisationFactory, ProcedureFactory, UnitFactory

from .conftest import only_error

pytestmark = pytest.mark.sqlite

FORM = {
    "fields": [
        {"name": "child_name", "label": "Prénom de l'enfant", "type": "text", "required": True,
         "max_length": 100, "help": "Comme sur le livret de famille"},
        {"name": "canteen", "label": "Cantine", "type": "yes_no", "required": True},
        {"name": "days", "label": "Jours de cantine", "type": "multiple_choice",
         "choices": [{"value": "mon", "label": "Lundi"}, {"value": "tue", "label": "Mardi"}],
         "show_if": {"field": "canteen", "equals": True}},
        {"name": "siblings", "label": "Frères et sœurs", "type": "group", "max_items": 5,
         "fields": [{"name": "given_name", "label": "Prénom", "type": "text"}]},
    ]
}  # fmt: skip


@pytest.fixture
def school(unit_1):
    procedure = ProcedureFactory(
        handling_unit=unit_1,
        code="SCO",
        slug="inscription-scolaire",
        title="Inscription scolaire",
        description="Inscrire son enfant à l'école publique.",
        version=FORM,
    )
    version = procedure.versions.get()
    ProcedureVersion.objects.filter(pk=version.pk).update(
        required_documents=[
            {"code": "home", "label": "Justificatif de domicile", "valid_days": 90},
            {"code": "book", "label": "Livret de famille", "required": False},
        ]
    )
    unit_1.territory_postcodes = ["45000"]
    unit_1.save()
    return procedure


def test_anyone_lists_the_published_procedures_without_a_token(api, school, unit_2):
    ProcedureFactory(handling_unit=unit_2, title="Permis de stationnement")
    ProcedureFactory(handling_unit=unit_2, title="Brouillon", is_published=False)

    response = api(None).get("/procedures")

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert [p["title"] for p in body["results"]] == [
        "Inscription scolaire",
        "Permis de stationnement",
    ]
    assert body["count"] == 2
    assert body["next"] is None
    assert body["previous"] is None
    first = body["results"][0]
    assert first["slug"] == "inscription-scolaire"
    assert first["unit"]["slug"] == "education"
    assert first["organisation"]["slug"] == school.organisation.slug


@pytest.mark.parametrize(
    ("params", "titles"),
    [
        ({"unit": "education"}, ["Inscription scolaire"]),
        ({"unit": "voirie"}, ["Permis de stationnement"]),
        ({"postcode": "45000"}, ["Inscription scolaire"]),
        ({"q": "ecole"}, ["Inscription scolaire"]),
        ({"q": "STATIONNEMENT"}, ["Permis de stationnement"]),
        ({"organisation": "ailleurs"}, ["Carte de bus"]),
        ({"theme": "mobility"}, ["Carte de bus"]),
    ],
)
def test_the_catalogue_is_filtered(api, school, unit_2, params, titles):
    ProcedureFactory(handling_unit=unit_2, title="Permis de stationnement")
    elsewhere = UnitFactory(organisation=OrganisationFactory(slug="ailleurs"))
    ProcedureFactory(handling_unit=elsewhere, title="Carte de bus", theme="mobility")

    response = api(None).get("/procedures", params)

    assert response.status_code == HTTPStatus.OK
    assert [p["title"] for p in response.json()["results"]] == titles


def test_the_catalogue_is_paginated_with_links(api, unit_1):
    for number in range(5):
        ProcedureFactory(handling_unit=unit_1, title=f"Démarche {number}")

    client = api(None)
    first = client.get("/procedures", {"page_size": 2}).json()
    second = client.get("/procedures", {"page_size": 2, "page": 2}).json()

    assert first["count"] == 5
    assert first["pages"] == 3
    assert [p["title"] for p in first["results"]] == ["Démarche 0", "Démarche 1"]
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/procedures?page=2&page_size=2"
    assert [p["title"] for p in second["results"]] == ["Démarche 2", "Démarche 3"]
    assert second["previous"].endswith("page=1&page_size=2")


@pytest.mark.parametrize(
    ("params", "field", "status"),
    [
        ({"page_size": 101}, "page_size", HTTPStatus.UNPROCESSABLE_ENTITY),
        ({"page": 0}, "page", HTTPStatus.UNPROCESSABLE_ENTITY),
        ({"page": 9}, "page", HTTPStatus.NOT_FOUND),
        ({"theme": "nope"}, "theme", HTTPStatus.UNPROCESSABLE_ENTITY),
    ],
)
def test_bad_catalogue_parameters_are_named(api, school, params, field, status):
    response = api(None).get("/procedures", params)

    assert response.status_code == status
    assert only_error(response)["field"] == field


def test_anyone_reads_a_procedure_page_and_its_published_form(api, school):
    response = api(None).get("/procedures/inscription-scolaire")

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["description"] == "Inscrire son enfant à l'école publique."
    assert body["who_can_apply"] == school.who_can_apply
    assert body["legal_basis"] == school.legal_basis
    assert body["decision"]["implicit_decision"] == "acceptance"
    assert body["decision"]["delay_label"] == school.get_delay_display()
    version = body["version"]
    assert version["number"] == 1
    assert version["documents"] == [
        {"code": "home", "label": "Justificatif de domicile", "help": "", "required": True,
         "valid_days": 90},
        {"code": "book", "label": "Livret de famille", "help": "", "required": False,
         "valid_days": 365},
    ]  # fmt: skip
    fields = {f["name"]: f for f in version["form"]}
    assert list(fields) == ["child_name", "canteen", "days", "siblings"]
    assert fields["child_name"]["required"] is True
    assert fields["child_name"]["max_length"] == 100
    assert fields["days"]["show_if"] == {"field": "canteen", "equals": True}
    assert [c["value"] for c in fields["days"]["choices"]] == ["mon", "tue"]
    assert fields["siblings"]["fields"][0]["name"] == "given_name"
    assert fields["siblings"]["max_items"] == 5


def test_an_english_reader_gets_english_labels(api, school):
    response = api(None).get("/procedures/inscription-scolaire", headers={"Accept-Language": "en"})

    assert response.json()["decision"]["implicit_decision_label"] == "Implicit acceptance"


def test_a_draft_version_never_leaks(api, school):
    ProcedureVersion.objects.create(
        procedure=school,
        number=2,
        form_definition={"fields": [{"name": "secret", "label": "Brouillon", "type": "text"}]},
    )

    body = api(None).get("/procedures/inscription-scolaire").json()

    assert body["version"]["number"] == 1
    assert "secret" not in [f["name"] for f in body["version"]["form"]]


def test_a_later_published_version_is_the_one_given(api, school):
    ProcedureVersion.objects.create(
        procedure=school,
        number=2,
        form_definition={"fields": [{"name": "grade", "label": "Classe", "type": "text"}]},
        published_at=timezone.now(),
    )

    body = api(None).get("/procedures/inscription-scolaire").json()

    assert body["version"]["number"] == 2
    assert [f["name"] for f in body["version"]["form"]] == ["grade"]


def test_an_unpublished_procedure_is_a_404(api, unit_1):
    ProcedureFactory(handling_unit=unit_1, slug="en-preparation", is_published=False)

    response = api(None).get("/procedures/en-preparation")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert only_error(response)["code"] == "not_found"
    assert api(None).get("/procedures").json()["count"] == 0
