"""Writes on cases: one entry point per transition of the life cycle.

Each function runs in one transaction, locks the case row, checks the transition
against ``lifecycle.RULES`` and who is acting, records a CaseEvent, and queues the
citizen's notification for after the commit. Nothing else changes ``Case.state``.
"""

import datetime
import hashlib
import logging
import os

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.catalog import form_definition
from parcours.catalog.enums import FieldType, ImplicitDecision
from parcours.catalog.models import Procedure, ProcedureVersion
from parcours.organisations.enums import AgentRole
from parcours.organisations.selectors import agent_for
from parcours.people.models import DataSharingConsent, Person
from parcours.studio import routing as studio_routing

from . import clock, holding, prefill
from .enums import (
    CORRECTABLE_STATES,
    OPEN_STATES,
    CaseChannel,
    CaseState,
    DecisionOutcome,
    EventKind,
    Transition,
)
from .errors import CaseError, NotAllowed
from .lifecycle import Actor, TransitionRule, rule_for
from .models import (
    SITUATION_LABEL,
    Case,
    CaseCorrection,
    CaseEvent,
    Decision,
    Document,
    Receipt,
    ReferenceCounter,
)

REASON_MAX_LENGTH = 10_000

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------------------
# Drafts


def case_create_draft(
    *,
    person: Person,
    procedure: Procedure,
    by,
    channel: str = CaseChannel.ONLINE,
    form_data: dict | None = None,
    situation: str = "",
    version: ProcedureVersion | None = None,
) -> Case:
    """Start a request for a person. The draft is saved as is; it is checked on submission.
    ``version`` is the procedure's current version when the caller has just read it (it is
    read here otherwise)."""
    if not procedure.is_published:
        raise CaseError(_("Cette démarche n'est pas ouverte aux demandes."), field="procedure")
    if person.organisation_id != procedure.organisation_id:
        raise CaseError(
            _("Cet usager relève d'une autre administration que cette démarche."),
            field="person",
        )
    if channel not in CaseChannel.values:
        raise CaseError(
            _("Canal de dépôt inconnu : %(channel)s.") % {"channel": channel}, field="channel"
        )
    if version is None:
        version = procedure.current_version
    elif version.procedure_id != procedure.pk or version.published_at is None:
        raise CaseError(_("Cette version n'est pas celle de la démarche publiée."), field="version")
    if version is None:
        raise CaseError(_("Cette démarche n'a pas encore de formulaire publié."), field="procedure")
    _ensure_citizen_side(person=person, by=by)
    # Tell us once: what the administration already holds fills the form in.
    form_data = form_data or {}
    form_data, prefilled = prefill.merge(
        definition=version.form_definition,
        offered=prefill.offers(person=person, definition=version.form_definition),
        answers=form_data,
        records={},
        given=form_data,
        fill_missing=True,
    )
    return Case.objects.create(
        organisation_id=procedure.organisation_id,
        procedure=procedure,
        procedure_version=version,
        person=person,
        unit=procedure.handling_unit,
        channel=channel,
        form_data=form_data,
        prefilled=prefilled,
        situation=situation,
        created_by=by,
    )


def case_update_draft(*, case: Case, by, form_data: dict, situation: str | None = None) -> Case:
    """Save what the person typed so far, even incomplete."""
    with transaction.atomic():
        case = _lock(case)
        if case.state != CaseState.DRAFT:
            raise CaseError(_("Ce dossier est déjà envoyé : il ne peut plus être modifié ainsi."))
        _ensure_citizen_side(person=case.person, by=by)
        if not isinstance(form_data, dict):
            raise CaseError(
                _("Les réponses au formulaire doivent être un objet."), field="form_data"
            )
        # A certified identity cannot be changed here; an answer changed loses its origin.
        definition = case.procedure_version.form_definition
        case.form_data, case.prefilled = prefill.merge(
            definition=definition,
            offered=prefill.offers(
                person=case.person, definition=definition, exclude_case_id=case.pk
            ),
            answers={**case.form_data, **form_data},
            records=case.prefilled,
            given=form_data,
        )
        if situation is not None:
            case.situation = situation
        case.save(update_fields=["form_data", "prefilled", "situation", "updated_at"])
    return case


# ---------------------------------------------------------------------------
# Transitions


