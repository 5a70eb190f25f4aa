"""The studio's pages: only an organisation administrator, only for their own
organisation's procedures; building a procedure from the pages alone, without
JavaScript; the checklist blocking publication with links to fix each point."""

import json
from http import HTTPStatus

import pytest
from django.urls import reverse

from parcours.cases import services as case_services
from parcours.catalog.models import Procedure
from parcours.studio import services
from parcours.studio.content import version_content
from parcours.studio.selectors import draft_version
from tests.backoffice.conftest import assert_refused, verified
from tests.factories import CaseFactory

STUDIO_PAGES = [
    "studio_procedure",
    "studio_public",
    "studio_form",
    "studio_private",
    "studio_documents",
    "studio_routing",
    "studio_legal",
    "studio_commitments",
    "studio_messages",
    "studio_preview",
    "studio_export",
]


@pytest.fixture
def admin_client(client, org_admin):
    return verified(client, org_admin.user)


@pytest.fixture
def new_procedure(org_admin, unit_1):
    return services.procedure_create(
        organisation=unit_1.organisation,
        by=org_admin.user,
        title="Permis de végétaliser",
        code="VEG",
        handling_unit=unit_1,
    )


def url(name, procedure, *args):
    return reverse(f"backoffice:{name}", args=[procedure.pk, *args])


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", "sign_in"),
        ("unverified_agent_1", "code"),
        ("citizen_a", HTTPStatus.FORBIDDEN),
        ("helper", HTTPStatus.FORBIDDEN),
        ("agent_1", HTTPStatus.FORBIDDEN),
        ("manager", HTTPStatus.FORBIDDEN),
        ("other_org_admin", HTTPStatus.NOT_FOUND),
    ],
)
@pytest.mark.parametrize("page", STUDIO_PAGES)
def test_nobody_but_the_organisation_administrator_opens_the_studio(
    client, request, new_procedure, role, expected, page
):
    if role == "anonymous":
        pass
    elif role == "unverified_agent_1":
        client.force_login(request.getfixturevalue("agent_1").user)
    elif role == "citizen_a":
        client.force_login(request.getfixturevalue("citizen_a").user)
    else:
        verified(client, request.getfixturevalue(role).user)
    assert_refused(client.get(url(page, new_procedure)), expected)
    # Nor may they change anything.
    response = client.post(url("studio_publish", new_procedure))
    assert_refused(response, expected if expected != HTTPStatus.NOT_FOUND else HTTPStatus.NOT_FOUND)
    new_procedure.refresh_from_db()
    assert not new_procedure.is_published


@pytest.mark.parametrize("role", ["agent_1", "manager", "other_org_admin"])
def test_the_studio_list_shows_no_procedure_to_anyone_else(client, request, new_procedure, role):
    verified(client, request.getfixturevalue(role).user)
    response = client.get(reverse("backoffice:studio"))
    assert new_procedure.title not in response.content.decode()
    if role == "other_org_admin":
        response = client.post(
            reverse("backoffice:studio"),
            {"title": "X", "code": "XYZ", "handling_unit": new_procedure.handling_unit_id},
        )
        assert response.status_code == HTTPStatus.OK
        assert "Sélectionnez un choix valide" in response.content.decode()
        assert not Procedure.objects.filter(code="XYZ").exists()


def test_every_studio_page_answers_the_administrator(admin_client, new_procedure):
    for page in STUDIO_PAGES:
        assert admin_client.get(url(page, new_procedure)).status_code == HTTPStatus.OK, page


