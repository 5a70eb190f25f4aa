from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CaseState(models.TextChoices):
    """The agents' names for the states of a case. Citizens see CITIZEN_LABELS."""

    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Déposé, à instruire")
    IN_REVIEW = "in_review", _("En instruction")
    AWAITING_CITIZEN = "awaiting_citizen", _("En attente de l'usager")
    ACCEPTED = "accepted", _("Accepté")
    REJECTED = "rejected", _("Refusé")
    CLOSED_WITHOUT_ACTION = "closed_without_action", _("Classé sans suite")
    WITHDRAWN = "withdrawn", _("Retiré par l'usager")
    IMPLICIT_ACCEPTANCE = "implicit_acceptance", _("Accepté implicitement")
    IMPLICIT_REJECTION = "implicit_rejection", _("Rejeté implicitement")


# What the citizen reads: plain words about what is happening, not our jargon.
CITIZEN_LABELS = {
    CaseState.DRAFT: pgettext_lazy("citizen", "Votre demande n'est pas encore envoyée"),
    CaseState.SUBMITTED: pgettext_lazy("citizen", "Nous avons bien reçu votre demande"),
    CaseState.IN_REVIEW: pgettext_lazy("citizen", "Nous examinons votre dossier"),
    CaseState.AWAITING_CITIZEN: pgettext_lazy(
        "citizen", "Nous avons besoin d'un élément de votre part"
    ),
    CaseState.ACCEPTED: pgettext_lazy("citizen", "Votre demande est acceptée"),
    CaseState.REJECTED: pgettext_lazy("citizen", "Votre demande est refusée"),
    CaseState.CLOSED_WITHOUT_ACTION: pgettext_lazy("citizen", "Votre dossier est clos sans suite"),
    CaseState.WITHDRAWN: pgettext_lazy("citizen", "Vous avez retiré votre demande"),
    CaseState.IMPLICIT_ACCEPTANCE: pgettext_lazy(
        "citizen", "Votre demande est acceptée : nous n'avons pas répondu dans le délai"
    ),
    CaseState.IMPLICIT_REJECTION: pgettext_lazy(
        "citizen",
        "Votre demande est considérée comme refusée : nous n'avons pas répondu dans le délai",
    ),
}


class ProgressStep(models.IntegerChoices):
    """The four steps a citizen sees on a progress bar."""

    PREPARE = 1, _("Préparation")
    RECEIVED = 2, _("Réception")
    REVIEW = 3, _("Examen")
    DECISION = 4, _("Décision")


PROGRESS = {
    CaseState.DRAFT: ProgressStep.PREPARE,
    CaseState.SUBMITTED: ProgressStep.RECEIVED,
    CaseState.IN_REVIEW: ProgressStep.REVIEW,
    CaseState.AWAITING_CITIZEN: ProgressStep.REVIEW,
    CaseState.ACCEPTED: ProgressStep.DECISION,
    CaseState.REJECTED: ProgressStep.DECISION,
    CaseState.CLOSED_WITHOUT_ACTION: ProgressStep.DECISION,
    CaseState.WITHDRAWN: ProgressStep.DECISION,
    CaseState.IMPLICIT_ACCEPTANCE: ProgressStep.DECISION,
    CaseState.IMPLICIT_REJECTION: ProgressStep.DECISION,
}

OPEN_STATES = [
    CaseState.SUBMITTED,
    CaseState.IN_REVIEW,
    CaseState.AWAITING_CITIZEN,
]
FINAL_STATES = [
    CaseState.ACCEPTED,
    CaseState.REJECTED,
    CaseState.CLOSED_WITHOUT_ACTION,
    CaseState.WITHDRAWN,
    CaseState.IMPLICIT_ACCEPTANCE,
    CaseState.IMPLICIT_REJECTION,
]

# While the service has not decided, the person may correct their answers (right to make
# a mistake, CRPA L123-1): the correction is recorded, the state and the clock stay.
CORRECTABLE_STATES = OPEN_STATES


