from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessReason(models.TextChoices):
    """Why an agent opens a file handled by a unit they do not belong to."""

    PERSON_AT_COUNTER = "person_at_counter", _("La personne est devant moi ou au téléphone")
    OPINION_REQUESTED = (
        "opinion_requested",
        _("Le service qui traite le dossier m'a demandé un avis"),
    )
    LINKED_REQUEST = "linked_request", _("Le dossier est lié à une demande que je traite")
    REPLACEMENT = "replacement", _("Je remplace un collègue de ce service")
    OTHER = "other", _("Autre raison")


class JournalAction(models.TextChoices):
    """What was done with a person's data (access journal)."""

    READ = "read", _("a consulté")
    CHANGE = "change", _("a modifié")
    DOWNLOAD = "download", _("a téléchargé")
    EXPORT = "export", _("a exporté")
    OPEN_OUT_OF_SCOPE = "open_out_of_scope", _("a demandé à ouvrir")
    ANONYMISE = "anonymise", _("a anonymisé")
    DELETE = "delete", _("a supprimé")


class JournalVia(models.TextChoices):
    """Through which door the data was reached."""

    BACKOFFICE = "backoffice", _("l'espace des agents")
    API = "api", _("l'interface de programmation (API)")
    HELPER = "helper", _("l'espace des aidants")
    ADMIN = "admin", _("l'administration technique")
    SYSTEM = "system", _("un traitement automatique")


class JournalPurpose(models.TextChoices):
    """Why: the plain-language end of the sentence the person reads."""

    CASE_HANDLING = "case_handling", _("pour le traitement de votre demande")
    OUT_OF_SCOPE = (
        "out_of_scope",
        _("hors du service qui traite votre demande, pour la raison donnée"),
    )
    OPINION = "opinion", _("pour donner un avis demandé par le service qui traite votre demande")
    MANDATE = "mandate", _("pour vous aider, dans le cadre du mandat que vous avez donné")
    APPOINTMENT = "appointment", _("pour préparer ou tenir votre rendez-vous")
    RIGHTS_REQUEST = "rights_request", _("pour répondre à votre demande sur vos données")
    RETENTION = "retention", _("parce que la durée de conservation était écoulée")
    SUPPORT = "support", _("pour vous renseigner ou vous accompagner")


class RightsRequestKind(models.TextChoices):
    """What a person asks about their data (GDPR articles 16, 21 and 17)."""

    CORRECTION = "correction", _("Corriger une donnée inexacte")
    OBJECTION = "objection", _("M'opposer à un traitement")
    ERASURE = "erasure", _("Effacer mes données")


class RightsRequestStatus(models.TextChoices):
    RECEIVED = "received", _("Reçue")
    IN_PROGRESS = "in_progress", _("En cours d'examen")
    DONE = "done", _("Traitée")
    REFUSED = "refused", _("Refusée, avec les raisons")


class RightsEventKind(models.TextChoices):
    """The steps of a request about one's data, each shown to the person and emailed."""

    RECEIVED = "received", _("Demande reçue")
    TAKEN = "taken", _("Prise en charge")
    EXTENDED = "extended", _("Délai de réponse prolongé")
    DONE = "done", _("Réponse : demande satisfaite")
    REFUSED = "refused", _("Réponse : demande refusée")


class RefusalGround(models.TextChoices):
    """The legal grounds on which a request about one's data may be refused (GDPR)."""

    PUBLIC_TASK = (
        "public_task",
        _(
            "Les données sont nécessaires à une obligation légale ou à une mission "
            "d'intérêt public (RGPD, art. 17.3.b)"
        ),
    )
    LEGAL_CLAIMS = (
        "legal_claims",
        _(
            "Les données sont nécessaires à la constatation, à l'exercice ou à la défense "
            "de droits en justice (RGPD, art. 17.3.e et 21.1)"
        ),
    )
    COMPELLING_GROUNDS = (
        "compelling_grounds",
        _(
            "Il existe des motifs légitimes et impérieux de poursuivre le traitement "
            "(RGPD, art. 21.1)"
        ),
    )
    DATA_ACCURATE = (
        "data_accurate",
        _("Les données sont exactes, pièces à l'appui (RGPD, art. 16)"),
    )
    IDENTITY_UNCONFIRMED = (
        "identity_unconfirmed",
        _("L'identité du demandeur n'a pas pu être confirmée (RGPD, art. 12.6)"),
    )
    MANIFESTLY_UNFOUNDED = (
        "manifestly_unfounded",
        _("La demande est manifestement infondée ou excessive (RGPD, art. 12.5)"),
    )
