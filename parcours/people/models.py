from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.organisations.models import Organisation

from .enums import (
    PREFERRED_CHANNELS,
    AccessibilityNeed,
    Channel,
    DisputeStatus,
    IdentityField,
    Language,
    PersonKind,
)


class Person(models.Model):
    """A citizen (usager) as known by one organisation: one record across every channel.

    Each administration keeps its own record of the people it serves; a signed-in
    user is linked to the records of every administration they deal with.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="people")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("compte"),
    )
    kind = models.CharField(
        _("type"), max_length=16, choices=PersonKind.choices, default=PersonKind.INDIVIDUAL
    )
    given_name = models.CharField(_("prénom(s)"), max_length=150)
    family_name = models.CharField(_("nom de naissance"), max_length=150)
    usual_name = models.CharField(_("nom d'usage"), max_length=150, blank=True)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    birth_place = models.CharField(_("lieu de naissance"), max_length=150, blank=True)
    identity_certified = models.BooleanField(
        _("identité certifiée"),
        default=False,
        help_text=_("Vrai quand l'identité vient d'un fournisseur d'identité (FranceConnect)."),
    )
    legal_entity_name = models.CharField(
        _("personne morale représentée"), max_length=200, blank=True
    )
    legal_entity_siret = models.CharField(
        _("SIRET de la personne morale"), max_length=14, blank=True
    )
    email = models.EmailField(_("adresse électronique"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=32, blank=True)
    street = models.CharField(_("adresse"), max_length=200, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("commune"), max_length=100, blank=True)
    preferred_channel = models.CharField(
        _("moyen de contact préféré"),
        max_length=16,
        choices=[(c.value, c.label) for c in PREFERRED_CHANNELS],
        default=Channel.EMAIL,
    )
    preferred_language = models.CharField(
        _("langue préférée"), max_length=8, choices=Language.choices, default=Language.FR
    )
    accessibility_needs = models.JSONField(
        _("besoins d'accessibilité"),
        default=list,
        blank=True,
        help_text=_("Liste de besoins parmi ceux prévus (gros caractères, FALC, LSF…)."),
    )
    accessibility_note = models.TextField(_("précisions sur l'accessibilité"), blank=True)
    notify_by_email = models.BooleanField(
        _("recevoir les nouvelles de ses dossiers par courriel"),
        default=True,
        help_text=_(
            "Les messages obligatoires (accusé de réception, demandes de pièces, décisions) "
            "sont envoyés quel que soit ce choix."
        ),
    )
    notify_by_sms = models.BooleanField(
        _("recevoir les nouvelles de ses dossiers par SMS"),
        default=False,
        help_text=_("Sur un téléphone mobile : chaque étape de ses dossiers, en quelques mots."),
    )
    # For each kind of data (``DataKind``): where it comes from, when it was given or
    # checked, and until when it may be reused without asking again (see
    # ``people.validity``). Kept on the record so that prefilling costs no query.
    data_validity = models.JSONField(
        _("validité des données"),
        default=dict,
        blank=True,
        help_text=_(
            "Par donnée : origine, date où elle a été donnée ou vérifiée, fin de validité."
        ),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("usager")
        verbose_name_plural = _("usagers")
        ordering = ["family_name", "given_name"]
        indexes = [models.Index(fields=["organisation", "family_name", "given_name"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(user__isnull=False),
                name="person_one_record_per_user_and_organisation",
            )
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        family = self.usual_name or self.family_name
        return f"{self.given_name} {family}".strip()

    @property
    def postal_address(self) -> str:
        return f"{self.street}\n{self.postcode} {self.city}".strip()

    def clean(self):
        unknown = set(self.accessibility_needs or []) - set(AccessibilityNeed.values)
        if unknown:
            raise ValidationError(
                {
                    "accessibility_needs": _("Besoin d'accessibilité inconnu : %(values)s")
                    % {"values": ", ".join(sorted(unknown))}
                }
            )
        if self.kind == PersonKind.REPRESENTATIVE and not self.legal_entity_name:
            raise ValidationError(
                {"legal_entity_name": _("Indiquez la personne morale que vous représentez.")}
            )
        if not (self.email or self.phone or self.street):
            raise ValidationError(
                _("Indiquez au moins un moyen de vous joindre : courriel, téléphone ou adresse.")
            )

    def get_accessibility_needs_display(self) -> list[str]:
        labels = dict(AccessibilityNeed.choices)
        return [labels[need] for need in self.accessibility_needs if need in labels]


class IdentityDispute(models.Model):
    """A person says their certified identity is wrong: an agent checks and answers.

    Certified data comes from the identity provider and is never edited by the person
    themself; the dispute keeps what they proposed and why, for the administration.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identity_disputes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signalé par"),
    )
    field = models.CharField(_("donnée contestée"), max_length=32, choices=IdentityField.choices)
    proposed_value = models.CharField(_("valeur proposée"), max_length=200)
    explanation = models.TextField(_("explication"), blank=True)
    status = models.CharField(
        _("état"), max_length=16, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    created_at = models.DateTimeField(_("signalé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("contestation d'identité")
        verbose_name_plural = _("contestations d'identité")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self):
        return f"{self.person} — {self.get_field_display()}"


class DataSharingConsent(models.Model):
    """The person agreed that something they gave for one request be passed on for
    another ("tell us once", CRPA L114-8): what, from which request, to which
    administration and for which request, when; and when they took it back.

    Kept as evidence of the exchange, even once the copy it allowed is taken back.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("administration destinataire"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="sharing_consents", verbose_name=_("usager")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("donné par"),
    )
    what = models.CharField(_("donnée transmise"), max_length=300)
    source_case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dossier d'origine"),
    )
    target_case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="sharing_consents",
        verbose_name=_("dossier destinataire"),
    )
    document = models.ForeignKey(
        "cases.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("copie transmise"),
    )
    given_at = models.DateTimeField(_("donné le"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("retiré le"), null=True, blank=True)

    class Meta:
        verbose_name = _("accord de transmission")
        verbose_name_plural = _("accords de transmission")
        ordering = ["-given_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "person"])]

    def __str__(self):
        return f"{self.person} — {self.what}"