def case_submit(
    *, case: Case, by, now: datetime.datetime | None = None, fresh: bool = False
) -> Case:
    """Send the request: check the answers, give it a reference, start the legal clock
    and issue the receipt (CRPA L112-3).

    ``fresh``: the caller created this draft in the transaction it is still in (a
    report filed in one request), so no other transaction can see it, let alone change
    it: it is not read again under lock."""
    now = now or timezone.now()
    if fresh:
        _ensure_fresh(case)
    # A fresh draft's caller undoes the whole of its transaction on a refusal: no savepoint.
    with transaction.atomic(savepoint=not fresh):
        case = case if fresh else _lock(case)
        rule = _check(case, Transition.SUBMIT, by=by)
        definition = case.procedure_version.form_definition
        try:
            case.form_data = form_definition.clean_answers(definition, case.form_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                field, errors = None, error.message_dict
            else:  # the answers are not even an object
                field, errors = "form_data", {"form_data": error.messages}
            raise CaseError(
                _("Le formulaire n'est pas complet : corrigez les champs signalés."),
                field=field,
                errors=errors,
            ) from None
        # The person's data given again in this request count as confirmed from now.
        prefill.confirm_held(case=case, definition=definition, now=now)
        if case.procedure.is_geolocated:
            _place_from_answers(case, definition)
        if (
            case.procedure.is_geolocated
            and (case.latitude is None or case.longitude is None)
            and not _place_in_words(case, definition)
        ):
            raise CaseError(_("Indiquez l'endroit concerné sur la carte."), field="location")
        # The unit the rules of the version give for these answers (docs/procedures.md).
        routed = studio_routing.unit_for_case(case)
        if routed is not None:
            case.unit = routed
        procedure = case.procedure
        received_on = timezone.localdate(now)
        case.submitted_at = now
        case.received_on = received_on
        case.implicit_decision = procedure.implicit_decision
        case.decision_due_on = (
            None
            if procedure.implicit_decision == ImplicitDecision.NONE
            else clock.decision_due_on(
                received_on,
                delay=procedure.decision_delay,
                unit=procedure.decision_delay_unit,
                subdivision=case.unit.holiday_subdivision,
            )
        )
        receipt = issue_receipt(case, now=now)
        _after_commit_render_receipt(receipt)
        # Last, since it holds the procedure's counter until the commit: concurrent
        # submissions of the same procedure wait for each other only from here.
        case.reference = next_reference(
            organisation_id=case.organisation_id, prefix=procedure.code, year=received_on.year
        )
        _apply(case, rule, by=by)
    return case


def case_start_review(*, case: Case, by) -> Case:
    with transaction.atomic():
        case = _lock(case)
        rule = _check(case, Transition.START_REVIEW, by=by)
        _apply(case, rule, by=by)
    return case


def case_request_information(
    *, case: Case, by, reason: str, due_on: datetime.date, today: datetime.date | None = None
) -> Case:
    """Ask the citizen for missing pieces or information by a date (CRPA L114-5).

    The legal clock is suspended until the review resumes, except for the grant of a
    right, where a missing piece does not stop the review (L114-5-1).
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        case = _lock(case)
        rule = _check(case, Transition.REQUEST_INFORMATION, by=by, reason=reason)
        if not isinstance(due_on, datetime.date) or isinstance(due_on, datetime.datetime):
            raise CaseError(_("Indiquez une date limite de réponse."), field="due_on")
        if due_on <= today:
            raise CaseError(
                _("La date limite de réponse doit être postérieure à aujourd'hui."), field="due_on"
            )
        case.citizen_due_on = clock.citizen_deadline(due_on, case.unit.holiday_subdivision)
        suspends = not case.procedure.grants_a_right and case.decision_due_on is not None
        if suspends:
            case.clock_suspended_on = today
        _apply(
            case,
            rule,
            by=by,
            reason=reason,
            data={"due_on": case.citizen_due_on.isoformat(), "clock_suspended": suspends},
        )
    return case


def case_resume_review(
    *, case: Case, by, reason: str = "", today: datetime.date | None = None
) -> Case:
    """The citizen answered (or the agent resumes): the clock starts again where it stopped."""
    today = today or timezone.localdate()
    with transaction.atomic():
        case = _lock(case)
        rule = _check(case, Transition.RESUME_REVIEW, by=by, reason=reason)
        data = {}
        if case.clock_suspended_on is not None:
            case.decision_due_on, days = clock.resumed_due_on(
                case.decision_due_on, suspended_on=case.clock_suspended_on, resumed_on=today
            )
            case.suspended_days += days
            case.clock_suspended_on = None
            data = {"suspended_days": days, "decision_due_on": case.decision_due_on.isoformat()}
        case.citizen_due_on = None
        _apply(case, rule, by=by, reason=reason, data=data)
    return case


def case_accept(*, case: Case, by, reasons: str = "", today: datetime.date | None = None) -> Case:
    return _decide(
        case, Transition.ACCEPT, DecisionOutcome.ACCEPTED, by=by, reasons=reasons, today=today
    )


def case_reject(*, case: Case, by, reasons: str, today: datetime.date | None = None) -> Case:
    """Refuse the request. Reasons are mandatory for an unfavourable decision (CRPA L211-2)."""
    return _decide(
        case, Transition.REJECT, DecisionOutcome.REJECTED, by=by, reasons=reasons, today=today
    )


def case_close_without_action(
    *, case: Case, by, reason: str, today: datetime.date | None = None
) -> Case:
    return _decide(
        case,
        Transition.CLOSE_WITHOUT_ACTION,
        DecisionOutcome.CLOSED_WITHOUT_ACTION,
        by=by,
        reasons=reason,
        today=today,
    )


def case_withdraw(*, case: Case, by, reason: str = "") -> Case:
    """The citizen withdraws their request; possible at any time before a decision."""
    with transaction.atomic():
        case = _lock(case)
        rule = _check(case, Transition.WITHDRAW, by=by, reason=reason)
        case.clock_suspended_on = None
        case.citizen_due_on = None
        _apply(case, rule, by=by, reason=reason)
    return case


def case_apply_implicit_decision(*, case: Case, today: datetime.date | None = None) -> Case:
    """Record the decision born of silence once its date has passed (CRPA L231-1, L231-4)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        case = _lock(case)
        # A draft has no rule of its own yet: it takes its procedure's on submission.
        rule_of_silence = case.implicit_decision or case.procedure.implicit_decision
        if rule_of_silence == ImplicitDecision.ACCEPTANCE:
            transition, outcome = Transition.IMPLICIT_ACCEPTANCE, DecisionOutcome.ACCEPTED
        elif rule_of_silence == ImplicitDecision.REJECTION:
            transition, outcome = Transition.IMPLICIT_REJECTION, DecisionOutcome.REJECTED
        else:
            raise CaseError(_("Cette démarche ne donne pas lieu à une décision implicite."))
        rule = _check(case, transition, by=None)
        if not clock.is_implicit_decision_due(case.decision_due_on, today):
            raise CaseError(
                _("Le délai de décision court jusqu'au %(date)s inclus.")
                % {"date": case.decision_due_on.strftime("%d/%m/%Y")}
            )
        born_on = case.decision_due_on
        decision = Decision.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            outcome=outcome,
            is_implicit=True,
            decided_on=born_on,
            appeal_deadline=clock.appeal_deadline(born_on, case.unit.holiday_subdivision),
        )
        case.decided_at = timezone.now()
        _apply(case, rule, by=None, data={"born_on": born_on.isoformat()})
        _after_commit_render_decision_letter(decision)
    return case


