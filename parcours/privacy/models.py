"""Who opened a person's file outside the units that handle it, when and why."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.organisations.models import Agent, Organisation
from parcours.people.models import Person

from .enums import (
    AccessReason,
    JournalAction,
    JournalPurpose,
    JournalVia,
    RefusalGround,
    RightsEventKind,
    RightsRequestKind,
    RightsRequestStatus,
)


class OutOfScopeAccessQuerySet(models.QuerySet):
    def active(self, now=None) -> "OutOfScopeAccessQuerySet":
        return self.filter(expires_at__gt=now or timezone.now())


class OutOfScopeAccess(models.Model):
    """An agent opened a case (or a person's whole record) of a unit of their
    organisation they do not belong to, with a stated reason: the access lasts until
    ``expires_at``, and the person sees it in their space.

    ``case`` empty: the person's whole record (every unit's cases and exchanges).
    Append-only, kept as the journal of these accesses.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    agent = models.ForeignKey(
        Agent,
        on_delete=models.PROTECT,
        related_name="out_of_scope_accesses",
        verbose_name=_("agent"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    agent_name = models.CharField(_("nom de l'agent"), max_length=200)
    agent_title = models.CharField(_("fonction de l'agent"), max_length=200, blank=True)
    agent_units = models.CharField(_("services de l'agent"), max_length=400, blank=True)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.CASCADE,
        related_name="out_of_scope_accesses",
        verbose_name=_("usager"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="out_of_scope_accesses",
        verbose_name=_("dossier"),
        help_text=_("Vide : tout le dossier de la personne."),
    )
    reason = models.CharField(_("motif"), max_length=32, choices=AccessReason.choices)
    explanation = models.TextField(_("précisions"))
    created_at = models.DateTimeField(_("ouvert le"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("accès jusqu'au"))

    objects = OutOfScopeAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation hors de ses services")
        verbose_name_plural = _("consultations hors de ses services")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "agent", "expires_at"]),
            models.Index(fields=["organisation", "person", "created_at"]),
        ]

    def __str__(self):
        return f"{self.agent_name} — {self.case or self.person}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Out-of-scope accesses are append-only.")
        super().save(*args, **kwargs)


