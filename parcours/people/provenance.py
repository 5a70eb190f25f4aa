"""Tell us once: what the administrations hold about a person, where each piece came
from and until when it counts; and the person taking back their consent to a
transfer (CRPA L113-12, L114-8: the person is told which data came from where).

Origins shown: certified by the identity provider (FranceConnect), declared by the
person (profile, answers), verified by an agent (a dispute of a certified identity an
agent resolved), obtained from another administration (a document copied with the
person's consent). Documents count until their validity for their kind (the
procedure's ``valid_days``, a year by default) ends; the other data until the end
``people.validity`` gives them; after that, they are asked again.
"""

import dataclasses
import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import validity
from .enums import FIELD_KIND, DataOrigin, DisputeStatus
from .models import DataSharingConsent, Person
from .services import IDENTITY_FIELDS

CERTIFIED = gettext_lazy("Certifiée par FranceConnect")
DECLARED = gettext_lazy("Déclarée par vous")
VERIFIED = gettext_lazy("Vérifiée par un agent")
OBTAINED = gettext_lazy("Obtenue d'une autre administration, avec votre accord")
OBTAINED_DATUM = gettext_lazy("Obtenue d'une autre administration")

SHOWN_FIELDS = (
    "given_name",
    "family_name",
    "usual_name",
    "birth_date",
    "birth_place",
    "email",
    "phone",
    "postal_address",
)


@dataclasses.dataclass
class HeldValue:
    label: str
    value: str
    origin: str
    since: datetime.datetime | None = None
    validity: str = ""  # until when it counts, in words (``people.validity``)
    expired: bool = False


@dataclasses.dataclass
class HeldDocument:
    label: str
    name: str
    case_reference: str
    organisation: str
    given_on: datetime.date
    valid_until: datetime.date | None
    origin: str

    @property
    def is_valid(self) -> bool:
        return self.valid_until is None or self.valid_until >= timezone.localdate()


@dataclasses.dataclass
class HeldRecord:
    person: Person
    values: list[HeldValue]


def _label(field: str) -> str:
    if field == "postal_address":
        return str(_("Adresse"))
    return str(Person._meta.get_field(field).verbose_name).capitalize()


def _display(person: Person, field: str) -> str:
    value = getattr(person, field)
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value or "").split())


def held_records(user) -> list[HeldRecord]:
    """Each administration's record of the person, field by field, with its origin."""
    people = list(
        Person.objects.filter(user=user).select_related("organisation").order_by("organisation")
    )
    verified = set(
        Person.objects.filter(
            user=user,
            identity_disputes__status=DisputeStatus.RESOLVED,
        ).values_list("pk", "identity_disputes__field")
    )
    records = []
    for person in people:
        values = []
        for field in SHOWN_FIELDS:
            shown = _display(person, field)
            if not shown:
                continue
            held = validity.validity_of(person, FIELD_KIND[field])
            if (person.pk, field) in verified or held.origin == DataOrigin.VERIFIED:
                origin = VERIFIED
            elif person.identity_certified and field in IDENTITY_FIELDS:
                origin = CERTIFIED
            elif held.origin == DataOrigin.OBTAINED:
                origin = OBTAINED_DATUM
            else:
                origin = DECLARED
            values.append(
                HeldValue(
                    label=_label(field),
                    value=shown,
                    origin=str(origin),
                    since=held.recorded_at,
                    validity=validity.validity_text(held),
                    expired=not held.is_valid(),
                )
            )
        records.append(HeldRecord(person=person, values=values))
    return records


def held_documents(user, today: datetime.date | None = None) -> list[HeldDocument]:
    """The documents the person gave or had transferred, newest first, each with the
    date until which it may be reused for another request."""
    from parcours.cases.enums import CaseState
    from parcours.cases.models import Document

    documents = (
        Document.objects.filter(case__person__user=user)
        .exclude(case__state=CaseState.DRAFT)
        .select_related(
            "case__organisation", "case__procedure_version", "source__case__organisation"
        )
        .order_by("-uploaded_at", "-pk")[:200]
    )
    held = []
    for document in documents:
        version = document.case.procedure_version
        pieces = {
            piece.get("code"): piece.get("label")
            for piece in version.required_documents or []
            if isinstance(piece, dict)
        }
        days = version.reuse_validity().get(document.kind_code) if document.kind_code else None
        given_on = timezone.localtime(document.uploaded_at).date()
        held.append(
            HeldDocument(
                label=pieces.get(document.kind_code) or _("Autre pièce"),
                name=document.original_name,
                case_reference=document.case.reference or "",
                organisation=document.case.organisation.name,
                given_on=given_on,
                valid_until=given_on + datetime.timedelta(days=days) if days else None,
                origin=str(OBTAINED) if document.source_id else str(DECLARED),
            )
        )
    return held


def consents_of(user):
    return (
        DataSharingConsent.objects.filter(person__user=user)
        .select_related("organisation", "source_case", "target_case", "document")
        .order_by("-given_at", "-pk")
    )


def consent_withdraw(*, consent: DataSharingConsent, by) -> DataSharingConsent:
    """The person takes back their consent to a transfer, at once. A copy in a request
    not sent yet is removed from it; in a request already sent, the handling service is
    told in the case's history (it must no longer use it, and asks again if needed)."""
    from parcours.cases.enums import CaseState, EventKind
    from parcours.cases.models import CaseEvent, Document

    if by is None or consent.person.user_id != by.pk:
        raise PermissionDenied
    with transaction.atomic():
        consent = DataSharingConsent.objects.select_for_update().get(pk=consent.pk)
        if consent.withdrawn_at is not None:
            return consent
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        case = consent.target_case
        copy = Document.objects.filter(pk=consent.document_id).first()
        if copy is not None and case.state == CaseState.DRAFT:
            storage, name = copy.file.storage, copy.file.name
            copy.delete()
            transaction.on_commit(lambda: storage.delete(name))
        elif case.state != CaseState.DRAFT:
            CaseEvent.objects.create(
                organisation_id=case.organisation_id,
                case=case,
                kind=EventKind.NOTE,
                actor=by,
                reason=_(
                    "La personne a retiré son accord à la transmission de : %(what)s. "
                    "Ne l'utilisez plus ; redemandez la pièce si elle est nécessaire."
                )
                % {"what": consent.what},
                visible_to_citizen=False,
                data={"consent_id": consent.pk, "withdrawn": True},
            )
    return consent
