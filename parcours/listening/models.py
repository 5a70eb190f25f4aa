"""Listening to citizens and agents: feedback surveys, public experiences, complaints,
agents' reports on procedures, and ideas.

Every table carries ``organisation`` (the distribution key, see DESIGN.md). Field
names are read by the commitments and statistics apps: keep them stable.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.cases.models import Case
from parcours.catalog.models import Procedure
from parcours.organisations.models import Agent, Organisation, Unit
from parcours.people.enums import Channel
from parcours.people.models import Person

from .enums import (
    AgentFeedbackStatus,
    AuthorKind,
    Clarity,
    ComplaintChannel,
    ComplaintEventKind,
    ComplaintStatus,
    ExperienceStatus,
    ExperienceTone,
    FeedbackTrigger,
    FrictionKind,
    IdeaStatus,
    InvitationStatus,
    RootCause,
    Satisfaction,
)

# ---------------------------------------------------------------------------------------
# Feedback after a contact or a case (Services Publics+ style, three questions)
# ---------------------------------------------------------------------------------------


class FeedbackInvitation(models.Model):
    """An invitation sent to one person to answer the three-question survey about one
    contact or one case decision.

    It knows who was invited (to send the link and to refuse a second answer); the
    answer itself (``FeedbackResponse``) does not point back here, nor to the person.
    ``source_key`` makes the invitation unique per event: a case decision, a message
    answered, an appointment held, a call-back done is surveyed once.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="feedback_invitations"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    trigger = models.CharField(_("objet"), max_length=32, choices=FeedbackTrigger.choices)
    channel = models.CharField(_("canal du contact"), max_length=16, choices=Channel.choices)
    source_key = models.CharField(_("événement"), max_length=80, unique=True)
    # The random part of the link's signed token; replaced when a link is re-sent.
    nonce = models.CharField(max_length=64, editable=False)
    status = models.CharField(
        _("état"),
        max_length=16,
        choices=InvitationStatus.choices,
        default=InvitationStatus.SCHEDULED,
    )
    send_after = models.DateTimeField(_("à envoyer à partir du"))
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    expires_at = models.DateTimeField(_("valable jusqu'au"))
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("invitation à donner son avis")
        verbose_name_plural = _("invitations à donner son avis")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "send_after"])]

    def __str__(self):
        return f"{self.get_trigger_display()} — {self.public_id}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at