def case_reopen(*, case: Case, by, reason: str, today: datetime.date | None = None) -> Case:
    """Reopen a decided case on appeal. Silence on an administrative appeal is a rejection
    (CRPA L231-4), so the new clock ends in an implicit rejection."""
    today = today or timezone.localdate()
    with transaction.atomic():
        case = _lock(case)
        rule = _check(case, Transition.REOPEN, by=by, reason=reason)
        case.is_appeal = True
        case.decided_at = None
        case.implicit_decision = ImplicitDecision.REJECTION
        case.decision_due_on = clock.decision_due_on(
            today, delay=clock.APPEAL_DELAY_MONTHS, unit="months"
        )
        case.clock_suspended_on = None
        _apply(
            case,
            rule,
            by=by,
            reason=reason,
            data={"decision_due_on": case.decision_due_on.isoformat()},
        )
    return case


def apply_due_implicit_decisions(*, today: datetime.date | None = None, limit: int = 500) -> int:
    """Apply every implicit decision that is due. Idempotent: safe to run again or in parallel.

    Returns how many decisions were recorded.
    """
    today = today or timezone.localdate()
    applied = 0
    due = (
        Case.objects.filter(
            state__in=[CaseState.SUBMITTED, CaseState.IN_REVIEW],
            implicit_decision__in=[ImplicitDecision.ACCEPTANCE, ImplicitDecision.REJECTION],
            decision_due_on__lt=today,
        )
        .order_by("decision_due_on", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in list(due):
        try:
            with transaction.atomic():
                # Another worker may hold this case: skip it, it will be done there.
                case = Case.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
                if case is None or case.state not in (CaseState.SUBMITTED, CaseState.IN_REVIEW):
                    continue
                case_apply_implicit_decision(case=case, today=today)
                applied += 1
        except CaseError:
            # One inconsistent case must not hold back everyone else's decision.
            logger.exception("Implicit decision not recorded for case %s", pk)
    return applied


# ---------------------------------------------------------------------------
# Corrections: the right to make a mistake (CRPA L123-1, L123-2)

EXPLANATION_MAX_LENGTH = 2_000
SITUATION_MAX_LENGTH = 5_000
NOTHING_TO_CORRECT = gettext_lazy(
    "Vous n'avez modifié aucune réponse : il n'y a rien à corriger. Changez la ou les "
    "réponses erronées, puis recommencez."
)


def _certified_answers(case: Case) -> dict:
    certified = {}
    for name, record in (case.prefilled or {}).items():
        origin = prefill.Origin.from_record(record)
        if origin is not None and origin.certified and name in case.form_data:
            certified[name] = case.form_data[name]
    return certified


def correction_changes(
    *, case: Case, form_data: dict, situation: str | None = None
) -> tuple[dict, list[dict]]:
    """Check corrected answers against the case's own form, with the rules of the
    submission (conditional fields included), and list what they change.

    Returns the answers as they will be stored and the changes, in form order, each
    ``{"field", "label", "before", "after"}``. Raises CaseError with the errors by field.
    """
    definition = case.procedure_version.form_definition or {"fields": []}
    if not isinstance(form_data, dict):
        raise CaseError(_("Les réponses au formulaire doivent être un objet."), field="form_data")
    # An answer taken from the certified identity is not corrected here: the person
    # disputes it from their profile, and an agent checks it.
    form_data = {**form_data, **_certified_answers(case)}
    try:
        cleaned = form_definition.clean_answers(definition, form_data)
    except ValidationError as error:
        errors = (
            error.message_dict if hasattr(error, "error_dict") else {"form_data": error.messages}
        )
        raise CaseError(
            _("Certaines réponses sont à revoir : corrigez les champs signalés."),
            errors=errors,
        ) from None
    fields = definition.get("fields", [])
    known = {field["name"] for field in fields}
    # Answers the form no longer asks for are not ours to drop: they stay as they were.
    cleaned = {
        **{name: value for name, value in case.form_data.items() if name not in known},
        **cleaned,
    }
    changes = [
        {
            "field": field["name"],
            "label": field["label"],
            "before": case.form_data.get(field["name"]),
            "after": cleaned.get(field["name"]),
        }
        for field in fields
        if case.form_data.get(field["name"]) != cleaned.get(field["name"])
    ]
    if situation is not None:
        situation = _clean_situation(situation)
        if situation != case.situation:
            changes.append(
                {
                    "field": CaseCorrection.SITUATION,
                    "label": str(SITUATION_LABEL),
                    "before": case.situation,
                    "after": situation,
                }
            )
    return cleaned, changes


def case_correct(
    *, case: Case, by, form_data: dict, explanation: str, situation: str | None = None
) -> CaseCorrection:
    """Correct answers of a case already sent, while the service has not decided.

    The correction keeps every previous answer it replaces and the person's explanation;
    the case takes the new answers. It is not a new request: the state and the legal
    clock stay as they are. The person gets a confirmation of what changed, and the
    handling service is told.
    """
    with transaction.atomic():
        case = _lock(case)
        _ensure_citizen_side(person=case.person, by=by)
        if case.state not in CORRECTABLE_STATES:
            raise CaseError(not_correctable_message(case))
        errors = {}
        try:
            cleaned, changes = correction_changes(
                case=case, form_data=form_data, situation=situation
            )
        except CaseError as error:
            if not error.errors:
                raise
            errors = dict(error.errors)
        try:
            explanation = _clean_explanation(explanation)
        except CaseError as error:
            errors.update(error.errors)
        if errors:
            message = (
                _("Certaines réponses sont à revoir : corrigez les champs signalés.")
                if set(errors) - {"explanation"}
                else errors["explanation"][0]
            )
            raise CaseError(message, errors=errors)
        if not changes:
            raise CaseError(str(NOTHING_TO_CORRECT))
        case.form_data = cleaned
        # A corrected answer is the person's own now: it is no longer "repris de …".
        changed = {change["field"] for change in changes}
        case.prefilled = {
            name: record for name, record in (case.prefilled or {}).items() if name not in changed
        }
        if situation is not None:
            case.situation = _clean_situation(situation)
        if case.procedure.is_geolocated:
            _place_from_answers(case, case.procedure_version.form_definition or {})
        case.save(
            update_fields=[
                "form_data",
                "prefilled",
                "situation",
                "latitude",
                "longitude",
                "updated_at",
            ]
        )
        correction = CaseCorrection.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            by=by,
            explanation=explanation,
            changes=changes,
        )
        CaseEvent.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            kind=EventKind.CORRECTED,
            actor=by,
            reason=explanation,
            visible_to_citizen=True,
            data={
                "correction_id": correction.pk,
                "fields": [change["field"] for change in changes],
            },
        )
        from parcours.notifications.services import notify_case_corrected

        notify_case_corrected(correction)
    return correction