class AccessLogEntryQuerySet(models.QuerySet):
    """The journal is append-only: no bulk change or deletion through the ORM."""

    def update(self, **kwargs):
        raise ValueError("The access journal is append-only.")

    def delete(self):
        raise ValueError("The access journal is append-only.")

    def for_user(self, user) -> "AccessLogEntryQuerySet":
        """The entries about the people records of a signed-in citizen (all administrations)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(person_id__in=Person.objects.filter(user=user).values("pk"))


class AccessLogEntry(models.Model):
    """Who read or changed a person's data, when, what, on which case, through which
    door and why: the access journal (``journal d'accès``) the person sees.

    Append-only and tamper-evident: each entry carries the SHA-256 hash of its canonical
    content and of the previous entry's hash (``parcours.privacy.journal``), so changing,
    removing or inserting a row breaks the chain (``manage.py verify_journal``). On
    PostgreSQL a trigger refuses UPDATE and DELETE (migration 0003); the application
    never changes a row. The people and cases are referenced without a database
    constraint and with a snapshot of their labels, so that anonymising or deleting a
    person under the retention rules leaves the journal and its chain intact.
    """

    created_at = models.DateTimeField(_("le"), default=timezone.now)
    organisation_id = models.BigIntegerField(_("administration"), null=True, db_index=True)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("usager"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dossier"),
    )
    case_reference = models.CharField(_("référence du dossier"), max_length=64, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    actor_name = models.CharField(_("nom de l'auteur"), max_length=200)
    actor_title = models.CharField(_("fonction de l'auteur"), max_length=200, blank=True)
    actor_units = models.CharField(_("services de l'auteur"), max_length=400, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=JournalAction.choices)
    via = models.CharField(_("par"), max_length=16, choices=JournalVia.choices)
    purpose = models.CharField(_("finalité"), max_length=32, choices=JournalPurpose.choices)
    reason = models.TextField(_("raison donnée"), blank=True)
    object_type = models.CharField(_("type d'objet"), max_length=64, blank=True)
    object_id = models.CharField(_("identifiant de l'objet"), max_length=64, blank=True)
    object_label = models.CharField(_("objet"), max_length=300, blank=True)
    path = models.CharField(_("adresse"), max_length=500, blank=True)
    previous_hash = models.CharField(_("empreinte précédente"), max_length=64)
    entry_hash = models.CharField(_("empreinte"), max_length=64, unique=True)

    objects = AccessLogEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée du journal d'accès")
        verbose_name_plural = _("journal d'accès")
        ordering = ["-pk"]
        indexes = [models.Index(fields=["person", "-created_at"], name="privacy_journal_person")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("The access journal is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The access journal is append-only.")


class RetentionAction(models.TextChoices):
    DOCUMENTS_DELETED = "documents_deleted", _("pièces supprimées")
    CASE_ANONYMISED = "case_anonymised", _("dossier anonymisé")


class RetentionRecord(models.Model):
    """What the retention job did to one case, once: so that each step runs once and
    the register can say how many cases were purged. Holds no personal data."""

    organisation_id = models.BigIntegerField(_("administration"), db_index=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="+", verbose_name=_("dossier")
    )
    action = models.CharField(_("action"), max_length=32, choices=RetentionAction.choices)
    count = models.PositiveIntegerField(_("nombre d'éléments"), default=0)
    done_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("action de conservation")
        verbose_name_plural = _("actions de conservation")
        constraints = [
            models.UniqueConstraint(fields=["case", "action"], name="privacy_retention_once")
        ]

    def __str__(self):
        return f"{self.case_id} {self.action}"


class RightsRequestQuerySet(models.QuerySet):
    def pending(self) -> "RightsRequestQuerySet":
        return self.filter(status__in=PENDING_RIGHTS_STATUSES)

    def overdue(self, today=None) -> "RightsRequestQuerySet":
        return self.pending().filter(due_on__lt=today or timezone.localdate())


PENDING_RIGHTS_STATUSES = (RightsRequestStatus.RECEIVED, RightsRequestStatus.IN_PROGRESS)


class RightsRequest(models.Model):
    """A person's request about their data (correction, objection, erasure), tracked
    until an agent answers it, within one month (GDPR article 12)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.CASCADE,
        related_name="rights_requests",
        verbose_name=_("usager"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dossier concerné"),
    )
    kind = models.CharField(_("demande"), max_length=16, choices=RightsRequestKind.choices)
    details = models.TextField(_("précisions"))
    status = models.CharField(
        _("état"),
        max_length=16,
        choices=RightsRequestStatus.choices,
        default=RightsRequestStatus.RECEIVED,
    )
    answer = models.TextField(_("réponse"), blank=True)
    created_at = models.DateTimeField(_("reçue le"), default=timezone.now)
    due_on = models.DateField(_("réponse au plus tard le"))
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("prise en charge par"),
    )
    taken_at = models.DateTimeField(_("prise en charge le"), null=True, blank=True)
    extended_at = models.DateTimeField(_("délai prolongé le"), null=True, blank=True)
    extension_reason = models.TextField(_("raison de la prolongation"), blank=True)
    refusal_ground = models.CharField(
        _("motif légal du refus"), max_length=32, choices=RefusalGround.choices, blank=True
    )

    objects = RightsRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande sur les données")
        verbose_name_plural = _("demandes sur les données")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "status", "due_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.person}"

    def journal_label(self) -> str:
        return str(_("demande « %(kind)s »") % {"kind": self.get_kind_display()})

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_RIGHTS_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_pending and self.due_on < timezone.localdate()


class RightsRequestEvent(models.Model):
    """One step of a request about one's data (received, taken in charge, extended,
    answered): the person sees each one in their space and is emailed. Append-only."""

    request = models.ForeignKey(
        RightsRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("demande")
    )
    kind = models.CharField(_("étape"), max_length=16, choices=RightsEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("par"), max_length=200, blank=True)
    message = models.TextField(_("message à la personne"), blank=True)
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("étape d'une demande sur les données")
        verbose_name_plural = _("étapes des demandes sur les données")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.request_id} {self.kind}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("The steps of a rights request are append-only.")
        super().save(*args, **kwargs)
