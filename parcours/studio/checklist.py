"""The publication checklist: what must be written before a version may be published.

Each problem says what is missing, in the administrator's words, and names the part of
the studio where it is fixed (``section``), so the page can link to it. Publication is
refused while any problem remains (``services.version_publish``).
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from parcours.catalog import form_definition
from parcours.catalog.enums import CommitmentKind, DelayUnit, ImplicitDecision, Theme
from parcours.organisations.models import Unit

from .content import MessageEvent, version_content

# The parts of the studio, each with its own page (``backoffice:studio_<section>``).
SECTIONS = ("public", "form", "private", "documents", "routing", "legal", "commitments", "messages")


@dataclass(frozen=True)
class Problem:
    section: str
    message: str


def problems(version) -> list[Problem]:
    content = version_content(version)
    found: list[Problem] = []
    found += _public(content["public"])
    found += _form(version.form_definition)
    found += _private(content["private_fields"])
    found += _documents(version.required_documents)
    found += _routing(content["routing"], version)
    found += _legal(content["legal"], version)
    found += _commitments(content["commitments"])
    found += _messages(content["messages"])
    return found


def _public(public: dict) -> list[Problem]:
    missing = {
        "title": _("Donnez un intitulé à la démarche."),
        "summary": _("Écrivez en une phrase à quoi sert la démarche."),
        "description": _("Expliquez à quoi sert la démarche."),
        "who_can_apply": _("Dites qui peut faire la démarche."),
    }
    found = [
        Problem("public", message)
        for key, message in missing.items()
        if not str(public.get(key) or "").strip()
    ]
    if public.get("theme") not in Theme.values:
        found.append(
            Problem("public", _("Choisissez le thème sous lequel la démarche est classée."))
        )
    return found


def _definition_problems(definition, section: str) -> list[Problem]:
    try:
        form_definition.validate_definition(definition)
    except ValidationError as error:
        return [Problem(section, message) for message in error.messages]
    return []


def _form(definition) -> list[Problem]:
    found = _definition_problems(definition, "form")
    if not found and not definition.get("fields"):
        found.append(Problem("form", _("Le formulaire n'a encore aucune question.")))
    return found


def _private(fields) -> list[Problem]:
    return [
        Problem("private", _("Champs réservés aux agents : %(problem)s") % {"problem": p.message})
        for p in _definition_problems({"fields": fields}, "private")
    ]


def _documents(documents) -> list[Problem]:
    found, codes = [], set()
    for position, document in enumerate(documents or [], start=1):
        if not isinstance(document, dict) or not document.get("code") or not document.get("label"):
            found.append(
                Problem(
                    "documents",
                    _("Pièce n° %(n)s : un code et un libellé sont obligatoires.")
                    % {"n": position},
                )
            )
            continue
        if document["code"] in codes:
            found.append(
                Problem(
                    "documents",
                    _("Pièce n° %(n)s : le code « %(code)s » est déjà utilisé.")
                    % {"n": position, "code": document["code"]},
                )
            )
        codes.add(document["code"])
        days = document.get("valid_days", 365)
        if not isinstance(days, int) or isinstance(days, bool) or days < 0:
            found.append(
                Problem(
                    "documents",
                    _(
                        "Pièce « %(label)s » : la durée de validité est un nombre de jours, 0 ou plus."
                    )
                    % {"label": document["label"]},
                )
            )
    return found


def _routing(routing: dict, version) -> list[Problem]:
    units = {
        unit.slug: unit
        for unit in Unit.objects.filter(organisation_id=version.organisation_id, is_active=True)
    }
    found = []
    if routing.get("default_unit") not in units:
        found.append(
            Problem(
                "routing",
                _(
                    "Choisissez le service qui reçoit les demandes quand aucune règle ne s'applique."
                ),
            )
        )
    fields = {
        f.get("name"): f for f in version.form_definition.get("fields", []) if isinstance(f, dict)
    }
    for position, rule in enumerate(routing.get("rules") or [], start=1):
        where = _("Règle d'orientation n° %(n)s") % {"n": position}
        if not isinstance(rule, dict):
            found.append(
                Problem("routing", _("%(where)s : elle est illisible.") % {"where": where})
            )
            continue
        if rule.get("unit") not in units:
            found.append(
                Problem(
                    "routing",
                    _("%(where)s : le service choisi n'existe pas ou n'est plus actif.")
                    % {"where": where},
                )
            )
        name = rule.get("field")
        if "equals" in rule:
            spec = fields.get(name)
            if spec is None:
                found.append(
                    Problem(
                        "routing",
                        _(
                            "%(where)s : elle vise la question « %(name)s », qui n'est pas dans le formulaire."
                        )
                        % {"where": where, "name": name},
                    )
                )
            elif spec.get("choices") and rule["equals"] not in [
                c.get("value") for c in spec["choices"]
            ]:
                found.append(
                    Problem(
                        "routing",
                        _(
                            "%(where)s : la valeur « %(value)s » n'est pas un des choix de « %(label)s »."
                        )
                        % {"where": where, "value": rule["equals"], "label": spec.get("label")},
                    )
                )
        elif "postcodes" in rule:
            if not rule["postcodes"]:
                found.append(
                    Problem(
                        "routing",
                        _("%(where)s : indiquez au moins un code postal.") % {"where": where},
                    )
                )
            if name and name not in fields:
                found.append(
                    Problem(
                        "routing",
                        _(
                            "%(where)s : elle lit le code postal dans « %(name)s », qui n'est pas dans le formulaire."
                        )
                        % {"where": where, "name": name},
                    )
                )
        elif not rule.get("territory"):
            found.append(
                Problem(
                    "routing",
                    _(
                        "%(where)s : dites sur quoi elle porte (une réponse, des codes postaux ou le territoire du service)."
                    )
                    % {"where": where},
                )
            )
    return found


def _legal(legal: dict, version) -> list[Problem]:
    found = []
    if not str(legal.get("legal_basis") or "").strip():
        found.append(
            Problem(
                "legal",
                _(
                    "Indiquez la base légale : les textes qui fondent la démarche (ils figurent sur l'accusé de réception)."
                ),
            )
        )
    implicit = legal.get("implicit_decision")
    if implicit not in ImplicitDecision.values:
        found.append(
            Problem(
                "legal", _("Dites ce que vaut le silence de l'administration à la fin du délai.")
            )
        )
    delay = legal.get("decision_delay")
    if implicit != ImplicitDecision.NONE and (
        not isinstance(delay, int)
        or isinstance(delay, bool)
        or delay < 1
        or legal.get("decision_delay_unit") not in DelayUnit.values
    ):
        found.append(
            Problem("legal", _("Indiquez le délai de décision (au moins 1) et son unité."))
        )
    may_reject = bool(legal.get("can_be_rejected")) or implicit == ImplicitDecision.REJECTION
    if may_reject and not str(legal.get("appeal_routes") or "").strip():
        found.append(
            Problem(
                "legal",
                _(
                    "La démarche peut se terminer par un refus : indiquez les voies de recours (recours gracieux, hiérarchique, tribunal administratif)."
                ),
            )
        )
    if may_reject and not version.procedure.organisation.administrative_court:
        found.append(
            Problem(
                "legal",
                _(
                    "Le tribunal administratif compétent n'est pas renseigné pour votre administration : il doit figurer dans les voies de recours."
                ),
            )
        )
    return found


def _commitments(commitments) -> list[Problem]:
    found = []
    for position, c in enumerate(commitments or [], start=1):
        if (
            not isinstance(c, dict)
            or c.get("kind") not in CommitmentKind.values
            or not isinstance(c.get("target"), int)
            or c["target"] < 1
            or c.get("target_unit") not in DelayUnit.values
            or not str(c.get("wording") or "").strip()
        ):
            found.append(
                Problem(
                    "commitments",
                    _(
                        "Engagement n° %(n)s : objet, délai (au moins 1), unité et formulation sont obligatoires."
                    )
                    % {"n": position},
                )
            )
    return found


def _messages(messages) -> list[Problem]:
    found = []
    for event, message in (messages or {}).items():
        if event not in MessageEvent.values:
            found.append(
                Problem(
                    "messages",
                    _("Message pour un événement inconnu : « %(event)s ».") % {"event": event},
                )
            )
        elif not isinstance(message, dict) or not str(message.get("body") or "").strip():
            found.append(
                Problem(
                    "messages",
                    _("Le message « %(event)s » n'a pas de texte.")
                    % {"event": MessageEvent(event).label},
                )
            )
    return found