class FeedbackResponse(models.Model):
    """One anonymous answer to the survey: the three answers and the dimensions the
    statistics need (who provides the service, which procedure, which channel, which
    kind of contact, which day). No link to the person nor to the invitation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="feedback_responses"
    )
    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_responses",
    )
    trigger = models.CharField(_("objet"), max_length=32, choices=FeedbackTrigger.choices)
    channel = models.CharField(_("canal du contact"), max_length=16, choices=Channel.choices)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"),
        choices=Satisfaction.choices,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    clarity = models.CharField(_("clarté"), max_length=8, choices=Clarity.choices)
    comment = models.TextField(
        _("commentaire"),
        blank=True,
        help_text=_("Les adresses, numéros et noms sont masqués avant l'enregistrement."),
    )
    # A day, not an instant: an exact time would let one match the answer to its
    # invitation, and so to the person.
    created_on = models.DateField(_("répondu le"), db_index=True)

    class Meta:
        verbose_name = _("avis")
        verbose_name_plural = _("avis")
        ordering = ["-created_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "created_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="feedback_satisfaction_on_scale",
            )
        ]

    def __str__(self):
        return f"{self.get_satisfaction_display()} ({self.created_on:%d/%m/%Y})"


# ---------------------------------------------------------------------------------------
# Public experiences, moderated, answered by the service
# ---------------------------------------------------------------------------------------


class ExperienceQuerySet(models.QuerySet):
    def published(self) -> "ExperienceQuerySet":
        return self.filter(status=ExperienceStatus.PUBLISHED)


class Experience(models.Model):
    """A citizen's account of an experience with a named service, published after
    moderation (personal data masked, insults held for a moderator) and answered in
    public by the service."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="experiences"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="experiences",
        verbose_name=_("service concerné"),
    )
    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="experiences",
        verbose_name=_("démarche concernée"),
    )
    channel = models.CharField(_("canal du contact"), max_length=16, choices=Channel.choices)
    tone = models.CharField(_("ressenti"), max_length=16, choices=ExperienceTone.choices)
    happened_on = models.DateField(_("date de l'expérience"), null=True, blank=True)
    # Who wrote it: a signed-in user, or an address confirmed by email. Never shown.
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    author_email = models.EmailField(_("adresse de l'auteur"), blank=True)
    author_language = models.CharField(max_length=8, default="fr")
    pseudonym = models.CharField(
        _("signature publique"),
        max_length=60,
        blank=True,
        help_text=_("Facultative, par exemple « Une mère de famille ». Jamais votre nom."),
    )
    title = models.CharField(_("titre"), max_length=150)
    body = models.TextField(_("récit"))
    # What the public reads: the text with emails, phone numbers and names masked.
    public_title = models.CharField(_("titre publié"), max_length=200, blank=True)
    public_body = models.TextField(_("récit publié"), blank=True)
    masked = models.JSONField(
        _("éléments masqués"),
        default=list,
        blank=True,
        help_text=_("La nature de chaque élément masqué (adresse, téléphone, nom)."),
    )
    held_words = models.JSONField(_("mots retenus"), default=list, blank=True)
    status = models.CharField(
        _("état"),
        max_length=32,
        choices=ExperienceStatus.choices,
        default=ExperienceStatus.AWAITING_CONFIRMATION,
    )
    confirmation_nonce = models.CharField(max_length=64, blank=True, editable=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("modérée le"), null=True, blank=True)
    moderation_note = models.TextField(_("motif de modération"), blank=True)
    created_at = models.DateTimeField(_("déposée le"), auto_now_add=True)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True, db_index=True)
    # The service's public reply.
    reply = models.TextField(_("réponse du service"), blank=True)
    replied_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    replied_by = models.ForeignKey(
        Agent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reply_signature = models.CharField(_("signature de la réponse"), max_length=200, blank=True)

    objects = ExperienceQuerySet.as_manager()

    class Meta:
        verbose_name = _("expérience")
        verbose_name_plural = _("expériences")
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["organisation", "status", "published_at"])]

    def __str__(self):
        return self.public_title or self.title

    @property
    def response_time(self):
        """From publication to the service's reply."""
        if self.replied_at is None or self.published_at is None:
            return None
        return self.replied_at - self.published_at


# ---------------------------------------------------------------------------------------
# Complaints about the service itself
# ---------------------------------------------------------------------------------------


class ComplaintQuerySet(models.QuerySet):
    def open(self) -> "ComplaintQuerySet":
        return self.exclude(status=ComplaintStatus.ANSWERED)

    def overdue(self, today) -> "ComplaintQuerySet":
        return self.open().filter(due_on__lt=today)


class Complaint(models.Model):
    """A complaint (réclamation) about how the service worked: acknowledged with a
    reference, answered by a date taken from the organisation's commitments, escalated
    to the managers when that date passes."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="complaints"
    )
    reference = models.CharField(_("numéro"), max_length=24, unique=True, null=True, blank=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="complaints")
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("service concerné"),
    )
    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("démarche concernée"),
    )
    cases = models.ManyToManyField(
        Case, blank=True, related_name="complaints", verbose_name=_("dossiers concernés")
    )
    channel = models.CharField(
        _("reçue"), max_length=16, choices=ComplaintChannel.choices, default=ComplaintChannel.ONLINE
    )
    recorded_by = models.ForeignKey(
        Agent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enregistrée par"),
    )
    subject = models.CharField(_("objet"), max_length=200)
    description = models.TextField(_("ce qui s'est passé"))
    expected = models.TextField(_("ce que vous attendez"), blank=True)
    status = models.CharField(
        _("état"), max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED
    )
    handler = models.ForeignKey(
        Agent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handled_complaints",
        verbose_name=_("suivie par"),
    )
    due_on = models.DateField(_("réponse au plus tard le"))
    acknowledged_at = models.DateTimeField(_("accusé de réception le"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("transmise au responsable le"), null=True, blank=True)
    response = models.TextField(_("réponse"), blank=True)
    root_cause = models.CharField(_("cause"), max_length=32, choices=RootCause.choices, blank=True)
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    answered_by = models.ForeignKey(
        Agent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("reçue le"), auto_now_add=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("réclamation")
        verbose_name_plural = _("réclamations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=ComplaintStatus.ANSWERED)
                | (~models.Q(response="") & ~models.Q(root_cause="")),
                name="complaint_answer_has_response_and_cause",
            )
        ]

    def __str__(self):
        return f"{self.reference or '—'} {self.subject}"

    @property
    def journal_label(self) -> str:
        """How the access journal names it to the person."""
        from django.utils.translation import gettext

        return gettext("réclamation %(reference)s") % {"reference": self.reference}

    @property
    def is_escalated(self) -> bool:
        return self.escalated_at is not None


class ComplaintEvent(models.Model):
    """One step of a complaint, for its timeline (the person sees those visible to them)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("nature"), max_length=16, choices=ComplaintEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    visible_to_citizen = models.BooleanField(_("visible par l'usager"), default=True)
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("étape d'une réclamation")
        verbose_name_plural = _("étapes des réclamations")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.get_kind_display()


