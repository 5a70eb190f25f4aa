"""Handling the requests of people about their data (correction, objection, erasure) in
the back-office, within the legal time limit (GDPR art. 12.3: one month from receipt,
extendable by two further months with the reason told to the person).

Who handles them: the data-protection handlers of an administration are its
**organisation administrators** (every request of the organisation) and its **unit
managers** (the requests of people who have a case, or whose request concerns a case, in
a unit they manage). Plain agents and helpers do not: answering a request changes or
erases a person's record beyond the cases a unit works on.

Each step (taken in charge, deadline extended, answered, refused) is a
``RightsRequestEvent`` the person reads in their space, and an email to them through the
outbox; the handler's reading of the person's data is written in the access journal.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from parcours.cases.enums import OPEN_STATES, CaseState
from parcours.cases.models import Case
from parcours.organisations import permissions
from parcours.organisations.enums import AgentRole
from parcours.organisations.models import Agent
from parcours.people import validity
from parcours.people.enums import DataOrigin, DisputeStatus, IdentityField
from parcours.people.models import IdentityDispute, Person

from .enums import (
    JournalAction,
    JournalPurpose,
    RefusalGround,
    RightsEventKind,
    RightsRequestKind,
    RightsRequestStatus,
)
from .errors import RightsError
from .journal import record_access
from .models import RetentionAction, RetentionRecord, RightsRequest, RightsRequestEvent
from .retention import add_months, anonymise_case, anonymise_person_if_done
from .rights import retention_of

# GDPR art. 12.3: the time limit may be extended by two further months, once.
EXTENSION_MONTHS = 2
TEXT_MAX_LENGTH = 3_000

# The fields of a person's record an agent may correct when accepting a correction. The
# identity fields (IdentityField) are then shown to the person as "verified by an agent"
# (parcours.people.provenance); the others are the person's own declarations.
CORRECTABLE_FIELDS = (
    "given_name",
    "family_name",
    "usual_name",
    "birth_date",
    "birth_place",
    "email",
    "phone",
    "street",
    "postcode",
    "city",
)


def correctable_choices() -> list[tuple[str, str]]:
    return [
        (name, str(Person._meta.get_field(name).verbose_name).capitalize())
        for name in CORRECTABLE_FIELDS
    ]


# --- Reads ------------------------------------------------------------------------------


def may_handle_rights(agent: Agent | None) -> bool:
    """Organisation administrators and unit managers handle requests about data."""
    return permissions.is_manager(agent)


def requests_for_handler(agent: Agent | None) -> QuerySet[RightsRequest]:
    """The requests an agent may see and answer: every request of their organisation for
    its administrator; for a unit manager, those of people with a case (not a draft) in
    a unit they manage, or about such a case. Nobody else's."""
    if not may_handle_rights(agent):
        return RightsRequest.objects.none()
    requests = RightsRequest.objects.filter(organisation_id=agent.organisation_id)
    if agent.role != AgentRole.ORGANISATION_ADMIN:
        units = permissions.managed_units(agent).values("pk")
        people = (
            Case.objects.filter(organisation_id=agent.organisation_id, unit__in=units)
            .exclude(state=CaseState.DRAFT)
            .values("person_id")
        )
        requests = requests.filter(Q(case__unit__in=units) | Q(person_id__in=people))
    return requests.select_related("person", "case", "handler")


@dataclasses.dataclass
class ErasurePlan:
    """What an erasure may remove, and what the law makes the administration keep."""

    drafts: list[Case]  # never sent: always emptied
    closed: list[dict]  # {"case", "retention"}: the handler chooses, seeing the retention
    in_progress: list[Case]  # still being handled: kept (GDPR art. 17.3.b)
    whole_record: bool  # the request is about the whole record, not one case


def erasure_plan(request: RightsRequest) -> ErasurePlan:
    cases = Case.objects.filter(person=request.person).select_related("procedure")
    if request.case_id:
        cases = cases.filter(pk=request.case_id)
    done = RetentionRecord.objects.filter(action=RetentionAction.CASE_ANONYMISED).values("case_id")
    cases = list(cases.exclude(pk__in=done).order_by("created_at", "pk"))
    return ErasurePlan(
        drafts=[case for case in cases if case.state == CaseState.DRAFT],
        closed=[
            {"case": case, "retention": retention_of(case)}
            for case in cases
            if case.state != CaseState.DRAFT and case.state not in OPEN_STATES
        ],
        in_progress=[case for case in cases if case.state in OPEN_STATES],
        whole_record=request.case_id is None,
    )


