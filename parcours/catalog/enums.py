from django.db import models
from django.utils.translation import gettext_lazy as _


class ImplicitDecision(models.TextChoices):
    """What the administration's silence means when the decision deadline passes (CRPA L231-1, L231-4)."""

    ACCEPTANCE = "acceptance", _("Acceptation implicite")
    REJECTION = "rejection", _("Rejet implicite")
    NONE = "none", _("Pas de décision implicite")


class DelayUnit(models.TextChoices):
    MONTHS = "months", _("mois")
    DAYS = "days", _("jours calendaires")
    WORKING_DAYS = "working_days", _("jours ouvrés")


class Theme(models.TextChoices):
    FAMILY = "family", _("Famille et scolarité")
    HOUSING = "housing", _("Logement")
    MOBILITY = "mobility", _("Transports et stationnement")
    CITIZENSHIP = "citizenship", _("Citoyenneté et élections")
    SOCIAL = "social", _("Aides et solidarité")
    PUBLIC_SPACE = "public_space", _("Voirie et cadre de vie")
    RELATION = "relation", _("Relation avec l'administration")


class LifeSituation(models.TextChoices):
    """What is happening in the person's life: a second way into the catalogue, in their
    words rather than the administration's (as service-public.fr does)."""

    MOVING = "moving", _("Je déménage")
    SCHOOL = "school", _("Mon enfant va à l'école")
    HOUSING = "housing", _("Je cherche un logement")
    INCOME = "income", _("Mes revenus baissent")
    AGEING = "ageing", _("Un proche âgé perd son autonomie")
    VOTING = "voting", _("Je veux voter")
    HOSTING = "hosting", _("J'accueille un proche venu de l'étranger")
    NEIGHBOURHOOD = "neighbourhood", _("Un problème dans ma rue")
    DIGITAL_HELP = "digital_help", _("J'ai besoin d'aide pour une démarche en ligne")
    DISSATISFIED = "dissatisfied", _("Je ne suis pas satisfait du service")


class FieldType(models.TextChoices):
    TEXT = "text", _("Texte court")
    TEXTAREA = "textarea", _("Texte long")
    EMAIL = "email", _("Adresse électronique")
    PHONE = "phone", _("Téléphone")
    DATE = "date", _("Date")
    INTEGER = "integer", _("Nombre entier")
    DECIMAL = "decimal", _("Montant ou nombre décimal")
    BOOLEAN = "boolean", _("Case à cocher")
    CHOICE = "choice", _("Choix unique")
    MULTIPLE_CHOICE = "multiple_choice", _("Choix multiples")
    ADDRESS = "address", _("Adresse")
    LOCATION = "location", _("Position sur une carte")
    YES_NO = "yes_no", _("Oui ou non")
    FILE = "file", _("Fichier")
    GROUP = "group", _("Groupe de questions répétable")


class CommitmentKind(models.TextChoices):
    """What a service commitment promises (``Commitment``), measured by
    ``parcours.commitments`` from the real events."""

    RECEIPT = "receipt", _("Accusé de réception")
    FIRST_REPLY = "first_reply", _("Réponse à un message")
    DECISION = "decision", _("Décision")
    PHONE_ANSWER = "phone_answer", _("Réponse au téléphone")
    APPOINTMENT = "appointment", _("Rendez-vous proposé")
    COMPLAINT = "complaint", _("Réponse à une réclamation")