def not_correctable_message(case: Case) -> str:
    """Why the answers of this case may no longer be corrected, for the person."""
    if case.state == CaseState.WITHDRAWN:
        return _("Vous avez retiré cette demande : elle ne peut plus être corrigée.")
    if case.state == CaseState.DRAFT:
        return _("Cette demande n'est pas encore envoyée : modifiez simplement vos réponses.")
    return _(
        "Une décision a été prise sur ce dossier : ses réponses ne peuvent plus être "
        "corrigées. Si vous n'êtes pas d'accord avec la décision, vous pouvez la contester, "
        "comme indiqué sur la page du dossier."
    )


def _clean_explanation(explanation) -> str:
    explanation = explanation.strip() if isinstance(explanation, str) else ""
    if not explanation:
        raise CaseError(
            _("Expliquez en quelques mots l'erreur que vous corrigez."), field="explanation"
        )
    if len(explanation) > EXPLANATION_MAX_LENGTH:
        raise CaseError(
            _(
                "Votre explication compte %(count)s caractères : raccourcissez-la à "
                "%(limit)s caractères au plus."
            )
            % {"count": len(explanation), "limit": EXPLANATION_MAX_LENGTH},
            field="explanation",
        )
    return explanation


def _clean_situation(situation) -> str:
    if not isinstance(situation, str):
        raise CaseError(_("Votre situation doit être un texte."), field="situation")
    situation = situation.strip()
    if len(situation) > SITUATION_MAX_LENGTH:
        raise CaseError(
            _(
                "Ce que vous dites de votre situation compte %(count)s caractères : "
                "raccourcissez-le à %(limit)s caractères au plus."
            )
            % {"count": len(situation), "limit": SITUATION_MAX_LENGTH},
            field="situation",
        )
    return situation