def record_handler_read(*, agent: Agent, rights_request: RightsRequest, http_request=None):
    """The handler opened the person's data to answer: written in the access journal."""
    return record_access(
        agent.user,
        rights_request.person,
        JournalAction.READ,
        case=rights_request.case,
        obj=rights_request,
        purpose=JournalPurpose.RIGHTS_REQUEST,
        request=http_request,
    )


# --- Writes -----------------------------------------------------------------------------


def _check(agent: Agent, request: RightsRequest, *, pending: bool = True) -> RightsRequest:
    locked = requests_for_handler(agent).select_for_update(of=("self",)).filter(pk=request.pk)
    locked = locked.first()
    if locked is None:
        raise RightsError(_("Cette demande ne relève pas de vous."))
    if pending and not locked.is_pending:
        raise RightsError(_("Cette demande a déjà reçu sa réponse."))
    return locked


def _text(value: str, *, field: str, missing: str) -> str:
    value = (value or "").strip()
    if not value:
        raise RightsError(missing, field=field)
    if len(value) > TEXT_MAX_LENGTH:
        raise RightsError(
            _("Soyez bref : %(max)s caractères au plus.") % {"max": TEXT_MAX_LENGTH},
            field=field,
        )
    return value


def _event(request: RightsRequest, kind: str, *, by, message: str = "", now=None):
    from .notifications import notify_rights_event

    name = ""
    if by is not None:
        agent = getattr(by, "agent", None)
        name = agent.display_name if agent is not None else (by.get_full_name() or by.email)
    event = RightsRequestEvent.objects.create(
        request=request,
        kind=kind,
        actor=by,
        actor_name=name,
        message=message,
        created_at=now or timezone.now(),
    )
    notify_rights_event(event, email=request.person.email)
    return event


def record_received(request: RightsRequest) -> RightsRequestEvent:
    """The first step, when the person files the request."""
    return _event(
        request,
        RightsEventKind.RECEIVED,
        by=None,
        message=_("Nous vous répondrons au plus tard le %(date)s.")
        % {"date": date_format(request.due_on, "j F Y")},
        now=request.created_at,
    )


def rights_request_take(*, request: RightsRequest, agent: Agent, now=None) -> RightsRequest:
    """The handler takes the request in charge: the person is told who examines it."""
    now = now or timezone.now()
    with transaction.atomic():
        request = _check(agent, request)
        if (
            request.handler_id == agent.user_id
            and request.status == RightsRequestStatus.IN_PROGRESS
        ):
            return request
        request.status = RightsRequestStatus.IN_PROGRESS
        request.handler = agent.user
        request.taken_at = now
        request.save(update_fields=["status", "handler", "taken_at"])
        _event(request, RightsEventKind.TAKEN, by=agent.user, now=now)
    return request


def rights_request_extend(
    *, request: RightsRequest, agent: Agent, reason: str, now=None
) -> RightsRequest:
    """Two more months to answer, once, with the reason told to the person (art. 12.3:
    the complexity or the number of requests), before the first month ends."""
    now = now or timezone.now()
    with transaction.atomic():
        request = _check(agent, request)
        if request.extended_at is not None:
            raise RightsError(_("Le délai de cette demande a déjà été prolongé une fois."))
        if request.due_on < timezone.localdate(now):
            raise RightsError(
                _(
                    "Le délai d'un mois est déjà dépassé : il ne peut plus être prolongé. "
                    "Répondez au plus vite."
                )
            )
        reason = _text(
            reason,
            field="reason",
            missing=_("Dites à la personne pourquoi il faut plus de temps."),
        )
        request.due_on = add_months(request.due_on, EXTENSION_MONTHS)
        request.extended_at = now
        request.extension_reason = reason
        if request.status == RightsRequestStatus.RECEIVED:
            request.status = RightsRequestStatus.IN_PROGRESS
            request.handler = agent.user
            request.taken_at = now
        request.save()
        _event(
            request,
            RightsEventKind.EXTENDED,
            by=agent.user,
            message=_("Nouvelle date de réponse : %(date)s. %(reason)s")
            % {"date": date_format(request.due_on, "j F Y"), "reason": reason},
            now=now,
        )
    return request


