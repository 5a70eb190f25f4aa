"""Reads on cases, with access rules built in."""

import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from parcours.organisations.enums import AgentRole
from parcours.organisations.models import Agent

from .decision_letters import LETTER_RELATED
from .enums import CaseState, Transition
from .models import Case, CaseEvent, Decision, Document


def cases_of_citizen(user) -> QuerySet[Case]:
    """The cases a signed-in person filed, drafts included, newest first."""
    return Case.objects.owned_by(user).with_list_data().order_by("-created_at")


def case_for_reference(user, reference: str) -> QuerySet[Case]:
    """A submitted case by its reference, among the user's own (the citizens' portal)."""
    return (
        Case.objects.owned_by(user)
        .exclude(state=CaseState.DRAFT)
        .filter(reference=reference)
        .with_list_data()
        .select_related("unit__organisation")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=CaseEvent.objects.filter(visible_to_citizen=True).select_related("actor"),
                to_attr="citizen_events",
            ),
            "decisions",
        )
    )


def own_case_for_reference(user, reference: str) -> QuerySet[Case]:
    """A submitted case by its reference, only if the user is the person who filed it.

    Agents act on their units' cases in the back-office: the citizen's actions
    (withdraw, answer) are for the person only.
    """
    return (
        Case.objects.owned_by(user)
        .exclude(state=CaseState.DRAFT)
        .filter(reference=reference)
        .with_list_data()
        .select_related("unit__organisation")
    )


def last_information_request(case: Case) -> CaseEvent | None:
    """The agent's latest request for missing pieces or information on a case."""
    return (
        CaseEvent.objects.filter(case=case, transition=Transition.REQUEST_INFORMATION)
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )


def with_senders(case: Case, documents, *, viewer_id: int | None) -> list[Document]:
    """The documents, each with ``sent_by`` as the viewer reads it: "you", "person"
    (the person whose case it is), "helper" (someone else on their side: a helper under
    mandate) or "service" (an agent of the administration, or registered by the service
    from a letter or an email)."""
    documents = list(documents)
    others = {d.uploaded_by_id for d in documents} - {case.person.user_id, viewer_id, None}
    agents = (
        set(
            Agent.objects.filter(organisation_id=case.organisation_id, user_id__in=others)
            .exclude(role=AgentRole.HELPER)
            .values_list("user_id", flat=True)
        )
        if others
        else set()
    )
    for document in documents:
        uploader = document.uploaded_by_id
        if uploader is not None and uploader == viewer_id:
            document.sent_by = "you"
        elif uploader is not None and uploader == case.person.user_id:
            document.sent_by = "person"
        elif uploader is None or uploader in agents:
            document.sent_by = "service"
        else:
            document.sent_by = "helper"
    return documents


def documents_of_case(case: Case) -> QuerySet[Document]:
    """The files attached to a case, oldest first. The caller has checked access to it."""
    return (
        Document.objects.filter(case=case)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "pk")
    )


def reusable_documents(
    *, case: Case, user, now: datetime.datetime | None = None
) -> QuerySet[Document]:
    """Documents the user already gave for another of their requests, of a kind this
    case asks for and still valid (the procedure's ``valid_days``, a year by default):
    offered for reuse, only with the person's consent ("tell us once").

    Only ever the user's own, and only for their own case: from any administration
    where their account has a record. Copies are not offered again, nor documents
    already reused in this case; newest first.
    """
    if not getattr(user, "is_authenticated", False) or case.person.user_id != user.pk:
        return Document.objects.none()
    now = now or timezone.now()
    still_valid = Q()
    for code, days in case.procedure_version.reuse_validity().items():
        if days > 0:
            still_valid |= Q(kind_code=code, uploaded_at__gte=now - datetime.timedelta(days=days))
    if not still_valid:
        return Document.objects.none()
    reused = Document.objects.filter(case=case, source__isnull=False).values("source_id")
    return (
        Document.objects.filter(still_valid, case__person__user=user, source__isnull=True)
        .exclude(case=case)
        .exclude(case__state=CaseState.DRAFT)
        .exclude(pk__in=reused)
        .select_related("case__organisation")
        .order_by("-uploaded_at", "-pk")
    )


def document_for_reference(user, reference: str, pk: int) -> QuerySet[Document]:
    """A document of a submitted case, only among the user's own cases."""
    return Document.objects.filter(
        pk=pk,
        case__in=Case.objects.owned_by(user).exclude(state=CaseState.DRAFT),
        case__reference=reference,
    )


def own_decision_for_reference(user, reference: str, pk: int) -> QuerySet[Decision]:
    """A decision on a case, only if the user is the person who filed the case; with
    what its letter needs."""
    return Decision.objects.filter(
        pk=pk,
        case__in=Case.objects.owned_by(user),
        case__reference=reference,
    ).select_related(*LETTER_RELATED)