# ---------------------------------------------------------------------------
# Documents

# The types a document may have, read from its first bytes, never from its name.
DOCUMENT_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
DOCUMENT_STATES = [CaseState.DRAFT, *OPEN_STATES]
MEBIBYTE = 1024 * 1024


def document_add(*, case: Case, by, upload, kind_code: str = "") -> Document:
    """Attach a file to a case, for the person (or an agent acting for them), while the
    case is being prepared or examined. The type is read from the content; the file is
    stored privately and the case's history records it once the case is sent."""
    with transaction.atomic():
        case = _lock(case)
        _ensure_citizen_side(person=case.person, by=by)
        if case.state not in DOCUMENT_STATES:
            raise CaseError(
                _("Ce dossier est clos : vous ne pouvez plus y joindre de pièce."), field="file"
            )
        kind_code = kind_code or ""
        codes = {
            document.get("code")
            for document in case.procedure_version.required_documents or []
            if isinstance(document, dict)
        } | form_definition.file_field_names(case.procedure_version.form_definition)
        if kind_code and kind_code not in codes:
            raise CaseError(_("Cette pièce n'est pas demandée pour cette démarche."), field="file")
        if upload is None:
            raise CaseError(_("Choisissez le fichier à joindre."), field="file")
        name = _clean_file_name(getattr(upload, "name", "") or "")
        size = upload.size
        if not size:
            raise CaseError(
                _("Ce fichier est vide : %(name)s. Choisissez un autre fichier.") % {"name": name},
                field="file",
            )
        limit = settings.PARCOURS_UPLOAD_MAX_BYTES
        if size > limit:
            raise CaseError(
                _(
                    "Ce fichier dépasse %(limit)s : %(name)s. Réduisez-le ou scannez-le moins finement."
                )
                % {"limit": size_label(limit), "name": name},
                field="file",
            )
        upload.seek(0)
        guessed = filetype.guess(upload.read(2048))
        content_type = guessed.mime if guessed else ""
        if content_type not in DOCUMENT_TYPES:
            raise CaseError(
                _(
                    "Ce fichier n'est pas un PDF, un JPEG ou un PNG : %(name)s. "
                    "Enregistrez-le ou photographiez-le dans l'un de ces formats."
                )
                % {"name": name},
                field="file",
            )
        upload.seek(0)
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        document = Document(
            organisation_id=case.organisation_id,
            case=case,
            kind_code=kind_code,
            original_name=name,
            content_type=content_type,
            size=size,
            sha256=digest.hexdigest(),
            uploaded_by=by,
        )
        document.file.save(f"{name}.{DOCUMENT_TYPES[content_type]}", upload, save=False)
        stored = document.file.name
        try:
            document.save()
            if case.state != CaseState.DRAFT:
                CaseEvent.objects.create(
                    organisation_id=case.organisation_id,
                    case=case,
                    kind=EventKind.DOCUMENT_ADDED,
                    actor=by,
                    visible_to_citizen=True,
                    data={"document_id": document.pk, "name": name, "kind_code": kind_code},
                )
        except BaseException:
            document.file.storage.delete(stored)
            raise
        # Should an outer transaction roll back later, the file stays without its row:
        # the row is the only way to it, so it is never served.
    return document


