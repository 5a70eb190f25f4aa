"""Plain-language message templates for the demo administrations: what agents start
from to write to a citizen (see ``contacts.MessageTemplate``). Written as a person
would want to read them: who writes, what is needed, by when, and how to reach us."""

from parcours.catalog.models import Procedure
from parcours.contacts.models import MessageTemplate
from parcours.organisations.models import Organisation

GENERAL = [
    (
        "Accusé de prise en charge",
        "Bonjour {prenom},\n\n"
        "Je suis {agent}, du service {service}. C'est moi qui suis votre demande « {demarche} » "
        "(dossier {reference}). Je l'examine et je reviens vers vous dès que possible.\n\n"
        "Si votre situation change, répondez simplement à ce message.\n\n"
        "Bien cordialement,\n{agent}",
    ),
    (
        "Pièce manquante",
        "Bonjour {prenom},\n\n"
        "Pour continuer l'examen de votre dossier {reference}, il nous manque un document : "
        "[précisez le document].\n\n"
        "Vous pouvez l'envoyer depuis votre espace, le déposer au guichet du service {service} "
        "ou nous l'adresser par courrier, avant le {date_limite}. Si vous avez du mal à "
        "l'obtenir, dites-le-nous : nous chercherons une solution avec vous.\n\n"
        "Bien cordialement,\n{agent}",
    ),
    (
        "Rendez-vous proposé",
        "Bonjour {prenom},\n\n"
        "Votre demande « {demarche} » mérite que nous en parlions. Je vous propose un "
        "rendez-vous au service {service}, au guichet ou par téléphone, selon ce qui vous "
        "arrange. Vous pouvez choisir un créneau depuis votre espace.\n\n"
        "Bien cordialement,\n{agent}",
    ),
    (
        "Délai plus long que prévu",
        "Bonjour {prenom},\n\n"
        "L'examen de votre dossier {reference} prend plus de temps que prévu, et je vous prie "
        "de nous en excuser. Vous aurez une réponse au plus tard le {date_limite}. Vous n'avez "
        "rien à faire d'ici là.\n\n"
        "Bien cordialement,\n{agent}",
    ),
]
# Templates for one procedure, by procedure code.
BY_PROCEDURE = {
    "SCO": [
        (
            "Inscription scolaire : affectation en cours",
            "Bonjour {prenom},\n\n"
            "Nous avons bien tous les éléments de l'inscription (dossier {reference}). "
            "L'affectation dans une école dépend de votre adresse et des places disponibles : "
            "nous vous écrirons dès qu'elle sera décidée, au plus tard le {date_limite}.\n\n"
            "Bien cordialement,\n{agent}",
        )
    ],
}


def seed_message_templates() -> int:
    """Add the templates to every demo administration; returns how many were created."""
    created = []
    for organisation in Organisation.objects.order_by("pk"):
        for title, body in GENERAL:
            created.append(MessageTemplate(organisation=organisation, title=title, body=body))
        procedures = Procedure.objects.filter(
            organisation=organisation, code__in=list(BY_PROCEDURE)
        )
        for procedure in procedures:
            for title, body in BY_PROCEDURE[procedure.code]:
                created.append(
                    MessageTemplate(
                        organisation=organisation, procedure=procedure, title=title, body=body
                    )
                )
    MessageTemplate.objects.bulk_create(created)
    return len(created)
