"""A version's content beyond the form: its keys, its defaults, and how it maps onto the
live ``Procedure`` row that the catalogue, the apply flow and the receipts read.

``VersionContent.content`` is a JSON object::

    {"public": {"title", "summary", "description", "who_can_apply",
                "what_happens_next", "help", "theme", "life_situations"},
     "legal": {"legal_basis", "decision_delay", "decision_delay_unit",
               "implicit_decision", "grants_a_right", "can_be_rejected",
               "appeal_routes", "is_geolocated"},
     "routing": {"default_unit": "<unit slug>",
                 "rules": [{"unit": "<slug>", "field": "<name>", "equals": <value>},
                           {"unit": "<slug>", "postcodes": ["45510", "451"],
                            "field": "<name of an answer holding an address>"},
                           {"unit": "<slug>", "territory": true}]},
     "private_fields": [<field definitions, as in the form>],
     "commitments": [{"kind", "target", "target_unit", "wording"}],
     "messages": {"<event>": {"subject": "...", "body": "..."}}}

docs/procedure-format.md documents each key for the people who write them.
"""

import copy

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from parcours.catalog.enums import DelayUnit, ImplicitDecision
from parcours.catalog.models import Procedure
from parcours.organisations.models import Unit

PUBLIC_TEXTS = ("title", "summary", "description", "who_can_apply", "what_happens_next", "help")
PUBLIC_KEYS = (*PUBLIC_TEXTS, "theme", "life_situations")
LEGAL_KEYS = (
    "legal_basis",
    "decision_delay",
    "decision_delay_unit",
    "implicit_decision",
    "grants_a_right",
    "can_be_rejected",
    "appeal_routes",
    "is_geolocated",
)
# The Procedure columns a published version sets (the others are the studio's only).
PROCEDURE_COLUMNS = {
    "public": (
        "title",
        "summary",
        "description",
        "who_can_apply",
        "what_happens_next",
        "theme",
        "life_situations",
    ),
    "legal": (
        "legal_basis",
        "decision_delay",
        "decision_delay_unit",
        "implicit_decision",
        "grants_a_right",
        "is_geolocated",
    ),
}


class MessageEvent(TextChoices):
    """The moments of a case at which the service writes to the person, with the text the
    procedure's writer chose; the agent still reads it before sending."""

    RECEIVED = "received", _("Demande reçue")
    INFORMATION_REQUESTED = "information_requested", _("Pièces ou informations demandées")
    ACCEPTED = "accepted", _("Demande acceptée")
    REJECTED = "rejected", _("Demande refusée")
    CLOSED = "closed", _("Demande classée sans suite")


def empty_content() -> dict:
    return {
        "public": dict.fromkeys(PUBLIC_TEXTS, "") | {"theme": "", "life_situations": []},
        "legal": {
            "legal_basis": "",
            "decision_delay": 2,
            "decision_delay_unit": DelayUnit.MONTHS.value,
            "implicit_decision": ImplicitDecision.ACCEPTANCE.value,
            "grants_a_right": False,
            "can_be_rejected": True,
            "appeal_routes": "",
            "is_geolocated": False,
        },
        "routing": {"default_unit": "", "rules": []},
        "private_fields": [],
        "commitments": [],
        "messages": {},
    }


def normalised(content: dict | None) -> dict:
    """The content with every section and key present (missing ones at their default)."""
    result = empty_content()
    for section, default in result.items():
        given = (content or {}).get(section)
        if isinstance(default, dict) and isinstance(given, dict):
            default.update(copy.deepcopy(given))
        elif given is not None and type(given) is type(default):
            result[section] = copy.deepcopy(given)
    return result


def content_from_procedure(procedure: Procedure) -> dict:
    """What a procedure written before the studio (in the admin) says, as content."""
    content = empty_content()
    for section, names in PROCEDURE_COLUMNS.items():
        for name in names:
            content[section][name] = copy.deepcopy(getattr(procedure, name))
    content["public"]["theme"] = procedure.theme or ""
    content["routing"]["default_unit"] = (
        procedure.handling_unit.slug if procedure.handling_unit_id else ""
    )
    content["commitments"] = (
        [
            {
                "kind": c.kind,
                "target": c.target,
                "target_unit": c.target_unit,
                "wording": c.wording,
            }
            for c in procedure.commitments.order_by("kind", "pk")
            if getattr(c, "unit_id", None) is None
        ]
        if procedure.pk
        else []
    )
    return content


def apply_to_procedure(procedure: Procedure, content: dict) -> Procedure:
    """Set the procedure's live columns from a version's content (not saved)."""
    content = normalised(content)
    for section, names in PROCEDURE_COLUMNS.items():
        for name in names:
            setattr(procedure, name, copy.deepcopy(content[section][name]))
    slug = content["routing"]["default_unit"]
    if slug:
        unit = Unit.objects.filter(organisation_id=procedure.organisation_id, slug=slug).first()
        if unit is not None:
            procedure.handling_unit = unit
    return procedure


def version_content(version) -> dict:
    """A version's content; for a version written before the studio, its procedure's."""
    from .models import VersionContent

    if version.pk is not None:
        # Read afresh: a version object may hold a content cached before a save.
        stored = VersionContent.objects.filter(version_id=version.pk).values_list(
            "content", flat=True
        )
        for content in stored:
            return normalised(content)
    return content_from_procedure(version.procedure)
