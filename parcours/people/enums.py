from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PersonKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Particulier")
    REPRESENTATIVE = "representative", _("Représentant d'une personne morale")


class Channel(models.TextChoices):
    """How a person reaches us, or prefers to be reached."""

    ONLINE = "online", _("En ligne")
    EMAIL = "email", _("Courriel")
    PHONE = "phone", _("Téléphone")
    COUNTER = "counter", _("Guichet")
    POST = "post", _("Courrier postal")
    SMS = "sms", _("SMS")
    HELPER = "helper", _("Par un aidant")


PREFERRED_CHANNELS = [Channel.EMAIL, Channel.SMS, Channel.POST, Channel.PHONE]


class AccessibilityNeed(models.TextChoices):
    LARGE_PRINT = "large_print", _("Documents en gros caractères")
    EASY_READ = "easy_read", _("Français facile à lire et à comprendre (FALC)")
    SIGN_LANGUAGE = "sign_language", _("Langue des signes française (LSF)")
    SCREEN_READER = "screen_reader", _("Lecteur d'écran")
    HEARING = "hearing", _("Malentendant : préférer l'écrit")
    MOBILITY = "mobility", _("Accès de plain-pied au guichet")
    ASSISTANCE = "assistance", _("Besoin d'être accompagné dans les démarches en ligne")


class Language(models.TextChoices):
    FR = "fr", pgettext_lazy("language name", "Français")
    EN = "en", pgettext_lazy("language name", "Anglais")


class IdentityField(models.TextChoices):
    """The identity fields a certified person may dispute."""

    GIVEN_NAME = "given_name", _("Prénom(s)")
    FAMILY_NAME = "family_name", _("Nom de naissance")
    BIRTH_DATE = "birth_date", _("Date de naissance")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("À traiter")
    RESOLVED = "resolved", _("Traité")


class DataKind(models.TextChoices):
    """The kinds of data held about a person, each with its own validity."""

    IDENTITY = "identity", _("Identité")
    EMAIL = "email", _("Adresse électronique")
    PHONE = "phone", _("Téléphone")
    POSTAL_ADDRESS = "postal_address", _("Adresse")


class DataOrigin(models.TextChoices):
    """Where a datum held about a person comes from."""

    DECLARED = "declared", _("Déclarée par la personne")
    CERTIFIED = "certified", _("Certifiée par FranceConnect")
    VERIFIED = "verified", _("Vérifiée par un agent")
    OBTAINED = "obtained", _("Obtenue d'une autre administration")


# The Person fields each kind covers.
KIND_FIELDS = {
    DataKind.IDENTITY: ("given_name", "family_name", "usual_name", "birth_date", "birth_place"),
    DataKind.EMAIL: ("email",),
    DataKind.PHONE: ("phone",),
    DataKind.POSTAL_ADDRESS: ("street", "postcode", "city", "postal_address"),
}
FIELD_KIND = {field: kind for kind, fields in KIND_FIELDS.items() for field in fields}
