import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _

from parcours.catalog.enums import FieldType, ImplicitDecision
from parcours.catalog.form_definition import display_answer
from parcours.catalog.models import Procedure, ProcedureVersion
from parcours.organisations.models import Agent, Organisation, Unit
from parcours.people.models import Person

from .enums import (
    CITIZEN_LABELS,
    CORRECTABLE_STATES,
    OPEN_STATES,
    PROGRESS,
    CaseChannel,
    CaseState,
    DecisionOutcome,
    EventKind,
    MarginKind,
    OpinionStatus,
    Transition,
)

SITUATION_LABEL = _("Ce que vous voulez nous dire de votre situation")


def private_storage():
    return storages["private"]


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CaseQuerySet":
        """The cases a user may see: their own as a citizen, their units' as an agent."""
        from parcours.organisations.selectors import agent_for

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        agent = agent_for(user)
        own = models.Q(person__user=user)
        if agent is None:
            return self.filter(own)
        units = models.Q(organisation_id=agent.organisation_id, unit__in=agent.units.all())
        return self.filter(own | (units & ~models.Q(state=CaseState.DRAFT)))

    def owned_by(self, user) -> "CaseQuerySet":
        """The cases a person filed themself: what the citizens' portal shows, whoever
        is signed in. Agents read their units' cases in the back-office only, behind
        their second factor."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(person__user=user)

    def open(self) -> "CaseQuerySet":
        return self.filter(state__in=OPEN_STATES)

    def with_list_data(self) -> "CaseQuerySet":
        return self.select_related("procedure", "unit", "person", "referent__user")


class Case(models.Model):
    """One person's request under one procedure (dossier)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # NULL until submission, so drafts do not collide on the unique constraint.
    reference = models.CharField(_("numéro"), max_length=20, null=True, blank=True)  # noqa: DJ001
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="cases")
    procedure_version = models.ForeignKey(
        ProcedureVersion, on_delete=models.PROTECT, related_name="cases"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="cases")
    referent = models.ForeignKey(
        Agent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("interlocuteur unique"),
    )
    state = models.CharField(
        _("état"), max_length=32, choices=CaseState.choices, default=CaseState.DRAFT
    )
    channel = models.CharField(
        _("canal"), max_length=16, choices=CaseChannel.choices, default=CaseChannel.ONLINE
    )
    form_data = models.JSONField(_("réponses"), default=dict, blank=True)
    # Answers the administration already held ("tell us once"), by field name: where
    # each came from and the value taken (see ``prefill``). The database default lets
    # bulk loaders leave it out.
    prefilled = models.JSONField(
        _("réponses reprises"),
        default=dict,
        db_default=models.Value({}, output_field=models.JSONField()),
        blank=True,
    )
    situation = models.TextField(
        _("ma situation"),
        blank=True,
        help_text=_("Ce que l'usager veut nous dire de sa situation, en ses mots."),
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    # Legal dates (CRPA): the clock starts on receipt, waits while we await the citizen.
    submitted_at = models.DateTimeField(_("déposé le"), null=True, blank=True)
    received_on = models.DateField(_("reçu le"), null=True, blank=True)
    implicit_decision = models.CharField(
        _("effet du silence"), max_length=16, choices=ImplicitDecision.choices, blank=True
    )
    decision_due_on = models.DateField(_("décision au plus tard le"), null=True, blank=True)
    clock_suspended_on = models.DateField(_("délai suspendu depuis le"), null=True, blank=True)
    suspended_days = models.PositiveIntegerField(_("jours de suspension"), default=0)
    citizen_due_on = models.DateField(_("réponse de l'usager attendue le"), null=True, blank=True)
    # A case in distress put first in its unit's queue, with a recorded reason
    # (``margins.case_fast_track``). The database default lets bulk loaders leave it out.
    fast_tracked = models.BooleanField(
        _("traité en priorité"), default=False, db_default=models.Value(False)
    )
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    is_appeal = models.BooleanField(_("en recours"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="case_unique_reference"
            ),
            models.CheckConstraint(
                condition=models.Q(state=CaseState.DRAFT) | models.Q(reference__isnull=False),
                name="case_submitted_has_reference",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "unit", "state", "decision_due_on"]),
            models.Index(fields=["organisation", "state", "decision_due_on"]),
            models.Index(fields=["reference"]),
            # The periodic implicit-decision job: only open cases that silence can decide.
            models.Index(
                fields=["decision_due_on", "id"],
                condition=models.Q(state__in=["submitted", "in_review"])
                & models.Q(implicit_decision__in=["acceptance", "rejection"]),
                name="case_implicit_due",
            ),
            # The fair queue of a unit (``queue.py``), in its order: its open cases, and
            # the first one nobody holds for "take the next case". PostgreSQL sorts
            # ascending with NULLs last, as the queue does: no sort at any volume.
            # Cases in distress (``fast_tracked``) come first: the flag leads the index,
            # descending as the queue reads it.
            models.Index(
                fields=[
                    "organisation",
                    "unit",
                    "-fast_tracked",
                    "decision_due_on",
                    "submitted_at",
                    "id",
                ],
                condition=models.Q(state__in=["submitted", "in_review", "awaiting_citizen"]),
                name="case_queue",
            ),
            models.Index(
                fields=[
                    "organisation",
                    "unit",
                    "-fast_tracked",
                    "decision_due_on",
                    "submitted_at",
                    "id",
                ],
                condition=models.Q(state__in=["submitted", "in_review", "awaiting_citizen"])
                & models.Q(referent__isnull=True),
                name="case_queue_unheld",
            ),
        ]

    def __str__(self):
        return self.reference or _("Brouillon n° %(pk)s") % {"pk": self.pk}

    def with_cached_procedure(self) -> "Case":
        """This case, its version, procedure and the procedure's administration taken
        from the reference cache (lib/reference_cache.py) instead of read with it: the
        same for every case of the version, and needed by each page of a draft and each
        transition. Returns the case."""
        version = ProcedureVersion.cached(self.procedure_version_id)
        self.procedure_version = version
        if version.procedure_id == self.procedure_id:
            self.procedure = version.procedure
        return self

    @property
    def citizen_label(self) -> str:
        return CITIZEN_LABELS[self.state]

    @property
    def progress_step(self) -> int:
        return PROGRESS[self.state]

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_correctable(self) -> bool:
        """May the person still correct their answers (right to make a mistake)?"""
        return self.state in CORRECTABLE_STATES