def _parse_value(field: str, value: str):
    value = (value or "").strip()
    if field == "birth_date":
        for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                return datetime.datetime.strptime(value, pattern).date()
            except ValueError:
                continue
        raise RightsError(
            _("Écrivez la date sous la forme jj/mm/aaaa, par exemple 14/07/1990."),
            field="value",
        )
    return value


def _apply_correction(request: RightsRequest, agent: Agent, field: str, value: str, now) -> str:
    """Write the corrected value on the person's record; returns a sentence for the answer."""
    if field not in CORRECTABLE_FIELDS:
        raise RightsError(_("Choisissez la donnée à corriger."), field="field")
    new = _parse_value(field, value)
    if new in ("", None) and field in ("given_name", "family_name"):
        raise RightsError(_("Indiquez la valeur exacte."), field="value")
    person = Person.objects.select_for_update().get(pk=request.person_id)
    old = getattr(person, field)
    setattr(person, field, new)
    # Checked by an agent: reused for the period set for its kind (people.validity).
    validity.mark(person, validity.kinds_of([field]), origin=DataOrigin.VERIFIED, at=now)
    try:
        person.full_clean()
    except ValidationError as error:
        messages = error.message_dict.get(field) or error.messages
        raise RightsError(" ".join(messages), field="value") from error
    person.save()
    label = str(Person._meta.get_field(field).verbose_name)
    if field in IdentityField.values:
        # An agent checked it: the person's page of held data says "verified by an agent".
        IdentityDispute.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            user=person.user,
            field=field,
            proposed_value=str(value).strip()[:200],
            explanation=_("Demande de rectification du %(date)s")
            % {"date": date_format(timezone.localtime(request.created_at), "j F Y")},
            status=DisputeStatus.RESOLVED,
        )
    record_access(
        agent.user,
        person,
        JournalAction.CHANGE,
        obj=request,
        purpose=JournalPurpose.RIGHTS_REQUEST,
        reason=label,
        now=now,
    )
    shown_old = old.strftime("%d/%m/%Y") if isinstance(old, datetime.date) else (old or "—")
    shown_new = new.strftime("%d/%m/%Y") if isinstance(new, datetime.date) else (new or "—")
    return _("%(label)s corrigé : « %(old)s » devient « %(new)s ».") % {
        "label": label.capitalize(),
        "old": shown_old,
        "new": shown_new,
    }


def _apply_erasure(
    request: RightsRequest, agent: Agent, erase_case_ids: set[int], now
) -> tuple[list[str], list[str]]:
    """Empty the drafts and the chosen closed cases; returns what was erased and what is
    kept, with why, in sentences for the answer."""
    plan = erasure_plan(request)
    erased, kept = [], []
    closed_ids = {item["case"].pk for item in plan.closed}
    unknown = set(erase_case_ids) - closed_ids
    if unknown:
        raise RightsError(_("Choisissez parmi les dossiers clos de la personne."), field="cases")
    for case in plan.drafts:
        anonymise_case(case, now=now, by=agent.user)
        erased.append(
            _("Le brouillon de « %(title)s » est vidé.") % {"title": case.procedure.title}
        )
    for item in plan.closed:
        case = item["case"]
        if case.pk in erase_case_ids:
            anonymise_case(case, now=now, by=agent.user)
            erased.append(
                _(
                    "Le dossier %(reference)s est anonymisé : vos réponses, pièces et échanges sont effacés."
                )
                % {"reference": case.reference}
            )
        else:
            until = item["retention"]["case_until"]
            kept.append(
                _(
                    "Le dossier %(reference)s est conservé jusqu'au %(date)s, durée de "
                    "conservation de la démarche « %(title)s »%(basis)s ; il sera ensuite "
                    "anonymisé."
                )
                % {
                    "reference": case.reference,
                    "date": date_format(timezone.localtime(until), "j F Y") if until else "—",
                    "title": case.procedure.title,
                    "basis": f" ({case.procedure.retention_basis})"
                    if case.procedure.retention_basis
                    else "",
                }
            )
    for case in plan.in_progress:
        kept.append(
            _(
                "Le dossier %(reference)s est en cours d'instruction : le service en a "
                "besoin pour répondre à votre demande (RGPD, art. 17.3.b)."
            )
            % {"reference": case.reference}
        )
    if plan.whole_record and not plan.in_progress:
        person = Person.objects.get(pk=request.person_id)
        if anonymise_person_if_done(person, now=now, by=agent.user):
            erased.append(_("Vos informations personnelles (identité, coordonnées) sont effacées."))
    if plan.whole_record and (kept or plan.in_progress):
        kept.append(
            _("Vos informations personnelles sont conservées tant qu'un dossier à votre nom l'est.")
        )
    return erased, kept


