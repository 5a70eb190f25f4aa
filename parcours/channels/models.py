"""Exchanges that reach the administration outside the website: email received over
SMTP, phone calls and counter visits recorded by an agent, letters received by post,
requests filed by an agent on a person's behalf, and merges of duplicate records."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from parcours.cases.models import Case, Document, private_storage
from parcours.organisations.models import Agent, Organisation, Unit
from parcours.people.models import Person

from .enums import ContactChannel, ContactDirection, InboundStatus


def raw_email_upload_to(instance, filename):
    return f"inbound/{instance.organisation_id}/{uuid.uuid4().hex}.eml"


def letter_upload_to(instance, filename):
    return f"letters/{instance.organisation_id}/{uuid.uuid4().hex}"


class InboundEmailQuerySet(models.QuerySet):
    def for_agent(self, agent) -> "InboundEmailQuerySet":
        """The emails addressed to the agent's units (their triage queue)."""
        if agent is None:
            return self.none()
        return self.filter(organisation_id=agent.organisation_id, unit__in=agent.units.all())

    def in_triage(self) -> "InboundEmailQuerySet":
        return self.filter(status=InboundStatus.TRIAGE)


class InboundEmail(models.Model):
    """One email received by the SMTP daemon (``manage.py inbound_smtp``), kept whole
    (``raw``) whatever became of it: threaded on a case, filed on a person, waiting in
    the triage queue of the unit it was written to, or set aside as an automatic reply."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="inbound_emails", verbose_name=_("service")
    )
    status = models.CharField(_("suite donnée"), max_length=16, choices=InboundStatus.choices)
    case = models.ForeignKey(
        Case,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_emails",
        verbose_name=_("dossier"),
    )
    # The case whose reply address was used, when the sender is not the case's person:
    # an agent checks before the message joins the case.
    suggested_case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_emails",
        verbose_name=_("usager"),
    )
    message = models.OneToOneField(
        "contacts.Message",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_email",
    )
    envelope_from = models.CharField(_("expéditeur SMTP"), max_length=320, blank=True)
    from_address = models.CharField(_("de"), max_length=320, blank=True)
    from_name = models.CharField(_("nom de l'expéditeur"), max_length=200, blank=True)
    recipient = models.CharField(_("adressé à"), max_length=320)
    subject = models.CharField(_("objet"), max_length=300, blank=True)
    header_message_id = models.CharField("Message-ID", max_length=300, blank=True)
    body = models.TextField(_("texte"), blank=True)
    raw = models.FileField(
        _("message d'origine"), storage=private_storage, upload_to=raw_email_upload_to
    )
    size = models.PositiveIntegerField(_("taille"))
    attachment_count = models.PositiveSmallIntegerField(_("pièces jointes"), default=0)
    # What could not be kept as sent (an attachment refused, a malformed part), in French.
    problems = models.JSONField(_("anomalies"), default=list, blank=True)
    received_at = models.DateTimeField(_("reçu le"), auto_now_add=True, db_index=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(_("trié le"), null=True, blank=True)
    dismiss_reason = models.TextField(_("motif"), blank=True)

    objects = InboundEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("courriel reçu")
        verbose_name_plural = _("courriels reçus")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "unit", "status", "received_at"])]

    def __str__(self):
        return f"{self.from_address or '?'} — {self.subject}"


class ContactRecord(models.Model):
    """An exchange an agent records in a few fields: a phone call, a counter visit, or
    a letter received by post (with its scan). Always on a person, often on a case."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="contact_records", verbose_name=_("service")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="contact_records", verbose_name=_("usager")
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_records",
        verbose_name=_("dossier"),
    )
    channel = models.CharField(_("canal"), max_length=16, choices=ContactChannel.choices)
    direction = models.CharField(
        _("sens"),
        max_length=16,
        choices=ContactDirection.choices,
        default=ContactDirection.INBOUND,
    )
    occurred_at = models.DateTimeField(_("le"))
    subject = models.CharField(_("objet"), max_length=200)
    outcome = models.TextField(_("suite donnée"), blank=True)
    agent = models.ForeignKey(
        Agent, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("agent")
    )
    # A letter: its scan, checked like every upload, and, on a case, the case's copy.
    scan = models.FileField(
        _("courrier numérisé"),
        storage=private_storage,
        upload_to=letter_upload_to,
        blank=True,
        null=True,
    )
    scan_name = models.CharField(_("nom du fichier"), max_length=255, blank=True)
    scan_content_type = models.CharField(max_length=100, blank=True)
    scan_size = models.PositiveBigIntegerField(null=True, blank=True)
    scan_sha256 = models.CharField(max_length=64, blank=True)
    document = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)

    class Meta:
        verbose_name = _("échange enregistré")
        verbose_name_plural = _("échanges enregistrés")
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "person", "occurred_at"])]

    def __str__(self):
        return f"{self.person} — {self.get_channel_display()} — {self.subject}"


class AssistedSubmission(models.Model):
    """A request an agent filed for a person, on the phone, at the counter or from a
    letter: which agent, which channel, and whether the person was there and filled the
    form in with the agent ("accompanied mode", at the counter)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="assisted")
    agent = models.ForeignKey(Agent, on_delete=models.SET_NULL, null=True, related_name="+")
    accompanied = models.BooleanField(
        _("accompagnement"),
        default=False,
        help_text=_("La personne était présente et a rempli la demande avec l'agent."),
    )
    contact = models.ForeignKey(
        ContactRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    receipt_by_post = models.BooleanField(_("accusé de réception imprimé"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("demande déposée par un agent")
        verbose_name_plural = _("demandes déposées par un agent")

    def __str__(self):
        return str(self.case)


class PersonMerge(models.Model):
    """Two records of the same person made one: what the removed record held, what
    moved to the kept one, who merged and why. Append-only."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kept = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="merges", verbose_name=_("fiche gardée")
    )
    merged_person_id = models.PositiveBigIntegerField(_("fiche fusionnée (numéro)"))
    merged_snapshot = models.JSONField(_("fiche fusionnée, telle qu'elle était"))
    moved = models.JSONField(_("éléments rattachés"), default=dict)
    reasons = models.JSONField(_("motifs de rapprochement"), default=list)
    note = models.TextField(_("commentaire"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    by_name = models.CharField(_("fusionné par"), max_length=200)
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("fusion de fiches")
        verbose_name_plural = _("fusions de fiches")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.kept} ← n° {self.merged_person_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Merges are append-only.")
        super().save(*args, **kwargs)


class NotDuplicate(models.Model):
    """A manager said two records that look alike are two different people: the pair
    is no longer suggested."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    first = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="not_duplicate_unique_pair"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="not_duplicate_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.first_id} ≠ {self.second_id}"
