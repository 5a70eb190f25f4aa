"""Choices of the listening app: feedback, experiences, complaints, agents' voice, ideas."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FeedbackTrigger(models.TextChoices):
    """What the person is asked about: one survey per decision or closure of a case, and
    per contact (a message answered, an appointment held, a call-back done)."""

    CASE_DECIDED = "case_decided", _("Décision ou clôture d'un dossier")
    MESSAGE_ANSWERED = "message_answered", _("Réponse à un message")
    APPOINTMENT_HELD = "appointment_held", _("Rendez-vous")
    CALLBACK_DONE = "callback_done", _("Rappel téléphonique")


class Satisfaction(models.IntegerChoices):
    """Overall satisfaction, on the five-point scale of the Services Publics+ surveys.

    Satisfied: 4 and 5; dissatisfied: 1 and 2. Net satisfaction is the share of
    satisfied answers less the share of dissatisfied ones.
    """

    VERY_DISSATISFIED = 1, _("Très mécontent")
    DISSATISFIED = 2, _("Mécontent")
    NEUTRAL = 3, _("Ni content ni mécontent")
    SATISFIED = 4, _("Content")
    VERY_SATISFIED = 5, _("Très content")


SATISFIED = (Satisfaction.SATISFIED, Satisfaction.VERY_SATISFIED)
DISSATISFIED = (Satisfaction.VERY_DISSATISFIED, Satisfaction.DISSATISFIED)


class Clarity(models.TextChoices):
    YES = "yes", _("Oui, c'était clair")
    PARTLY = "partly", _("En partie")
    NO = "no", _("Non, ce n'était pas clair")


class InvitationStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("À envoyer")
    SENT = "sent", _("Envoyée")
    ANSWERED = "answered", _("Répondue")
    NOT_SENT = "not_sent", _("Non envoyée (pas d'adresse)")


class ExperienceTone(models.TextChoices):
    POSITIVE = "positive", _("Une bonne expérience")
    NEGATIVE = "negative", _("Une mauvaise expérience")
    MIXED = "mixed", _("Une expérience en demi-teinte")


class ExperienceStatus(models.TextChoices):
    AWAITING_CONFIRMATION = "awaiting_confirmation", _("En attente de confirmation par courriel")
    HELD = "held", _("Retenue pour modération")
    PUBLISHED = "published", _("Publiée")
    REJECTED = "rejected", _("Non publiée")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Reçue")
    IN_PROGRESS = "in_progress", _("En cours d'examen")
    ANSWERED = "answered", _("Répondue")


class ComplaintChannel(models.TextChoices):
    """How the complaint reached the service."""

    ONLINE = "online", _("En ligne, par l'usager")
    EMAIL = "email", _("Par courriel")
    PHONE = "phone", _("Par téléphone")
    COUNTER = "counter", _("Au guichet")
    POST = "post", _("Par courrier")


class RootCause(models.TextChoices):
    """Why the complaint arose, set by the agent who answers it."""

    DELAY = "delay", _("Délai de traitement")
    RECEPTION = "reception", _("Qualité de l'accueil")
    UNREACHABLE = "unreachable", _("Service difficile à joindre")
    INFORMATION = "information", _("Information peu claire ou erronée")
    PROCEDURE_ERROR = "procedure_error", _("Erreur dans le traitement du dossier")
    RULE = "rule", _("Règle ou procédure inadaptée")
    DIGITAL = "digital", _("Difficulté avec le service en ligne")
    UNFOUNDED = "unfounded", _("Réclamation non fondée")
    OTHER = "other", _("Autre")


class ComplaintEventKind(models.TextChoices):
    RECEIVED = "received", _("Réclamation reçue")
    ACKNOWLEDGED = "acknowledged", _("Accusé de réception envoyé")
    TAKEN = "taken", _("Prise en charge")
    ESCALATED = "escalated", _("Transmise au responsable (délai dépassé)")
    ANSWERED = "answered", _("Réponse envoyée")
    NOTE = "note", _("Note interne")


class FrictionKind(models.TextChoices):
    UNCLEAR_FORM = "unclear_form", _("Un formulaire peu clair")
    RULE_MISFIT = "rule_misfit", _("Une règle qui ne convient pas à une situation")
    MISSING_DOCUMENT_TYPE = "missing_document_type", _("Un type de pièce manquant")
    OTHER = "other", _("Autre")


class AgentFeedbackStatus(models.TextChoices):
    NEW = "new", _("Nouvelle")
    UNDER_REVIEW = "under_review", _("À l'étude")
    ACCEPTED = "accepted", _("Retenue")
    RESOLVED = "resolved", _("Résolue")
    DECLINED = "declined", _("Non retenue")


class IdeaStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposée")
    STUDIED = "studied", _("À l'étude")
    PLANNED = "planned", _("Prévue")
    DONE = "done", _("Réalisée")
    DECLINED = "declined", _("Non retenue")


class AuthorKind(models.TextChoices):
    CITIZEN = "citizen", _("Usager")
    AGENT = "agent", _("Agent")