def rights_request_accept(
    *,
    request: RightsRequest,
    agent: Agent,
    answer: str,
    field: str = "",
    value: str = "",
    erase_case_ids=(),
    now=None,
) -> RightsRequest:
    """Satisfy the request and answer it.

    - correction: with ``field`` and ``value``, the value is written on the person's
      record (identity fields then show as verified by an agent);
    - erasure: drafts are emptied, the closed cases in ``erase_case_ids`` anonymised
      (parcours.privacy.retention), the record itself once nothing is left; the answer
      lists what is kept and why (cases in progress, legal retention);
    - objection: the answer says what stops.
    """
    now = now or timezone.now()
    with transaction.atomic():
        request = _check(agent, request)
        answer = _text(
            answer, field="answer", missing=_("Écrivez la réponse qui sera envoyée à la personne.")
        )
        parts = [answer]
        if request.kind == RightsRequestKind.CORRECTION and field:
            parts.append(_apply_correction(request, agent, field, value, now))
        elif request.kind == RightsRequestKind.CORRECTION and (value or "").strip():
            raise RightsError(_("Choisissez la donnée à corriger."), field="field")
        if request.kind == RightsRequestKind.ERASURE:
            erased, kept = _apply_erasure(request, agent, {int(pk) for pk in erase_case_ids}, now)
            if erased:
                parts.append(_("Ce qui est effacé :") + "\n- " + "\n- ".join(erased))
            if kept:
                parts.append(_("Ce que nous devons conserver :") + "\n- " + "\n- ".join(kept))
        request.status = RightsRequestStatus.DONE
        request.answer = "\n\n".join(parts)
        request.answered_at = now
        request.answered_by = agent.user
        if request.handler_id is None:
            request.handler, request.taken_at = agent.user, now
        request.save()
        _event(request, RightsEventKind.DONE, by=agent.user, message=request.answer, now=now)
    return request


def rights_request_refuse(
    *, request: RightsRequest, agent: Agent, ground: str, explanation: str, now=None
) -> RightsRequest:
    """Refuse, with a legal ground and the reasons in words (GDPR art. 12.4: the person
    is also told they may complain to the CNIL and go to court)."""
    now = now or timezone.now()
    with transaction.atomic():
        request = _check(agent, request)
        if ground not in RefusalGround.values:
            raise RightsError(_("Choisissez le motif légal du refus."), field="ground")
        explanation = _text(
            explanation,
            field="explanation",
            missing=_("Expliquez à la personne pourquoi sa demande est refusée."),
        )
        request.status = RightsRequestStatus.REFUSED
        request.refusal_ground = ground
        request.answer = "\n\n".join(
            [
                str(RefusalGround(ground).label) + ".",
                explanation,
                _(
                    "Vous pouvez adresser une réclamation à la CNIL (cnil.fr) ou saisir "
                    "le juge administratif."
                ),
            ]
        )
        request.answered_at = now
        request.answered_by = agent.user
        if request.handler_id is None:
            request.handler, request.taken_at = agent.user, now
        request.save()
        _event(request, RightsEventKind.REFUSED, by=agent.user, message=request.answer, now=now)
    return request