class CaseEvent(models.Model):
    """Append-only history of a case: every transition and action, who, when and why."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("nature"), max_length=32, choices=EventKind.choices)
    transition = models.CharField(
        _("transition"), max_length=32, choices=Transition.choices, blank=True
    )
    from_state = models.CharField(
        _("état avant"), max_length=32, choices=CaseState.choices, blank=True
    )
    to_state = models.CharField(
        _("état après"), max_length=32, choices=CaseState.choices, blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Vide quand c'est le système (par exemple une décision implicite)."),
    )
    reason = models.TextField(_("motif"), blank=True)
    visible_to_citizen = models.BooleanField(_("visible par l'usager"), default=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("événement du dossier")
        verbose_name_plural = _("historique des dossiers")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.case} — {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Case events are append-only.")
        super().save(*args, **kwargs)


class CaseCorrection(models.Model):
    """The person corrected answers of a case already sent (right to make a mistake,
    CRPA L123-1). Each change keeps the answer as it was and the new one, so nothing the
    person declared is ever lost; the case keeps the new answers."""

    # The name of a change to "my situation", the free text beside the form. Form field
    # names start with a letter (form_definition.NAME_RE), so they never collide with it.
    SITUATION = "_situation"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="corrections")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("par"),
    )
    explanation = models.TextField(_("explication de l'erreur"))
    # [{"field": name, "label": label, "before": value, "after": value}], in form order;
    # values as stored in Case.form_data (None: no answer).
    changes = models.JSONField(_("modifications"), default=list)
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("correction par l'usager")
        verbose_name_plural = _("corrections par les usagers")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return _("Correction du dossier %(reference)s") % {"reference": self.case.reference}

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Corrections are append-only.")
        super().save(*args, **kwargs)

    def changes_for_display(self) -> list[dict]:
        """Each change as people read it, in the current language: the question, the
        answer before and the answer after."""
        definition = self.case.procedure_version.form_definition or {}
        fields = {field["name"]: field for field in definition.get("fields", [])}
        shown = []
        for change in self.changes:
            name = change.get("field")
            if name == self.SITUATION:
                field = {"type": FieldType.TEXTAREA, "label": SITUATION_LABEL}
            else:
                field = fields.get(name) or {"type": FieldType.TEXT, "label": change.get("label")}
            shown.append(
                {
                    "field": name,
                    "label": str(field["label"]),
                    "before": display_answer(field, change.get("before")),
                    "after": display_answer(field, change.get("after")),
                }
            )
        return shown


def decision_letter_upload_to(instance, filename):
    return f"decisions/{instance.organisation_id}/{instance.case.reference}-{instance.pk}.pdf"


class Decision(models.Model):
    """The outcome of a case, explicit (signed by an agent) or implicit (born of silence)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(_("sens"), max_length=32, choices=DecisionOutcome.choices)
    is_implicit = models.BooleanField(_("implicite"), default=False)
    reasons = models.TextField(_("motifs"), blank=True)
    signed_by = models.ForeignKey(
        Agent, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signer_name = models.CharField(_("signataire"), max_length=200, blank=True)
    signer_title = models.CharField(_("qualité du signataire"), max_length=200, blank=True)
    decided_on = models.DateField(_("date de la décision"))
    appeal_deadline = models.DateField(_("recours possible jusqu'au"), null=True, blank=True)
    # The letter (or, for an implicit decision, the attestation) as sent: rendered once
    # by the worker, then served as stored.
    letter_pdf = models.FileField(
        _("courrier de décision (PDF)"),
        storage=private_storage,
        upload_to=decision_letter_upload_to,
        blank=True,
        null=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        ordering = ["-decided_on", "-pk"]

    def __str__(self):
        return f"{self.case} — {self.get_outcome_display()}"


def document_upload_to(instance, filename):
    return f"cases/{instance.organisation_id}/{instance.case_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    """A file attached to a case. Stored privately; served only after an access check."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind_code = models.CharField(
        _("pièce"),
        max_length=64,
        blank=True,
        help_text=_("Code de la pièce demandée, s'il y a lieu."),
    )
    file = models.FileField(_("fichier"), storage=private_storage, upload_to=document_upload_to)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("taille"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # A copy of a document the person gave for another request, reused with their
    # consent ("tell us once", see ``services.document_reuse``).
    source = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("copie de"),
    )

    class Meta:
        verbose_name = _("pièce")
        verbose_name_plural = _("pièces")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.original_name

    @property
    def type_label(self) -> str:
        """The file's type as people say it: PDF, JPEG, PNG."""
        return self.content_type.rpartition("/")[2].upper()


def receipt_upload_to(instance, filename):
    return f"receipts/{instance.organisation_id}/{instance.case.reference}.pdf"


class Receipt(models.Model):
    """The legal acknowledgement of a request (CRPA L112-3, R112-5), frozen when issued.

    Every mention is stored as it was on the day of issue, so the receipt can be
    reproduced word for word later, whatever changes in the catalogue.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="receipt")
    issued_at = models.DateTimeField(_("délivré le"))
    received_on = models.DateField(_("date de réception"))
    decision_due_on = models.DateField(
        _("date de naissance d'une décision implicite"), null=True, blank=True
    )
    implicit_decision = models.CharField(max_length=16, choices=ImplicitDecision.choices)
    procedure_title = models.CharField(max_length=200)
    person_name = models.CharField(max_length=300)
    service_name = models.CharField(max_length=400)
    service_address = models.TextField()
    service_email = models.EmailField()
    service_phone = models.CharField(max_length=32)
    referent_name = models.CharField(max_length=200, blank=True)
    referent_title = models.CharField(max_length=200, blank=True)
    appeal_court = models.CharField(max_length=200, blank=True)
    appeal_court_address = models.TextField(blank=True)
    legal_basis = models.TextField(blank=True)
    pdf = models.FileField(
        storage=private_storage, upload_to=receipt_upload_to, blank=True, null=True
    )

    class Meta:
        verbose_name = _("accusé de réception")
        verbose_name_plural = _("accusés de réception")

    def __str__(self):
        return _("Accusé de réception du dossier %(reference)s") % {
            "reference": self.case.reference
        }


class ReferenceCounter(models.Model):
    """Last number used for case references, per organisation, year and procedure code."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    prefix = models.CharField(max_length=3)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "prefix"], name="reference_counter_unique"
            )
        ]

    def __str__(self):
        return f"{self.year}-{self.prefix}: {self.last_value}"


