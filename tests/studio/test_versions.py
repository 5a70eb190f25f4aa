"""Versions: a draft is written while the published version serves; publishing freezes
it; a case keeps the version it was filed under, for display and processing."""

import pytest
from django.urls import reverse

from parcours.cases import services as case_services
from parcours.cases.enums import CaseState
from parcours.catalog.models import FrozenVersion
from parcours.studio import services
from parcours.studio.content import version_content
from parcours.studio.diff import ADDED, CHANGED, REMOVED, version_diff
from parcours.studio.errors import StudioError
from parcours.studio.models import VersionContent
from tests.backoffice.conftest import verified
from tests.factories import CaseFactory

pytestmark = pytest.mark.sqlite

V1_FORM = {
    "fields": [
        {"name": "subject", "label": "Objet de la demande", "type": "text", "required": True},
        {
            "name": "school",
            "label": "École souhaitée",
            "type": "choice",
            "required": True,
            "choices": [
                {"value": "jaures", "label": "École Jean-Jaurès"},
                {"value": "curie", "label": "École Marie-Curie"},
            ],
        },
        {"name": "nickname", "label": "Surnom", "type": "text"},
    ]
}


def complete(version, **legal):
    """Make a draft publishable: the studio's content filled in."""
    content = version_content(version)
    content["public"].update(
        title="Inscription scolaire",
        summary="Inscrire un enfant à l'école.",
        description="Pour que votre enfant aille à l'école de la commune.",
        who_can_apply="Les parents.",
        theme="family",
    )
    content["legal"].update(
        legal_basis="Code de l'éducation, article L131-5",
        appeal_routes="Recours gracieux auprès du maire ; tribunal administratif.",
        **legal,
    )
    content["routing"]["default_unit"] = version.procedure.handling_unit.slug
    return services.draft_save(version=version, by=None, content=content)


@pytest.fixture
def procedure_v1(procedure):
    """The fixture procedure, re-published through the studio with V1_FORM as version 2
    (version 1 is the factory's): a case is then filed under it."""
    draft = services.draft_open(procedure=procedure, by=None)
    services.draft_save(version=draft, by=None, form_definition=V1_FORM)
    complete(draft)
    services.version_publish(version=draft, by=None)
    procedure.refresh_from_db()
    return procedure


def publish_v2(procedure):
    draft = services.draft_open(procedure=procedure, by=None)
    fields = [dict(f) for f in draft.form_definition["fields"] if f["name"] != "nickname"]
    fields[1]["label"] = "École demandée pour la rentrée"
    fields.append({"name": "allergies", "label": "Allergies", "type": "text", "required": True})
    services.draft_save(version=draft, by=None, form_definition={"fields": fields})
    return services.version_publish(version=draft, by=None)


def test_a_published_version_cannot_be_changed_or_deleted(procedure_v1):
    version = procedure_v1.current_version
    version.form_definition = {"fields": []}
    with pytest.raises(FrozenVersion):
        version.save()
    version.refresh_from_db()
    with pytest.raises(FrozenVersion):
        version.delete()
    content = VersionContent.objects.get(version=version)
    content.content = {}
    with pytest.raises(FrozenVersion):
        content.save()
    with pytest.raises(StudioError):
        services.draft_save(version=version, by=None, form_definition={"fields": []})


def test_the_draft_changes_nothing_of_the_published_version_until_published(procedure_v1):
    current = procedure_v1.current_version
    draft = services.draft_open(procedure=procedure_v1, by=None)
    assert draft.number == current.number + 1
    assert services.draft_open(procedure=procedure_v1, by=None) == draft
    services.draft_save(version=draft, by=None, form_definition={"fields": []})
    content = version_content(draft)
    content["public"]["title"] = "Un autre intitulé"
    services.draft_save(version=draft, by=None, content=content)
    procedure_v1.refresh_from_db()
    assert procedure_v1.current_version == current
    assert procedure_v1.title == "Inscription scolaire"
    assert current.form_definition == V1_FORM


def test_publishing_makes_the_draft_current_and_copies_its_public_page(procedure_v1):
    draft = services.draft_open(procedure=procedure_v1, by=None)
    content = version_content(draft)
    content["public"]["title"] = "Inscrire son enfant à l'école"
    content["commitments"] = [
        {
            "kind": "decision",
            "target": 10,
            "target_unit": "working_days",
            "wording": "Nous décidons sous 10 jours ouvrés.",
        }
    ]
    services.draft_save(version=draft, by=None, content=content)
    services.version_publish(version=draft, by=None)
    procedure_v1.refresh_from_db()
    assert procedure_v1.current_version == draft
    assert procedure_v1.title == "Inscrire son enfant à l'école"
    assert [c.wording for c in procedure_v1.commitments.all()] == [
        "Nous décidons sous 10 jours ouvrés."
    ]


