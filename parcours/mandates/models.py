"""A person authorises a helper (aidant) to act for them, for listed procedures, until
a date (one year at most), revocable at any time; every act under it is recorded."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.catalog.models import Procedure
from parcours.organisations.models import Agent, Organisation

from .enums import ActKind, ConsentMethod, MandateStatus


class MandateQuerySet(models.QuerySet):
    def active(self, today: datetime.date | None = None) -> "MandateQuerySet":
        """Confirmed by the person, not revoked, and within its dates."""
        today = today or timezone.localdate()
        return self.filter(
            confirmed_at__isnull=False,
            revoked_at__isnull=True,
            starts_on__lte=today,
            ends_on__gte=today,
        )

    def of_helper(self, user) -> "MandateQuerySet":
        return self.filter(helper__user=user)

    def given_by(self, user) -> "MandateQuerySet":
        return self.filter(user=user)


class Mandate(models.Model):
    """A person (through their account) lets one helper act for them."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("structure de l'aidant"),
    )
    helper = models.ForeignKey(
        Agent, on_delete=models.PROTECT, related_name="mandates", verbose_name=_("aidant")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="mandates_given",
        verbose_name=_("compte de la personne"),
    )
    given_name = models.CharField(_("prénom(s)"), max_length=150)
    family_name = models.CharField(_("nom"), max_length=150)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    email = models.EmailField(_("adresse électronique"))
    phone = models.CharField(_("téléphone"), max_length=32, blank=True)
    procedures = models.ManyToManyField(
        Procedure, related_name="mandates", verbose_name=_("démarches couvertes")
    )
    starts_on = models.DateField(_("à partir du"))
    ends_on = models.DateField(_("jusqu'au"))
    consent_method = models.CharField(
        _("accord de la personne"), max_length=16, choices=ConsentMethod.choices
    )
    signed_name = models.CharField(_("nom tapé par la personne"), max_length=300, blank=True)
    signature = models.TextField(
        _("signature tracée"), blank=True, help_text=_("Image PNG (data URL), facultative.")
    )
    code_hash = models.CharField(max_length=128, blank=True)
    code_sent_to = models.CharField(_("code envoyé à"), max_length=300, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("révoqué par"),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    objects = MandateQuerySet.as_manager()

    class Meta:
        verbose_name = _("mandat")
        verbose_name_plural = _("mandats")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "helper", "ends_on"]),
            models.Index(fields=["user", "ends_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="mandate_ends_after_start",
            )
        ]

    def __str__(self):
        return _("Mandat de %(person)s à %(helper)s") % {
            "person": self.person_name,
            "helper": self.helper,
        }

    @property
    def person_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    def status(self, today: datetime.date | None = None) -> str:
        today = today or timezone.localdate()
        if self.revoked_at is not None:
            return MandateStatus.REVOKED
        if self.confirmed_at is None:
            return MandateStatus.PENDING
        if self.ends_on < today:
            return MandateStatus.EXPIRED
        return MandateStatus.ACTIVE

    @property
    def status_label(self) -> str:
        return MandateStatus(self.status()).label

    @property
    def is_active(self) -> bool:
        return self.status() == MandateStatus.ACTIVE


class MandateCase(models.Model):
    """A case a helper started for the person under a mandate: the helper follows it
    while the mandate is active, and only then."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="case_links")
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="mandate_link")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dossier sous mandat")
        verbose_name_plural = _("dossiers sous mandat")

    def __str__(self):
        return f"{self.mandate} — {self.case}"


class MandateAct(models.Model):
    """One act of a helper under a mandate, shown "fait par <aidant> pour <personne>".
    Append-only: the person's and the agents' evidence."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="acts")
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mandate_acts",
        verbose_name=_("dossier"),
    )
    kind = models.CharField(_("nature"), max_length=32, choices=ActKind.choices)
    description = models.CharField(_("ce qui a été fait"), max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fait par"),
    )
    created_at = models.DateTimeField(_("le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("acte sous mandat")
        verbose_name_plural = _("actes sous mandat")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.mandate} — {self.description}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Acts under a mandate are append-only.")
        super().save(*args, **kwargs)