def test_an_administrator_builds_and_publishes_a_procedure_from_the_pages(
    admin_client, unit_1, unit_2, citizen_a
):
    response = admin_client.post(
        reverse("backoffice:studio"),
        {"title": "Permis de végétaliser", "code": "veg", "handling_unit": unit_1.pk},
    )
    procedure = Procedure.objects.get(code="VEG")
    assert response["Location"] == url("studio_procedure", procedure)
    assert not procedure.is_published

    # The public page keeps what was typed when something is missing.
    response = admin_client.post(
        url("studio_public", procedure),
        {"title": "Permis de végétaliser", "summary": "Fleurir un pied d'arbre."},
    )
    assert response.status_code == HTTPStatus.OK
    assert "Fleurir un pied d&#x27;arbre." in response.content.decode()
    admin_client.post(
        url("studio_public", procedure),
        {
            "title": "Permis de végétaliser",
            "summary": "Fleurir un pied d'arbre devant chez vous.",
            "description": "La ville vous autorise à planter des fleurs sur le trottoir.",
            "who_can_apply": "Les habitants de la commune.",
            "theme": "public_space",
        },
    )
    # Questions: a choice, a question shown on one answer, a file.
    for label, kind in [
        ("Où voulez-vous planter ?", "choice"),
        ("Précisez le lieu", "text"),
        ("Photo du lieu", "file"),
    ]:
        admin_client.post(
            url("studio_form", procedure), {"action": "add", "label": label, "type": kind}
        )
    draft = draft_version(procedure)
    names = [f["name"] for f in draft.form_definition["fields"]]
    assert names == ["ou_voulez_vous_planter", "precisez_le_lieu", "photo_du_lieu"]
    response = admin_client.post(
        url("studio_form_field", procedure, names[0]),
        {
            "label": "Où voulez-vous planter ?",
            "required": "on",
            "choices": "Devant chez moi\nautre = Ailleurs",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    # A wrong condition value is refused, politely, and the page keeps what was typed.
    response = admin_client.post(
        url("studio_form_field", procedure, names[1]),
        {
            "label": "Précisez le lieu",
            "required": "on",
            "show_if_field": names[0],
            "show_if_value": "Sur la lune",
        },
    )
    page = response.content.decode()
    assert "« Sur la lune » n&#x27;est pas un des choix" in page
    assert 'value="Sur la lune"' in page
    admin_client.post(
        url("studio_form_field", procedure, names[1]),
        {
            "label": "Précisez le lieu",
            "required": "on",
            "show_if_field": names[0],
            "show_if_value": "Ailleurs",
        },
    )
    admin_client.post(
        url("studio_form_field", procedure, names[2]), {"label": "Photo du lieu", "required": "on"}
    )
    draft.refresh_from_db()
    fields = draft.form_definition["fields"]
    assert fields[0]["choices"] == [
        {"value": "devant-chez-moi", "label": "Devant chez moi"},
        {"value": "autre", "label": "Ailleurs"},
    ]
    assert fields[1]["show_if"] == {"field": names[0], "equals": "autre"}
    # A question others depend on cannot be removed.
    response = admin_client.post(
        url("studio_form", procedure), {"action": "remove", "name": names[0]}, follow=True
    )
    assert "ne peut pas être retirée" in response.content.decode()
    # Move a question down and up again.
    admin_client.post(url("studio_form", procedure), {"action": "down", "name": names[1]})
    draft.refresh_from_db()
    assert [f["name"] for f in draft.form_definition["fields"]] == [names[0], names[2], names[1]]
    admin_client.post(url("studio_form", procedure), {"action": "up", "name": names[1]})
    # A document and a routing rule: "Ailleurs" goes to unit 2.
    admin_client.post(
        url("studio_documents", procedure),
        {
            "action": "add",
            "label": "Plan du trottoir",
            "code": "",
            "required": "on",
            "valid_days": "90",
        },
    )
    admin_client.post(
        url("studio_routing", procedure),
        {
            "action": "add",
            "kind": "answer",
            "unit": unit_2.slug,
            "field": names[0],
            "value": "Ailleurs",
        },
    )

    # The checklist blocks publication until the legal settings are written.
    response = admin_client.get(url("studio_procedure", procedure))
    page = response.content.decode()
    assert "Indiquez la base légale" in page
    assert f'href="{url("studio_legal", procedure)}"' in page
    response = admin_client.post(url("studio_publish", procedure), follow=True)
    assert "ne peut pas être publiée" in response.content.decode()
    procedure.refresh_from_db()
    assert not procedure.is_published
    admin_client.post(
        url("studio_legal", procedure),
        {
            "legal_basis": "Code général des collectivités territoriales, L2212-2",
            "implicit_decision": "rejection",
            "decision_delay": "2",
            "decision_delay_unit": "months",
            "can_be_rejected": "on",
            "appeal_routes": "Recours gracieux auprès du maire ; tribunal administratif d'Orléans.",
        },
    )
    response = admin_client.post(url("studio_publish", procedure), follow=True)
    assert "La version 1 est publiée" in response.content.decode()
    procedure.refresh_from_db()
    assert procedure.is_published
    assert procedure.implicit_decision == "rejection"

    # A citizen's request answering "Ailleurs" goes to unit 2.
    case = CaseFactory(
        procedure=procedure,
        person=citizen_a,
        form_data={
            names[0]: "autre",
            names[1]: "Place du marché",
            names[2]: {"document": 1, "name": "photo.jpg"},
        },
    )
    case = case_services.case_submit(case=case, by=citizen_a.user)
    assert case.unit == unit_2
    other = CaseFactory(
        procedure=procedure,
        person=citizen_a,
        form_data={names[0]: "devant-chez-moi", names[2]: {"document": 1, "name": "photo.jpg"}},
    )
    assert case_services.case_submit(case=other, by=citizen_a.user).unit == unit_1


def test_the_published_version_is_not_edited_a_new_draft_is_opened(admin_client, new_procedure):
    draft = draft_version(new_procedure)
    draft.published_at = "2026-11-01T10:00:00+01:00"
    draft.save()
    response = admin_client.get(url("studio_public", new_procedure), follow=True)
    assert "préparez d&#x27;abord une nouvelle version" in response.content.decode()
    admin_client.post(url("studio_draft_start", new_procedure))
    assert draft_version(new_procedure).number == 2


def test_the_preview_uses_the_portal_pages_and_saves_nothing(admin_client, new_procedure, unit_1):
    draft = draft_version(new_procedure)
    content = version_content(draft)
    content["public"].update(summary="Fleurir la rue.", description="Une description.")
    services.draft_save(
        version=draft,
        by=None,
        content=content,
        form_definition={
            "fields": [
                {
                    "name": "owner",
                    "label": "Êtes-vous propriétaire ?",
                    "type": "yes_no",
                    "required": True,
                },
                {
                    "name": "since",
                    "label": "Depuis quand ?",
                    "type": "date",
                    "required": True,
                    "show_if": {"field": "owner", "equals": True},
                },
            ]
        },
    )
    page = admin_client.get(url("studio_preview", new_procedure)).content.decode()
    assert "Fleurir la rue." in page
    assert "Rien n&#x27;est enregistré" in page
    step = url("studio_preview_step", new_procedure, 1)
    page = admin_client.get(step).content.decode()
    assert "Êtes-vous propriétaire ?" in page
    assert "Depuis quand ?" not in page
    response = admin_client.post(step, {"owner": "yes", "action": "next"})
    assert response["Location"] == step
    response = admin_client.post(step, {"owner": "yes", "since": "hier", "action": "next"})
    assert "saisissez une date valide" in response.content.decode()
    response = admin_client.post(
        step, {"owner": "yes", "since": "2020-01-02", "action": "next"}, follow=True
    )
    page = response.content.decode()
    assert "Fin de l'aperçu" in page
    assert "2 janvier 2020" in page
    assert unit_1.name in page
    new_procedure.refresh_from_db()
    assert not new_procedure.is_published
    assert new_procedure.summary == ""
    assert not new_procedure.cases.exists()


def test_the_readability_indicator_is_shown_next_to_each_public_text(admin_client, new_procedure):
    response = admin_client.post(
        url("studio_public", new_procedure),
        {
            "title": "Permis",
            "summary": "Les usagers doivent fournir les pièces justificatives afin de permettre l'instruction du dossier dans les meilleurs délais possibles conformément aux dispositions applicables.",
            "description": "Simple.",
            "who_can_apply": "Tout le monde.",
            "theme": "",
        },
    )
    page = response.content.decode()
    assert "Texte à simplifier." in page
    assert "« pièces justificatives » : écrivez plutôt « documents »." in page
    assert "coupez-les en deux" in page
    assert 'aria-describedby="id_summary-readability"' in page


def test_export_then_import_gives_the_same_procedure(admin_client, procedure_published, unit_1):
    source = procedure_published
    response = admin_client.get(url("studio_export", source))
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert data["format"] == "parcours.procedure"
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = admin_client.post(
        reverse("backoffice:studio_import"),
        {
            "file": SimpleUploadedFile("demarche.json", response.content),
            "code": "CPY",
            "handling_unit": unit_1.pk,
        },
    )
    copy = Procedure.objects.get(code="CPY")
    assert response["Location"] == url("studio_procedure", copy)
    again = json.loads(admin_client.get(url("studio_export", copy)).content)
    for key in (
        "public",
        "legal",
        "form",
        "documents",
        "private_fields",
        "routing",
        "commitments",
        "messages",
    ):
        assert again[key] == data[key], key
    assert not copy.is_published


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"not json", "n&#x27;est pas un fichier JSON lisible"),
        (json.dumps({"format": "other"}).encode(), "« format » doit valoir"),
        (
            json.dumps(
                {
                    "format": "parcours.procedure",
                    "format_version": 1,
                    "public": {},
                    "legal": {},
                    "form": {
                        "fields": [{"name": "a", "label": "A", "type": "choice", "choices": []}]
                    },
                }
            ).encode(),
            "une liste de choix avec",
        ),
    ],
)
def test_a_wrong_file_is_refused_with_clear_errors(admin_client, unit_1, raw, expected):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = admin_client.post(
        reverse("backoffice:studio_import"),
        {
            "file": SimpleUploadedFile("demarche.json", raw),
            "code": "CPY",
            "handling_unit": unit_1.pk,
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert expected in response.content.decode()
    assert not Procedure.objects.filter(code="CPY").exists()


@pytest.fixture
def procedure_published(procedure):
    from tests.studio.test_versions import V1_FORM, complete

    draft = services.draft_open(procedure=procedure, by=None)
    services.draft_save(
        version=draft,
        by=None,
        form_definition=V1_FORM,
        required_documents=[
            {
                "code": "domicile",
                "label": "Justificatif de domicile",
                "required": True,
                "valid_days": 90,
            }
        ],
    )
    complete(draft)
    content = version_content(draft)
    content["commitments"] = [
        {
            "kind": "decision",
            "target": 10,
            "target_unit": "working_days",
            "wording": "Sous 10 jours ouvrés.",
        }
    ]
    content["messages"] = {
        "accepted": {"subject": "Bonne nouvelle", "body": "Votre demande est acceptée."}
    }
    content["routing"]["rules"] = [
        {"unit": procedure.handling_unit.slug, "field": "school", "equals": "curie"}
    ]
    services.draft_save(version=draft, by=None, content=content)
    services.version_publish(version=draft, by=None)
    return procedure


def test_the_preview_takes_a_line_out_and_links_each_wrong_question_of_a_group(
    admin_client, new_procedure
):
    draft = draft_version(new_procedure)
    services.draft_save(
        version=draft,
        by=None,
        content=version_content(draft),
        form_definition={
            "fields": [
                {
                    "name": "children",
                    "label": "Enfants",
                    "type": "group",
                    "fields": [
                        {"name": "name", "label": "Prénom", "type": "text", "required": True},
                        {"name": "born", "label": "Né le", "type": "date"},
                    ],
                }
            ]
        },
    )
    step = url("studio_preview_step", new_procedure, 1)
    lines = {"children-0-name": "Léa", "children-1-name": "Tom", "children-2-name": "Zoé"}

    response = admin_client.post(step, {**lines, "action": "remove_row:children:1"})

    assert response["Location"] == step
    page = admin_client.get(step).content.decode()
    assert 'value="Léa"' in page
    assert 'value="Zoé"' in page
    assert 'value="Tom"' not in page
    # A wrong line: the summary leads to the wrong question of that line, as online.
    response = admin_client.post(
        step,
        {
            "children-0-name": "Léa",
            "children-1-name": "",
            "children-1-born": "hier",
            "action": "next",
        },
    )
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert (
        '<a href="#id_children-1-name">« Enfants », ligne 2 : « Prénom » est obligatoire.</a>'
        in (page.replace("&#x27;", "'").replace("&quot;", '"'))
    )
    assert '<a href="#id_children-1-born">« Enfants », ligne 2 : « Né le »' in page
    assert 'id="id_children-error"' not in page
    assert not new_procedure.cases.exists()
