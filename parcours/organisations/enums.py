from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    STATE = "state", _("Administration de l'État")
    COMMUNE = "commune", _("Commune")
    DEPARTEMENT = "departement", _("Département")
    REGION = "region", _("Région")
    SOCIAL_SECURITY = "social_security", _("Organisme de protection sociale")
    OTHER = "other", _("Autre organisme chargé d'un service public")


class AgentRole(models.TextChoices):
    AGENT = "agent", _("Agent")
    UNIT_MANAGER = "unit_manager", _("Responsable de service")
    ORGANISATION_ADMIN = "organisation_admin", _("Administrateur de l'administration")
    HELPER = "helper", _("Aidant")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Lundi")
    TUESDAY = 1, _("Mardi")
    WEDNESDAY = 2, _("Mercredi")
    THURSDAY = 3, _("Jeudi")
    FRIDAY = 4, _("Vendredi")
    SATURDAY = 5, _("Samedi")
    SUNDAY = 6, _("Dimanche")


class HolidayCalendar(models.TextChoices):
    """Territories whose public holidays differ from mainland France (``holidays`` codes)."""

    MAINLAND = "", _("Métropole (jours fériés nationaux)")
    MOSELLE = "57", _("Moselle")
    ALSACE = "6AE", _("Alsace (Bas-Rhin et Haut-Rhin)")
    GUADELOUPE = "971", _("Guadeloupe")
    MARTINIQUE = "972", _("Martinique")
    GUYANE = "973", _("Guyane")
    REUNION = "974", _("La Réunion")
    MAYOTTE = "976", _("Mayotte")
    SAINT_BARTHELEMY = "BL", _("Saint-Barthélemy")
    SAINT_MARTIN = "MF", _("Saint-Martin")
    SAINT_PIERRE = "PM", _("Saint-Pierre-et-Miquelon")