def test_publication_is_refused_while_the_checklist_finds_something(procedure_v1):
    draft = services.draft_open(procedure=procedure_v1, by=None)
    content = version_content(draft)
    content["legal"]["legal_basis"] = ""
    services.draft_save(version=draft, by=None, content=content)
    with pytest.raises(StudioError) as refused:
        services.version_publish(version=draft, by=None)
    assert any("base légale" in m for m in refused.value.errors["__all__"])
    draft.refresh_from_db()
    assert draft.published_at is None


def test_the_differences_between_two_versions_name_fields_added_removed_and_changed(
    procedure_v1,
):
    v1 = procedure_v1.current_version
    v2 = publish_v2(procedure_v1)
    changes = {(c.section, c.kind, c.subject): c for c in version_diff(v1, v2)}
    assert ("form", ADDED, "Allergies") in changes
    assert ("form", REMOVED, "Surnom") in changes
    renamed = changes[("form", CHANGED, "École demandée pour la rentrée")]
    assert "libellé : « École souhaitée » → « École demandée pour la rentrée »" in renamed.details


def test_a_case_filed_under_version_1_is_shown_and_processed_with_it_after_version_2(
    procedure_v1, citizen_a, agent_1, client
):
    v1 = procedure_v1.current_version
    answers = {"subject": "Rentrée", "school": "curie", "nickname": "Lulu"}
    sent = CaseFactory(procedure=procedure_v1, person=citizen_a, form_data=dict(answers))
    assert sent.procedure_version == v1
    sent = case_services.case_submit(case=sent, by=citizen_a.user)
    # A draft started under version 1 and finished after version 2 is published.
    unfinished = CaseFactory(procedure=procedure_v1, person=citizen_a, form_data=dict(answers))

    v2 = publish_v2(procedure_v1)

    # The draft is checked against version 1: "allergies" is not asked, "nickname" kept.
    unfinished = case_services.case_submit(case=unfinished, by=citizen_a.user)
    assert unfinished.procedure_version == v1
    assert unfinished.form_data["nickname"] == "Lulu"
    # A new request takes version 2, where the new question is required.
    new = case_services.case_create_draft(
        person=citizen_a, procedure=procedure_v1, by=citizen_a.user
    )
    assert new.procedure_version == v2
    case_services.case_update_draft(
        case=new, by=citizen_a.user, form_data={"subject": "x", "school": "curie"}
    )
    with pytest.raises(case_services.CaseError) as refused:
        case_services.case_submit(case=new, by=citizen_a.user)
    assert "allergies" in refused.value.errors

    # The citizen's page shows version 1's questions and answers.
    client.force_login(citizen_a.user)
    page = client.get(reverse("portal:case", args=[sent.reference])).content.decode()
    assert "École souhaitée" in page
    assert "École Marie-Curie" in page
    assert "Surnom" in page
    assert "Lulu" in page
    assert "Allergies" not in page
    # So does the agent's, and the agent decides on it.
    verified(client, agent_1.user)
    page = client.get(reverse("backoffice:case", args=[sent.reference])).content.decode()
    assert "École souhaitée" in page
    assert "Lulu" in page
    case_services.case_start_review(case=sent, by=agent_1.user)
    decided = case_services.case_accept(case=sent, by=agent_1.user, reasons="Dossier complet.")
    assert decided.state == CaseState.ACCEPTED
    assert decided.procedure_version == v1


def test_publishing_offers_the_versions_messages_to_the_agents(procedure_v1):
    from parcours.contacts.models import MessageTemplate

    draft = services.draft_open(procedure=procedure_v1, by=None)
    content = version_content(draft)
    content["messages"] = {
        "accepted": {"subject": "Bonne nouvelle", "body": "Bonjour {prenom}, c'est accepté."}
    }
    services.draft_save(version=draft, by=None, content=content)
    services.version_publish(version=draft, by=None)
    template = MessageTemplate.objects.get(procedure=procedure_v1)
    assert template.title == "Demande acceptée — Inscription scolaire"
    assert template.body == "Bonjour {prenom}, c'est accepté."


def test_the_admin_says_a_published_version_cannot_be_changed(procedure_v1):
    from parcours.catalog.admin import ProcedureVersionForm

    version = procedure_v1.current_version
    form = ProcedureVersionForm(
        data={
            "number": version.number,
            "form_definition": '{"fields": []}',
            "required_documents": "[]",
            "published_at": version.published_at.strftime("%Y-%m-%d %H:%M:%S"),
        },
        instance=version,
    )
    assert not form.is_valid()
    assert "Cette version est publiée" in form.non_field_errors()[0]