def document_remove(*, document: Document, by) -> None:
    """Take a file back from a draft. Once the case is sent, its pieces stay on file."""
    with transaction.atomic():
        case = _lock(document.case)
        _ensure_citizen_side(person=case.person, by=by)
        if case.state != CaseState.DRAFT:
            raise CaseError(
                _("Votre demande est envoyée : ses pièces ne peuvent plus être retirées."),
                field="file",
            )
        document = Document.objects.select_for_update().filter(pk=document.pk, case=case).first()
        if document is None:
            return
        storage, name = document.file.storage, document.file.name
        # A document reused with the person's consent: taking it back withdraws it.
        DataSharingConsent.objects.filter(document=document, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now()
        )
        document.delete()
        transaction.on_commit(lambda: storage.delete(name))


def document_reuse(*, case: Case, source: Document, by) -> Document:
    """Reuse for this request a document the person already gave for another one
    ("tell us once", CRPA L114-8), because they agreed to it.

    Only the person themself consents, and only to their own documents still valid
    (``selectors.reusable_documents``): anything else is refused. The file is copied
    into this case's private storage and the copy keeps its source; the consent (what,
    from which request, to which administration, for which request, when) is recorded,
    and the case's history says so. A second click gives the copy already made.
    """
    from .selectors import reusable_documents

    with transaction.atomic():
        case = _lock(case)
        if not getattr(by, "is_authenticated", False) or case.person.user_id != by.pk:
            raise NotAllowed(
                _("Seule la personne concernée peut accepter de réutiliser un document.")
            )
        if case.state not in DOCUMENT_STATES:
            raise CaseError(
                _("Ce dossier est clos : vous ne pouvez plus y joindre de pièce."), field="file"
            )
        copy = Document.objects.filter(case=case, source_id=source.pk).first()
        if copy is not None:
            return copy
        source = (
            reusable_documents(case=case, user=by)
            .select_related("case__organisation")
            .filter(pk=source.pk)
            .first()
        )
        if source is None:
            raise CaseError(
                _(
                    "Ce document ne peut pas être réutilisé pour cette demande : joignez le fichier."
                ),
                field="file",
            )
        document = Document(
            organisation_id=case.organisation_id,
            case=case,
            kind_code=source.kind_code,
            original_name=source.original_name,
            content_type=source.content_type,
            size=source.size,
            sha256=source.sha256,
            uploaded_by=by,
            source=source,
        )
        extension = DOCUMENT_TYPES.get(source.content_type, "bin")
        try:
            with source.file.open("rb") as content:
                document.file.save(f"{source.original_name}.{extension}", content, save=False)
        except OSError:
            logger.warning("Document %s cannot be read to be reused", source.pk)
            raise CaseError(
                _("Ce document n'est plus disponible : joignez le fichier."), field="file"
            ) from None
        stored = document.file.name
        try:
            document.save()
            labels = {
                piece.get("code"): piece.get("label")
                for piece in case.procedure_version.required_documents or []
                if isinstance(piece, dict)
            }
            label = labels.get(source.kind_code) or source.kind_code
            consent = DataSharingConsent.objects.create(
                organisation_id=case.organisation_id,
                person=case.person,
                user=by,
                what=(
                    _("Pièce « %(label)s » : %(name)s")
                    % {"label": label, "name": source.original_name}
                )[:300],
                source_case=source.case,
                target_case=case,
                document=document,
            )
            CaseEvent.objects.create(
                organisation_id=case.organisation_id,
                case=case,
                kind=EventKind.DOCUMENT_ADDED,
                actor=by,
                reason=_(
                    "« %(label)s » (%(name)s) : pièce déjà fournie le %(date)s pour le dossier "
                    "n° %(reference)s, reprise avec l'accord de la personne."
                )
                % {
                    "label": label,
                    "name": source.original_name,
                    "date": date_format(timezone.localtime(source.uploaded_at), "j F Y"),
                    "reference": source.case.reference,
                },
                visible_to_citizen=True,
                data={
                    "document_id": document.pk,
                    "name": document.original_name,
                    "kind_code": document.kind_code,
                    "source_document_id": source.pk,
                    "source_case_id": source.case_id,
                    "consent_id": consent.pk,
                },
            )
        except BaseException:
            document.file.storage.delete(stored)
            raise
    return document


