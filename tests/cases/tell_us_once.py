"""A procedure that asks for what the administration already holds, and earlier requests
that gave it: shared by the "tell us once" tests of the services and of the pages."""

from django.core.files.uploadedfile import SimpleUploadedFile

from parcours.cases import services
from parcours.cases.models import Case, Document
from tests.factories import ProcedureFactory, rewrite_published_version

from .test_documents_service import PDF

FORM = {
    "fields": [
        {
            "name": "given_name",
            "label": "Prénom(s)",
            "type": "text",
            "required": True,
            "prefill": "given_name",
            "step": "Votre identité",
        },
        {
            "name": "family_name",
            "label": "Nom de naissance",
            "type": "text",
            "required": True,
            "prefill": "family_name",
            "step": "Votre identité",
        },
        {
            "name": "birth_date",
            "label": "Date de naissance",
            "type": "date",
            "required": True,
            "prefill": "birth_date",
            "step": "Votre identité",
        },
        {
            "name": "phone",
            "label": "Téléphone",
            "type": "phone",
            "prefill": "phone",
            "step": "Pour vous joindre",
        },
        {
            "name": "city",
            "label": "Commune",
            "type": "text",
            "prefill": "city",
            "step": "Pour vous joindre",
        },
        {
            "name": "reason",
            "label": "Motif de la demande",
            "type": "textarea",
            "required": True,
            "step": "Votre demande",
        },
    ]
}
PIECES = [
    {"code": "domicile", "label": "Justificatif de domicile", "required": True, "valid_days": 90},
    {"code": "identite", "label": "Pièce d'identité", "required": True},
]
ANSWERS = {
    "given_name": "Alice",
    "family_name": "Durand",
    "birth_date": "1986-04-12",
    "reason": "Je viens d'emménager.",
}


def procedure_asking_again(unit, **options):
    """A published procedure whose form takes the person's data and asks for pieces."""
    procedure = ProcedureFactory(handling_unit=unit, version=FORM, **options)
    version = procedure.current_version
    version.required_documents = PIECES
    rewrite_published_version(version)
    return procedure


def earlier_request(
    *,
    person,
    procedure,
    answers: dict | None = None,
    kind_code: str = "domicile",
    name: str = "facture.pdf",
) -> tuple[Case, Document]:
    """A request the person already sent, with one piece attached."""
    case = services.case_create_draft(
        person=person, procedure=procedure, by=person.user, form_data=answers or ANSWERS
    )
    document = services.document_add(
        case=case,
        by=person.user,
        upload=SimpleUploadedFile(name, PDF, content_type="application/pdf"),
        kind_code=kind_code,
    )
    case = services.case_submit(case=case, by=person.user)
    return case, Document.objects.select_related("case").get(pk=document.pk)
