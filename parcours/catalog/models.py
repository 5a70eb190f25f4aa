from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from parcours.organisations.models import Organisation, Unit

from . import form_definition
from .enums import CommitmentKind, DelayUnit, ImplicitDecision, LifeSituation, Theme

# A document already given stays reusable for a year, unless the procedure says otherwise.
DOCUMENT_VALID_DAYS = 365


def _is_days(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def delay_display(amount: int, unit: str) -> str:
    """« 2 mois », « 1 jour calendaire », « 5 jours ouvrés », with plurals in every language."""
    if unit == DelayUnit.MONTHS:
        text = ngettext("%(n)s mois", "%(n)s mois", amount)
    elif unit == DelayUnit.WORKING_DAYS:
        text = ngettext("%(n)s jour ouvré", "%(n)s jours ouvrés", amount)
    else:
        text = ngettext("%(n)s jour calendaire", "%(n)s jours calendaires", amount)
    return text % {"n": amount}


class ProcedureQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Procedure(models.Model):
    """A kind of request (démarche): what it is for, who may apply, its rule and deadline."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="procedures"
    )
    code = models.CharField(
        _("code"),
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Trois lettres majuscules, par exemple SCO."))],
        help_text=_("Trois lettres qui figurent dans le numéro des dossiers (2026-SCO-000123)."),
    )
    slug = models.SlugField(_("identifiant"), unique=True)
    title = models.CharField(_("intitulé"), max_length=200)
    summary = models.CharField(_("en une phrase"), max_length=300)
    description = models.TextField(_("à quoi sert cette démarche"))
    who_can_apply = models.TextField(_("qui peut la faire"))
    what_happens_next = models.TextField(_("ce qui se passe ensuite"), blank=True)
    theme = models.CharField(_("thème"), max_length=32, choices=Theme.choices)
    life_situations = models.JSONField(
        _("situations de vie"),
        default=list,
        blank=True,
        help_text=_("Les situations dans lesquelles on cherche cette démarche (catalogue)."),
    )
    handling_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="procedures",
        verbose_name=_("service instructeur"),
    )
    legal_basis = models.TextField(_("base légale"))
    decision_delay = models.PositiveSmallIntegerField(
        _("délai de décision"), default=2, validators=[MinValueValidator(1)]
    )
    decision_delay_unit = models.CharField(
        _("unité du délai"), max_length=16, choices=DelayUnit.choices, default=DelayUnit.MONTHS
    )
    implicit_decision = models.CharField(
        _("effet du silence"),
        max_length=16,
        choices=ImplicitDecision.choices,
        default=ImplicitDecision.ACCEPTANCE,
        help_text=_(
            "Le silence vaut acceptation par principe (CRPA L231-1) ; rejet pour les "
            "exceptions de l'article L231-4 et des décrets."
        ),
    )
    grants_a_right = models.BooleanField(
        _("attribution d'un droit"),
        default=False,
        help_text=_(
            "Si coché, une pièce manquante n'interrompt pas l'instruction (CRPA L114-5-1)."
        ),
    )
    # Retention (docs/privacy.md): how long closed cases and their documents are kept,
    # counted from the closure; then the worker anonymises the case (its dates, state
    # and procedure stay for the statistics) and deletes the documents.
    retention_months = models.PositiveSmallIntegerField(
        _("conservation des dossiers clos (mois)"),
        default=60,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Après ce délai, compté depuis la clôture, le dossier est anonymisé : les "
            "réponses, les échanges et l'identité disparaissent, les dates et l'issue "
            "restent pour les statistiques."
        ),
    )
    document_retention_months = models.PositiveSmallIntegerField(
        _("conservation des pièces (mois)"),
        default=12,
        help_text=_(
            "Après ce délai, compté depuis la clôture, les pièces jointes sont supprimées. "
            "Au plus la durée de conservation du dossier."
        ),
    )
    retention_basis = models.TextField(
        _("justification de la durée de conservation"),
        blank=True,
        help_text=_(
            "Le texte ou la délibération qui fixe ces durées ; figure au registre des traitements."
        ),
    )
    is_geolocated = models.BooleanField(_("signalement géolocalisé"), default=False)
    is_published = models.BooleanField(_("publiée"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("démarche")
        verbose_name_plural = _("démarches")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def clean(self):
        if (
            self.document_retention_months is not None
            and self.retention_months is not None
            and self.document_retention_months > self.retention_months
        ):
            raise ValidationError(
                {
                    "document_retention_months": _(
                        "Les pièces ne peuvent pas être gardées plus longtemps que le dossier."
                    )
                }
            )
        situations = self.life_situations
        if not isinstance(situations, list) or set(situations) - set(LifeSituation.values):
            raise ValidationError(
                {"life_situations": _("Choisissez les situations de vie dans la liste proposée.")}
            )
        if (
            self.handling_unit_id
            and self.organisation_id
            and self.handling_unit.organisation_id != self.organisation_id
        ):
            raise ValidationError(
                {
                    "handling_unit": _(
                        "Le service instructeur doit relever de la même administration."
                    )
                }
            )

    @property
    def current_version(self) -> "ProcedureVersion | None":
        return self.versions.filter(published_at__isnull=False).order_by("-number").first()

    def cached_current_version(self) -> "ProcedureVersion | None":
        """``current_version``, read through the reference cache (lib/reference_cache.py):
        for the paths that file cases, where it is read on every request."""
        from parcours.lib import reference_cache

        return reference_cache.remember(
            "catalog:current-version", self.pk, lambda: self.current_version
        )

    def get_delay_display(self) -> str:
        return delay_display(self.decision_delay, self.decision_delay_unit)

    def get_life_situations_display(self) -> list[str]:
        labels = dict(LifeSituation.choices)
        return [labels[code] for code in self.life_situations or [] if code in labels]


class FrozenVersion(Exception):
    """A published procedure version was about to change: it never may, since cases
    filed under it read their form, documents and rules from it."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# What a published version keeps for ever (the studio's content is guarded likewise).
FROZEN_FIELDS = (
    "procedure_id",
    "number",
    "form_definition",
    "required_documents",
    "published_at",
)


class ProcedureVersion(models.Model):
    """A frozen version of a procedure's form and required documents.

    A case points at the version it was filed under, so a later change to the form
    never changes what a citizen answered.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    form_definition = models.JSONField(_("formulaire"), default=dict)
    required_documents = models.JSONField(
        _("pièces justificatives"),
        default=list,
        help_text=_('Liste d\'objets {"code", "label", "help", "required"}.'),
    )
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("version de démarche")
        verbose_name_plural = _("versions de démarche")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="procedure_version_unique")
        ]

    def __str__(self):
        return f"{self.procedure} v{self.number}"

    def save(self, *args, **kwargs):
        if self.organisation_id is None:
            self.organisation_id = self.procedure.organisation_id
        if self.pk is not None:
            stored = ProcedureVersion.objects.filter(pk=self.pk).values(*FROZEN_FIELDS).first()
            if (
                stored
                and stored["published_at"] is not None
                and any(stored[name] != getattr(self, name) for name in FROZEN_FIELDS)
            ):
                raise FrozenVersion(
                    _("Cette version est publiée : elle ne peut plus être modifiée.")
                )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.published_at is not None:
            raise FrozenVersion(_("Cette version est publiée : elle ne peut pas être supprimée."))
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @classmethod
    def cached(cls, pk: int) -> "ProcedureVersion":
        """Version ``pk`` with its procedure and the procedure's administration, read
        through the reference cache (lib/reference_cache.py): for the pages of a draft,
        which read them on every request. Raises ``DoesNotExist`` as ``get`` does."""
        from parcours.lib import reference_cache

        return reference_cache.remember(
            "catalog:version",
            pk,
            lambda: cls.objects.select_related("procedure__organisation").get(pk=pk),
        )

    def clean(self):
        errors = {}
        try:
            form_definition.validate_definition(self.form_definition)
        except ValidationError as error:
            errors["form_definition"] = error.messages
        documents = self.required_documents
        if not isinstance(documents, list) or not all(
            isinstance(d, dict) and d.get("code") and d.get("label") for d in documents
        ):
            errors["required_documents"] = [_("Chaque pièce doit avoir un code et un libellé.")]
        elif any(not _is_days(d.get("valid_days", 0)) for d in documents):
            errors["required_documents"] = [
                _(
                    "« valid_days » est un nombre entier de jours, 0 ou plus : la durée "
                    "pendant laquelle une pièce déjà fournie peut être réutilisée."
                )
            ]
        if errors:
            raise ValidationError(errors)

    def reuse_validity(self) -> dict[str, int]:
        """For each document asked for, by code: for how many days a copy the person
        already gave for another request may be reused ("tell us once"); 0: never."""
        return {
            d["code"]: d.get("valid_days", DOCUMENT_VALID_DAYS)
            if _is_days(d.get("valid_days", DOCUMENT_VALID_DAYS))
            else DOCUMENT_VALID_DAYS
            for d in self.required_documents or []
            if isinstance(d, dict) and d.get("code")
        }


class Commitment(models.Model):
    """A published service promise, e.g. « Nous répondons à vos messages sous 5 jours ouvrés ».

    It applies to the whole organisation, or to one unit, one procedure, or one
    procedure in one unit; the most specific one wins
    (``parcours.commitments.selectors.commitment_for``).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="commitments"
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("service"),
        help_text=_("Vide : l'engagement vaut pour tous les services de l'administration."),
    )
    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="commitments",
        help_text=_("Vide : l'engagement vaut pour toutes les démarches de l'administration."),
    )
    kind = models.CharField(_("objet"), max_length=32, choices=CommitmentKind.choices)
    target = models.PositiveSmallIntegerField(_("délai promis"), validators=[MinValueValidator(1)])
    target_unit = models.CharField(
        _("unité"), max_length=16, choices=DelayUnit.choices, default=DelayUnit.WORKING_DAYS
    )
    wording = models.CharField(_("formulation publiée"), max_length=300)

    class Meta:
        verbose_name = _("engagement de service")
        verbose_name_plural = _("engagements de service")
        ordering = ["organisation", "procedure", "kind"]
        indexes = [models.Index(fields=["organisation", "kind"])]

    def __str__(self):
        return self.wording

    def clean(self):
        errors = {}
        if (
            self.unit_id
            and self.organisation_id
            and self.unit.organisation_id != self.organisation_id
        ):
            errors["unit"] = _("Le service doit relever de la même administration.")
        if (
            self.procedure_id
            and self.organisation_id
            and self.procedure.organisation_id != self.organisation_id
        ):
            errors["procedure"] = _("La démarche doit relever de la même administration.")
        if errors:
            raise ValidationError(errors)

    def get_target_display(self) -> str:
        """« 5 jours ouvrés »."""
        return delay_display(self.target, self.target_unit)
