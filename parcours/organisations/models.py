from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import AgentRole, HolidayCalendar, OrganisationKind, Weekday


class Organisation(models.Model):
    """An administration that provides procedures: a commune, a département, a benefits body."""

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), unique=True)
    kind = models.CharField(_("nature"), max_length=32, choices=OrganisationKind.choices)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    address = models.TextField(_("adresse postale"))
    email = models.EmailField(_("adresse électronique"))
    phone = models.CharField(_("téléphone"), max_length=32)
    website = models.URLField(_("site internet"), blank=True)
    administrative_court = models.CharField(
        _("tribunal administratif compétent"),
        max_length=200,
        help_text=_("Nommé dans les voies de recours des décisions et accusés de réception."),
    )
    administrative_court_address = models.TextField(_("adresse du tribunal"), blank=True)

    class Meta:
        verbose_name = _("administration")
        verbose_name_plural = _("administrations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_state_body(self) -> bool:
        """Only State bodies may carry the State design system (DSFR)."""
        return self.kind == OrganisationKind.STATE


class Unit(models.Model):
    """A service of an organisation: it handles cases, has a counter, hours and a territory."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"))
    street = models.CharField(_("adresse"), max_length=200)
    postcode = models.CharField(_("code postal"), max_length=10)
    city = models.CharField(_("commune"), max_length=100)
    email = models.EmailField(_("adresse électronique"))
    phone = models.CharField(_("téléphone"), max_length=32)
    territory = models.CharField(
        _("territoire desservi"),
        max_length=200,
        help_text=_("En clair, par exemple « Commune de Bellerive-sur-Loire »."),
    )
    territory_postcodes = models.JSONField(_("codes postaux desservis"), default=list, blank=True)
    holiday_subdivision = models.CharField(
        _("calendrier des jours fériés"),
        max_length=8,
        blank=True,
        choices=HolidayCalendar.choices,
        default=HolidayCalendar.MAINLAND,
        help_text=_("Alsace-Moselle et outre-mer ont des jours fériés propres."),
    )
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="unit_unique_slug")
        ]

    def __str__(self):
        return self.name

    @property
    def postal_address(self) -> str:
        return f"{self.street}\n{self.postcode} {self.city}"


class OpeningHours(models.Model):
    """One opening period of a unit's counter on one weekday (several per day allowed)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("jour"), choices=Weekday.choices)
    opens_at = models.TimeField(_("ouverture"))
    closes_at = models.TimeField(_("fermeture"))

    class Meta:
        verbose_name = _("horaire d'ouverture")
        verbose_name_plural = _("horaires d'ouverture")
        ordering = ["unit", "weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="opening_hours_closes_after_opening",
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    def save(self, *args, **kwargs):
        if self.organisation_id is None:
            self.organisation_id = self.unit.organisation_id
        super().save(*args, **kwargs)

    def clean(self):
        if self.unit_id and self.organisation_id is None:
            self.organisation_id = self.unit.organisation_id
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError(
                {"closes_at": _("L'heure de fermeture doit suivre l'heure d'ouverture.")}
            )


class Agent(models.Model):
    """A public servant using the back-office. Belongs to units of one organisation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="agents")
    units = models.ManyToManyField(Unit, related_name="agents", verbose_name=_("services"))
    role = models.CharField(_("rôle"), max_length=32, choices=AgentRole.choices)
    title = models.CharField(
        _("fonction"),
        max_length=200,
        help_text=_("Figure sur les courriers (CRPA L111-2), par exemple « Instructrice »."),
    )
    phone = models.CharField(_("téléphone professionnel"), max_length=32, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.email
