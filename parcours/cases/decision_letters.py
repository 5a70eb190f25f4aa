"""The decision letter as a document: one template for the page and the PDF.

An explicit decision gives a letter that names its author, states its reasons, the
texts it applies and how to contest it (CRPA L211-2, L211-5, L212-1; CJA R421-1,
R421-5). A decision born of silence gives an attestation that says since when and
what the silence means (CRPA L232-3 for an acceptance, L232-4 for a rejection).
"""

import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from parcours.studio.selectors import appeal_routes_of

from .enums import DecisionOutcome
from .margins import waived_documents
from .models import Decision

# What a letter needs, for one query: select_related(*LETTER_RELATED).
LETTER_RELATED = (
    "case__person",
    "case__procedure",
    "case__unit__organisation",
    "signed_by__user",
)

# The outcome in plain words, as the person reads it.
OUTCOME_WORDS = {
    DecisionOutcome.ACCEPTED: _("Votre demande est acceptée."),
    DecisionOutcome.REJECTED: _("Votre demande est refusée."),
    DecisionOutcome.CLOSED_WITHOUT_ACTION: _(
        "Votre demande est classée sans suite : nous n'y donnerons pas suite."
    ),
}
IMPLICIT_OUTCOME_WORDS = {
    DecisionOutcome.ACCEPTED: _(
        "Votre demande est acceptée : nous ne vous avons pas répondu dans le délai, "
        "et notre silence vaut acceptation."
    ),
    DecisionOutcome.REJECTED: _(
        "Votre demande est considérée comme refusée : nous ne vous avons pas répondu "
        "dans le délai, et notre silence vaut rejet."
    ),
}


def outcome_words(decision: Decision) -> str:
    words = IMPLICIT_OUTCOME_WORDS if decision.is_implicit else OUTCOME_WORDS
    return str(words.get(decision.outcome, decision.get_outcome_display()))


def letter_title(decision: Decision) -> str:
    if not decision.is_implicit:
        return str(_("Décision sur votre demande"))
    if decision.outcome == DecisionOutcome.ACCEPTED:
        return str(_("Attestation de décision implicite d'acceptation"))
    return str(_("Attestation de décision implicite de rejet"))


def decision_letter_file_name(decision: Decision) -> str:
    """A readable file name, such as decision-2026-SCO-000123-2026-03-12.pdf."""
    kind = "attestation-decision-implicite" if decision.is_implicit else "decision"
    return f"{kind}-{decision.case.reference}-{decision.decided_on.isoformat()}.pdf"


def decision_letter_context(decision: Decision, *, today: datetime.date | None = None) -> dict:
    case = decision.case
    unit = case.unit
    return {
        "decision": decision,
        "case": case,
        "person": case.person,
        "unit": unit,
        "organisation": unit.organisation,
        "procedure": case.procedure,
        "letter_title": letter_title(decision),
        "outcome_words": outcome_words(decision),
        # Nothing to contest in an acceptance that the person obtained by silence.
        "shows_appeal_routes": decision.appeal_deadline is not None
        and not (decision.is_implicit and decision.outcome == DecisionOutcome.ACCEPTED),
        # The routes the procedure's writer named, from the version the case was filed
        # under (not the procedure's current one).
        "appeal_routes": appeal_routes_of(case.procedure_version)
        if case.procedure_version_id
        else "",
        "issued_on": today or timezone.localdate(),
        # Documents of the procedure the service waived for this case (``margins``).
        "waived_documents": waived_documents(case) if case.pk else [],
        "site_name": settings.PARCOURS_SITE_NAME,
    }


def render_decision_letter_pdf_bytes(decision: Decision, *, language: str | None = None) -> bytes:
    """The letter as PDF, in the person's language (French unless they chose otherwise)."""
    from weasyprint import HTML

    language = language or decision.case.person.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        html = render_to_string("cases/decision_letter_pdf.html", decision_letter_context(decision))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def store_decision_letter_pdf(decision_id: int) -> bool:
    """Render and store the letter of a decision, once. Safe to call twice or in parallel:
    the second call finds the file and does nothing. Returns whether it rendered."""
    with transaction.atomic():
        decision = (
            Decision.objects.select_for_update(of=("self",))
            .select_related(*LETTER_RELATED)
            .filter(pk=decision_id)
            .first()
        )
        if decision is None or decision.letter_pdf:
            return False
        decision.letter_pdf.save(
            decision_letter_file_name(decision),
            ContentFile(render_decision_letter_pdf_bytes(decision)),
        )
    return True