class OpinionRequest(models.Model):
    """The unit handling a case asks another unit of the administration for its
    opinion. While the request is pending, that unit's agents may read the case (a
    scoped exception to unit scoping, logged as OPINION_READ events); their answer
    joins the case's history."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="opinion_requests")
    from_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("service demandeur")
    )
    to_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="opinion_requests",
        verbose_name=_("service consulté"),
    )
    question = models.TextField(_("question"))
    answer = models.TextField(_("avis"), blank=True)
    status = models.CharField(
        _("statut"), max_length=16, choices=OpinionStatus.choices, default=OpinionStatus.PENDING
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("demandé par"),
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rendu par"),
    )
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    answered_at = models.DateTimeField(_("rendu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("demande d'avis")
        verbose_name_plural = _("demandes d'avis")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "to_unit", "status"])]

    def __str__(self):
        return _("Avis de %(unit)s sur le dossier %(reference)s") % {
            "unit": self.to_unit.name,
            "reference": self.case.reference,
        }

    @property
    def is_pending(self) -> bool:
        return self.status == OpinionStatus.PENDING


class MarginUse(models.Model):
    """One use of a margin of manoeuvre on a case (extend the citizen's deadline, waive
    a document, fast-track, change a template's text), with the agent's reason: what
    the unit's managers read for support and consistency (``margins.py``).
    Append-only, like the case's history."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="margin_uses")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="margin_uses")
    kind = models.CharField(_("marge"), max_length=32, choices=MarginKind.choices)
    agent = models.ForeignKey(
        Agent, on_delete=models.SET_NULL, null=True, blank=True, related_name="margin_uses"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(_("motif"))
    details = models.JSONField(_("détails"), default=dict, blank=True)
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("marge de manœuvre utilisée")
        verbose_name_plural = _("marges de manœuvre utilisées")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "unit", "created_at"])]

    def __str__(self):
        return f"{self.case} — {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Margin uses are append-only.")
        super().save(*args, **kwargs)