def _clean_file_name(name: str) -> str:
    """The name the person gave their file, without folders or control characters."""
    name = os.path.basename(name.replace("\\", "/"))
    name = "".join(char for char in name if char.isprintable()).strip()
    return name[:255] or _("fichier sans nom")


def size_label(size: int) -> str:
    """A size limit as people say it: "10 Mo" rather than "10,0 Mio"."""
    if size % MEBIBYTE == 0:
        return _("%(count)s Mo") % {"count": size // MEBIBYTE}
    return str(filesizeformat(size))


# ---------------------------------------------------------------------------
# Receipt and references


def issue_receipt(case: Case, *, now: datetime.datetime) -> Receipt:
    """Freeze the mentions of the receipt (CRPA R112-5) as they are today."""
    unit, organisation = case.unit, case.unit.organisation
    referent = case.referent
    return Receipt.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        issued_at=now,
        received_on=case.received_on,
        decision_due_on=case.decision_due_on,
        implicit_decision=case.implicit_decision,
        procedure_title=case.procedure.title,
        person_name=case.person.full_name,
        service_name=f"{unit.name} — {organisation.name}",
        service_address=unit.postal_address,
        service_email=unit.email,
        service_phone=unit.phone,
        referent_name=referent.display_name if referent else "",
        referent_title=referent.title if referent else "",
        appeal_court=organisation.administrative_court,
        appeal_court_address=organisation.administrative_court_address,
        legal_basis=case.procedure.legal_basis,
    )


def next_reference(*, organisation_id: int, prefix: str, year: int) -> str:
    """The next case reference, such as 2026-SCO-000123. Safe under concurrency: one
    statement creates the counter or moves it on and returns the number, holding the
    counter's row until the caller's transaction ends (references have no gaps), so
    callers take it as late as they can."""
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (organisation_id, year, prefix, last_value) "  # noqa: S608
            "VALUES (%s, %s, %s, 1) "
            "ON CONFLICT (organisation_id, year, prefix) "
            f"DO UPDATE SET last_value = {table}.last_value + 1 "
            "RETURNING last_value",
            [organisation_id, year, prefix],
        )
        (number,) = cursor.fetchone()
    return format_reference(year=year, prefix=prefix, number=number)


def format_reference(*, year: int, prefix: str, number: int) -> str:
    return f"{year}-{prefix}-{number:06d}"


# ---------------------------------------------------------------------------
# Internals


def _place_from_answers(case: Case, definition: dict) -> None:
    """A geolocated report takes its place from the form's first location answer."""
    for field in definition.get("fields", []):
        point = case.form_data.get(field["name"]) if field.get("type") == "location" else None
        if point:
            case.latitude, case.longitude = point["lat"], point["lng"]
            return


def _place_in_words(case: Case, definition: dict) -> bool:
    """A report without a position may say where in words: an answer to an address
    field (someone who cannot use the map, or an Open311 ``address_string``)."""
    return any(
        field.get("type") == FieldType.ADDRESS
        and str(case.form_data.get(field["name"]) or "").strip()
        for field in definition.get("fields", [])
    )


def _lock(case: Case) -> Case:
    if case.pk is None:
        raise CaseError(_("Ce dossier n'est pas enregistré."))
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("unit__organisation", "person", "referent__user")
        .get(pk=case.pk)
        .with_cached_procedure()
    )


def _ensure_fresh(case: Case) -> None:
    """A draft, saved, and the caller inside a transaction (checked before the
    submission opens its own)."""
    connection = transaction.get_connection()
    if case.pk is None or case.state != CaseState.DRAFT or not connection.in_atomic_block:
        raise CaseError(_("Ce dossier n'est pas un brouillon créé dans cette transaction."))