class Transition(models.TextChoices):
    SUBMIT = "submit", _("Dépôt")
    START_REVIEW = "start_review", _("Début de l'instruction")
    REQUEST_INFORMATION = "request_information", _("Demande de pièces ou d'informations")
    RESUME_REVIEW = "resume_review", _("Reprise de l'instruction")
    ACCEPT = "accept", _("Acceptation")
    REJECT = "reject", _("Refus")
    CLOSE_WITHOUT_ACTION = "close_without_action", _("Classement sans suite")
    WITHDRAW = "withdraw", _("Retrait par l'usager")
    IMPLICIT_ACCEPTANCE = "implicit_acceptance", _("Acceptation implicite")
    IMPLICIT_REJECTION = "implicit_rejection", _("Rejet implicite")
    REOPEN = "reopen", _("Réouverture sur recours")


class EventKind(models.TextChoices):
    TRANSITION = "transition", _("Changement d'état")
    RECEIPT_ISSUED = "receipt_issued", _("Accusé de réception délivré")
    REFERENT_CHANGED = "referent_changed", _("Changement d'interlocuteur")
    DOCUMENT_ADDED = "document_added", _("Pièce ajoutée")
    NOTE = "note", _("Note interne")
    CORRECTED = "corrected", _("Demande corrigée par l'usager")
    REROUTED = "rerouted", _("Transmis à un autre service")
    OPINION_REQUESTED = "opinion_requested", _("Avis demandé à un autre service")
    OPINION_READ = "opinion_read", _("Consulté pour avis par un autre service")
    OPINION_ANSWERED = "opinion_answered", _("Avis rendu par un autre service")
    MARGIN_USED = "margin_used", _("Marge de manœuvre utilisée")


class DecisionOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Acceptation")
    REJECTED = "rejected", _("Refus")
    CLOSED_WITHOUT_ACTION = "closed_without_action", _("Classement sans suite")


class CaseChannel(models.TextChoices):
    """Where the request came in."""

    ONLINE = "online", _("En ligne")
    COUNTER = "counter", _("Au guichet")
    PHONE = "phone", _("Par téléphone")
    POST = "post", _("Par courrier")
    EMAIL = "email", _("Par courriel")
    HELPER = "helper", _("Par un aidant")
    OPEN311 = "open311", _("Signalement Open311")


class PrefillSource(models.TextChoices):
    """Where an answer the administration already held comes from ("tell us once")."""

    IDENTITY = "identity", _("Identité certifiée par FranceConnect")
    PROFILE = "profile", _("Profil de l'usager")
    CASE = "case", _("Demande précédente de l'usager")


class HoldingChange(models.TextChoices):
    """How a case came to be held by an agent (``CaseEvent.data["via"]`` on a
    REFERENT_CHANGED event): the fair way, out of turn with a reason, or by a manager."""

    NEXT = "next", _("Pris comme dossier suivant de la file")
    OUT_OF_ORDER = "out_of_order", _("Pris hors de l'ordre de la file")
    REASSIGNED = "reassigned", _("Réattribué par un responsable")
    HANDOVER = "handover", _("Passage de relais à un autre agent")
    REROUTED = "rerouted", _("Plus suivi : transmis à un autre service")


class OpinionStatus(models.TextChoices):
    """A request for an opinion from another unit (``OpinionRequest``)."""

    PENDING = "pending", _("En attente de l'avis")
    ANSWERED = "answered", _("Avis rendu")


class MarginKind(models.TextChoices):
    """The margins of manoeuvre an agent may use on a case, each with a recorded reason
    (``MarginUse``, ``margins.py``), read by the unit's managers."""

    EXTEND_DEADLINE = "extend_deadline", _("Délai de réponse de l'usager prolongé")
    WAIVE_DOCUMENT = "waive_document", _("Pièce dispensée")
    FAST_TRACK = "fast_track", _("Dossier traité en priorité")
    FAST_TRACK_REMOVED = "fast_track_removed", _("Priorité retirée")
    OVERRIDE_TEMPLATE = "override_template", _("Modèle de message modifié")
