"""Pure edits of a draft's lists (questions, documents, routing rules, commitments):
add, change, remove, move. Each returns a new list; services save it in the draft."""

import copy
import re

from django.utils.text import slugify

from parcours.catalog.enums import FieldType

from .errors import StudioError


def name_from_label(label: str, taken: set[str]) -> str:
    """A field name (``^[a-z][a-z0-9_]{0,62}$``) made from its label, unique in the form."""
    base = re.sub(r"[^a-z0-9]+", "_", slugify(label).replace("-", "_")).strip("_")[:40]
    if not base or not base[0].isalpha():
        base = f"q_{base}".rstrip("_") if base else "question"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name


def all_names(fields: list[dict]) -> set[str]:
    names = set()
    for field in fields:
        names.add(field.get("name"))
        for sub in field.get("fields", []) if field.get("type") == FieldType.GROUP else []:
            names.add(sub.get("name"))
    return names


def add_field(fields: list[dict], *, label: str, kind: str, step: str = "") -> tuple[list, dict]:
    fields = copy.deepcopy(fields)
    field = {"name": name_from_label(label, all_names(fields)), "label": label, "type": kind}
    if kind in (FieldType.CHOICE, FieldType.MULTIPLE_CHOICE):
        field["choices"] = []
    if kind == FieldType.GROUP:
        field["fields"] = []
    if step:
        field["step"] = step
    fields.append(field)
    return fields, field


def index_of(items: list[dict], key: str, value) -> int:
    for position, item in enumerate(items):
        if isinstance(item, dict) and item.get(key) == value:
            return position
    raise StudioError(str(value))


def replace_item(items: list[dict], position: int, item: dict) -> list[dict]:
    items = copy.deepcopy(items)
    items[position] = item
    return items


def remove_item(items: list, position: int) -> list:
    items = copy.deepcopy(items)
    del items[position]
    return items


def move_item(items: list, position: int, offset: int) -> list:
    items = copy.deepcopy(items)
    target = position + offset
    if 0 <= target < len(items):
        items[position], items[target] = items[target], items[position]
    return items


LIST_ACTIONS = ("remove", "up", "down")


def rearranged(items: list, position: int, action: str) -> list:
    """The list after one of the studio's list buttons: remove, up or down."""
    if action == "remove":
        return remove_item(items, position)
    if action in ("up", "down"):
        return move_item(items, position, -1 if action == "up" else 1)
    raise StudioError(action)


def dependants(fields: list[dict], name: str) -> list[dict]:
    """The questions shown only on an answer to ``name``."""
    return [f for f in fields if (f.get("show_if") or {}).get("field") == name]