# ---------------------------------------------------------------------------------------
# Agents' voice: friction reported on a procedure
# ---------------------------------------------------------------------------------------


class AgentFeedback(models.Model):
    """An agent reports friction in a procedure, from a case; managers triage and answer;
    the procedure's owner sees the list per procedure."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="agent_feedback"
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="agent_feedback"
    )
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="agent_feedback"
    )
    author = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="reported_friction")
    kind = models.CharField(_("nature"), max_length=32, choices=FrictionKind.choices)
    description = models.TextField(_("description"))
    status = models.CharField(
        _("état"),
        max_length=16,
        choices=AgentFeedbackStatus.choices,
        default=AgentFeedbackStatus.NEW,
    )
    reply = models.TextField(_("réponse"), blank=True)
    replied_by = models.ForeignKey(
        Agent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replied_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    created_at = models.DateTimeField(_("signalée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("remontée d'agent")
        verbose_name_plural = _("remontées d'agents")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "procedure", "status"])]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.procedure}"


# ---------------------------------------------------------------------------------------
# Co-construction: ideas, supports, comments, status changes
# ---------------------------------------------------------------------------------------


class IdeaQuerySet(models.QuerySet):
    def published(self) -> "IdeaQuerySet":
        return self.filter(is_published=True)


class Idea(models.Model):
    """A proposal to improve a procedure (or the service in general), by a citizen or an
    agent, supported and commented, answered by the service with a status."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="ideas")
    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("démarche concernée"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_kind = models.CharField(_("proposée par"), max_length=16, choices=AuthorKind.choices)
    title = models.CharField(_("titre"), max_length=150)
    body = models.TextField(_("proposition"))
    masked = models.JSONField(_("éléments masqués"), default=list, blank=True)
    held_words = models.JSONField(_("mots retenus"), default=list, blank=True)
    is_published = models.BooleanField(_("publiée"), default=False)
    status = models.CharField(
        _("suite donnée"), max_length=16, choices=IdeaStatus.choices, default=IdeaStatus.PROPOSED
    )
    status_reason = models.TextField(_("réponse du service"), blank=True)
    status_changed_at = models.DateTimeField(_("réponse le"), null=True, blank=True)
    support_count = models.PositiveIntegerField(_("soutiens"), default=0)
    created_at = models.DateTimeField(_("proposée le"), auto_now_add=True)

    objects = IdeaQuerySet.as_manager()

    class Meta:
        verbose_name = _("idée")
        verbose_name_plural = _("idées")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "is_published", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=IdeaStatus.DECLINED) | ~models.Q(status_reason=""),
                name="idea_declined_has_reason",
            )
        ]

    def __str__(self):
        return self.title


class IdeaSupport(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("soutien")
        verbose_name_plural = _("soutiens")
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="idea_one_support_per_person")
        ]

    def __str__(self):
        return f"{self.idea} — {self.user_id}"


class IdeaComment(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_kind = models.CharField(_("par"), max_length=16, choices=AuthorKind.choices)
    body = models.TextField(_("commentaire"))
    masked = models.JSONField(_("éléments masqués"), default=list, blank=True)
    held_words = models.JSONField(_("mots retenus"), default=list, blank=True)
    is_published = models.BooleanField(_("publié"), default=False)
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("commentaire d'une idée")
        verbose_name_plural = _("commentaires des idées")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.idea} — {self.created_at:%d/%m/%Y}"


class IdeaStatusChange(models.Model):
    """Each answer of the service to an idea, kept for the « you said, we did » page."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=IdeaStatus.choices)
    to_status = models.CharField(max_length=16, choices=IdeaStatus.choices)
    reason = models.TextField(_("réponse"), blank=True)
    by = models.ForeignKey(Agent, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("réponse à une idée")
        verbose_name_plural = _("réponses aux idées")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.idea} : {self.get_to_status_display()}"