def _check(case: Case, transition: Transition, *, by, reason: str = "") -> TransitionRule:
    rule = rule_for(transition, case.state)
    _ensure_actor(case, rule.actor, by)
    if not isinstance(reason, str):
        raise CaseError(_("Le motif doit être un texte."), field="reason")
    if rule.reason_required and not reason.strip():
        raise CaseError(_("Un motif est obligatoire pour cette étape."), field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise CaseError(
            _("Le motif ne doit pas dépasser %(limit)s caractères.") % {"limit": REASON_MAX_LENGTH},
            field="reason",
        )
    if rule.actor == Actor.AGENT and case.state in OPEN_STATES:
        # Only the agent who holds the case acts on it, or a manager; nobody holding
        # it, acting takes it by the queue's rule (see ``holding``).
        holding.ensure_may_act(case, by)
    return rule


def _ensure_actor(case: Case, actor: Actor, by) -> None:
    if actor == Actor.SYSTEM:
        if by is not None:
            raise NotAllowed(_("Cette étape n'est franchie que par l'écoulement du délai légal."))
        return
    if by is None or not getattr(by, "is_authenticated", False):
        raise NotAllowed()
    if actor == Actor.CITIZEN:
        _ensure_citizen_side(person=case.person, by=by)
        return
    if not _is_unit_agent(case, by):
        raise NotAllowed(_("Seul un agent du service instructeur peut franchir cette étape."))


def _ensure_citizen_side(*, person: Person, by) -> None:
    """The person themself, an agent of their administration acting for them (at the
    counter, on the phone), or a helper (aidant) holding an active mandate of theirs."""
    if by is None or not getattr(by, "is_authenticated", False):
        raise NotAllowed()
    if person.user_id == by.pk or by.is_superuser:
        return
    agent = agent_for(by)
    if agent is not None and agent.role == AgentRole.HELPER:
        from parcours.mandates.selectors import covers_person

        if covers_person(by, person):
            return
        raise NotAllowed(_("Vous n'avez pas de mandat en cours de cette personne."))
    if agent is None or agent.organisation_id != person.organisation_id:
        raise NotAllowed()


def _is_unit_agent(case: Case, by) -> bool:
    """An agent of the handling unit. A helper (aidant) acts for citizens, never for the
    administration, so they may not review or decide a case."""
    if by.is_superuser:
        return True
    agent = agent_for(by)
    return (
        agent is not None
        and agent.role != AgentRole.HELPER
        and agent.units.filter(pk=case.unit_id).exists()
    )


def _apply(
    case: Case, rule: TransitionRule, *, by, reason: str = "", data: dict | None = None
) -> CaseEvent:
    from_state = case.state
    case.state = rule.target
    case.save()
    event = CaseEvent.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        kind=EventKind.TRANSITION,
        transition=rule.name,
        from_state=from_state,
        to_state=rule.target,
        actor=by,
        reason=reason.strip(),
        visible_to_citizen=True,
        data=data or {},
    )
    from parcours.notifications.services import notify_case_event

    notify_case_event(event)
    return event


def _decide(
    case: Case,
    transition: Transition,
    outcome: str,
    *,
    by,
    reasons: str,
    today: datetime.date | None,
) -> Case:
    today = today or timezone.localdate()
    with transaction.atomic():
        case = _lock(case)
        rule = _check(case, transition, by=by, reason=reasons)
        agent = agent_for(by)
        decision = Decision.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            outcome=outcome,
            reasons=reasons.strip(),
            signed_by=agent,
            signer_name=agent.display_name if agent else by.get_full_name(),
            signer_title=agent.title if agent else "",
            decided_on=today,
            appeal_deadline=clock.appeal_deadline(today, case.unit.holiday_subdivision),
        )
        case.decided_at = timezone.now()
        case.clock_suspended_on = None
        case.citizen_due_on = None
        _apply(case, rule, by=by, reason=reasons)
        _after_commit_render_decision_letter(decision)
    return case


def _after_commit_render_receipt(receipt: Receipt) -> None:
    from parcours.worker.enqueue import enqueue_on_commit

    from .tasks import render_receipt_pdf

    enqueue_on_commit(render_receipt_pdf, receipt_id=receipt.pk)


def _after_commit_render_decision_letter(decision: Decision) -> None:
    from .tasks import render_decision_letter_pdf

    transaction.on_commit(lambda: render_decision_letter_pdf.enqueue(decision_id=decision.pk))
