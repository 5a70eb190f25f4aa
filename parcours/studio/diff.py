"""What changed between two versions of a procedure, as an administrator reads it:
questions added, removed or changed (and which of their properties), documents, the
public texts, the legal settings, the routing, the commitments and the messages."""

import json
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .content import version_content

ADDED, REMOVED, CHANGED = "added", "removed", "changed"

FIELD_PROPERTIES = {
    "label": gettext_lazy("libellé"),
    "type": gettext_lazy("type"),
    "required": gettext_lazy("obligatoire"),
    "help": gettext_lazy("aide"),
    "choices": gettext_lazy("choix"),
    "show_if": gettext_lazy("condition d'affichage"),
    "step": gettext_lazy("section"),
    "max_length": gettext_lazy("longueur maximale"),
    "min": gettext_lazy("minimum"),
    "max": gettext_lazy("maximum"),
    "prefill": gettext_lazy("pré-remplissage"),
    "fields": gettext_lazy("questions du groupe"),
    "min_items": gettext_lazy("nombre minimal de lignes"),
    "max_items": gettext_lazy("nombre maximal de lignes"),
}
TEXT_LABELS = {
    "title": gettext_lazy("Intitulé"),
    "summary": gettext_lazy("En une phrase"),
    "description": gettext_lazy("À quoi sert cette démarche"),
    "who_can_apply": gettext_lazy("Qui peut la faire"),
    "what_happens_next": gettext_lazy("Ce qui se passe ensuite"),
    "help": gettext_lazy("Aide"),
    "theme": gettext_lazy("Thème"),
    "life_situations": gettext_lazy("Situations de vie"),
    "legal_basis": gettext_lazy("Base légale"),
    "decision_delay": gettext_lazy("Délai de décision"),
    "decision_delay_unit": gettext_lazy("Unité du délai"),
    "implicit_decision": gettext_lazy("Effet du silence"),
    "grants_a_right": gettext_lazy("Attribution d'un droit"),
    "can_be_rejected": gettext_lazy("Peut se terminer par un refus"),
    "appeal_routes": gettext_lazy("Voies de recours"),
    "is_geolocated": gettext_lazy("Signalement géolocalisé"),
}


@dataclass
class Change:
    section: str
    kind: str
    subject: str
    before: str = ""
    after: str = ""
    details: list[str] = field(default_factory=list)


def _show(value) -> str:
    if value in (None, "", [], {}):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    return json.dumps(value, ensure_ascii=False)


def _by_key(items, key: str) -> dict:
    return {item[key]: item for item in items or [] if isinstance(item, dict) and key in item}


def _compare_items(section: str, old: list, new: list, key: str, title_key: str) -> list[Change]:
    before, after = _by_key(old, key), _by_key(new, key)
    changes = []
    for name, item in after.items():
        if name not in before:
            changes.append(Change(section, ADDED, item.get(title_key) or name))
    for name, item in before.items():
        if name not in after:
            changes.append(Change(section, REMOVED, item.get(title_key) or name))
    for name in before.keys() & after.keys():
        was, now = before[name], after[name]
        details = [
            _("%(property)s : « %(before)s » → « %(after)s »")
            % {
                "property": FIELD_PROPERTIES.get(prop, prop),
                "before": _show(was.get(prop)),
                "after": _show(now.get(prop)),
            }
            for prop in sorted(set(was) | set(now))
            if prop != key and was.get(prop) != now.get(prop)
        ]
        old_order = [k for k in before if k in after]
        new_order = [k for k in after if k in before]
        if old_order.index(name) != new_order.index(name) and not details:
            details.append(_("déplacé"))
        if details:
            changes.append(Change(section, CHANGED, now.get(title_key) or name, details=details))
    return changes


def _compare_texts(section: str, old: dict, new: dict) -> list[Change]:
    return [
        Change(
            section,
            CHANGED,
            str(TEXT_LABELS.get(key, key)),
            _show(old.get(key)),
            _show(new.get(key)),
        )
        for key in new
        if old.get(key) != new.get(key)
    ]


def version_diff(old, new) -> list[Change]:
    """The changes from version ``old`` to version ``new``."""
    old_content, new_content = version_content(old), version_content(new)
    changes = []
    changes += _compare_texts("public", old_content["public"], new_content["public"])
    changes += _compare_items(
        "form",
        (old.form_definition or {}).get("fields", []),
        (new.form_definition or {}).get("fields", []),
        "name",
        "label",
    )
    changes += _compare_items(
        "private", old_content["private_fields"], new_content["private_fields"], "name", "label"
    )
    changes += _compare_items(
        "documents", old.required_documents, new.required_documents, "code", "label"
    )
    changes += _compare_texts("legal", old_content["legal"], new_content["legal"])
    if old_content["routing"] != new_content["routing"]:
        changes.append(
            Change(
                "routing",
                CHANGED,
                _("Règles d'orientation"),
                _show(old_content["routing"]),
                _show(new_content["routing"]),
            )
        )
    if old_content["commitments"] != new_content["commitments"]:
        changes.append(
            Change(
                "commitments",
                CHANGED,
                _("Engagements de service"),
                _show(old_content["commitments"]),
                _show(new_content["commitments"]),
            )
        )
    if old_content["messages"] != new_content["messages"]:
        changes.append(
            Change(
                "messages",
                CHANGED,
                _("Messages"),
                _show(old_content["messages"]),
                _show(new_content["messages"]),
            )
        )
    return changes
