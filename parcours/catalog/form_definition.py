"""Procedure forms as data: the definition's schema and the validation of answers.

A form definition is a JSON object stored on each ProcedureVersion::

    {"fields": [
        {"name": "child_given_name", "label": "Prénom de l'enfant", "type": "text",
         "required": true, "max_length": 100, "help": "Comme sur le livret de famille"},
        {"name": "school", "label": "École souhaitée", "type": "choice",
         "choices": [{"value": "jaures", "label": "École Jean-Jaurès"}]},
        {"name": "canteen_days", "label": "Jours de cantine", "type": "multiple_choice",
         "choices": [...], "show_if": {"field": "canteen", "equals": true}}
    ]}

Conditional fields (``show_if``) are only validated, and only kept, when their
condition holds. Every message says what is wrong and how to fix it.

Three types hold more than a value: ``yes_no`` (``true`` or ``false``, both answers),
``file`` (``{"document": <Document id>, "name": "<file name>"}``, the file being
attached to the case by the apply flow) and ``group``, a repeatable group of questions
(``"fields": [...]``, ``"min_items"``, ``"max_items"``) answered by a list of objects,
one per line.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from .enums import FieldType

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
PHONE_RE = re.compile(r"^\+?[0-9 .()-]{6,20}$")
CHOICE_TYPES = {FieldType.CHOICE, FieldType.MULTIPLE_CHOICE}
# What a repeatable group may contain: simple questions, no file, no group.
GROUP_ITEM_TYPES = set(FieldType.values) - {FieldType.GROUP, FieldType.FILE, FieldType.LOCATION}
YES_VALUES = (True, "true", "yes", "oui", "on", "1", 1)
NO_VALUES = (False, "false", "no", "non", "0", 0)
GROUP_MAX_ITEMS = 20
# "Tell us once": the person's data a field may be filled with (``"prefill"``), and the
# types of field each one fits.
PREFILL_TYPES = {
    "given_name": (FieldType.TEXT,),
    "family_name": (FieldType.TEXT,),
    "birth_date": (FieldType.DATE,),
    "email": (FieldType.EMAIL, FieldType.TEXT),
    "phone": (FieldType.PHONE, FieldType.TEXT),
    "street": (FieldType.TEXT, FieldType.ADDRESS, FieldType.TEXTAREA),
    "postcode": (FieldType.TEXT,),
    "city": (FieldType.TEXT,),
}


def validate_definition(definition) -> None:
    """Raise ValidationError listing every problem in a form definition."""
    errors = []
    if not isinstance(definition, dict) or not isinstance(definition.get("fields"), list):
        raise ValidationError(_("La définition du formulaire doit contenir une liste « fields »."))
    seen = set()
    for position, field in enumerate(definition["fields"], start=1):
        where = _("Champ n° %(n)s") % {"n": position}
        if not isinstance(field, dict):
            errors.append(_("%(where)s : doit être un objet.") % {"where": where})
            continue
        name = field.get("name")
        if not isinstance(name, str) or not NAME_RE.match(name):
            errors.append(
                _(
                    "%(where)s : le nom « %(name)s » doit commencer par une lettre minuscule "
                    "et ne contenir que des minuscules, chiffres et « _ »."
                )
                % {"where": where, "name": name}
            )
        elif name in seen:
            errors.append(_("%(where)s : le nom « %(name)s » est déjà utilisé.") % locals())
        else:
            seen.add(name)
            where = f"{where} « {name} »"
        if not field.get("label"):
            errors.append(_("%(where)s : un libellé est obligatoire.") % {"where": where})
        if field.get("type") not in FieldType.values:
            errors.append(
                _("%(where)s : type inconnu « %(type)s » (types possibles : %(types)s).")
                % {"where": where, "type": field.get("type"), "types": ", ".join(FieldType.values)}
            )
        elif field["type"] in CHOICE_TYPES:
            choices = field.get("choices")
            if not choices or not all(
                isinstance(c, dict) and c.get("value") not in (None, "") and c.get("label")
                for c in choices
            ):
                errors.append(
                    _("%(where)s : une liste de choix avec « value » et « label » est obligatoire.")
                    % {"where": where}
                )
        elif field["type"] == FieldType.GROUP:
            errors.extend(_group_problems(field, where))
        errors.extend(_prefill_problems(field, where))
        condition = field.get("show_if")
        if condition is not None and (
            not isinstance(condition, dict)
            or not isinstance(condition.get("field"), str)
            or condition.get("field") not in seen - {name}
            or "equals" not in condition
        ):
            errors.append(
                _(
                    "%(where)s : la condition d'affichage doit viser un champ placé avant "
                    "lui et indiquer la valeur attendue (« equals »)."
                )
                % {"where": where}
            )
    if errors:
        raise ValidationError(errors)


def _group_problems(field: dict, where: str) -> list[str]:
    items = field.get("fields")
    if not isinstance(items, list) or not items:
        return [
            _("%(where)s : un groupe répétable doit contenir au moins une question.")
            % {"where": where}
        ]
    problems = []
    if any(isinstance(i, dict) and i.get("type") not in GROUP_ITEM_TYPES for i in items):
        problems.append(
            _(
                "%(where)s : un groupe répétable ne peut contenir ni fichier, ni position, "
                "ni autre groupe."
            )
            % {"where": where}
        )
    if any(isinstance(i, dict) and "show_if" in i for i in items):
        problems.append(
            _("%(where)s : les questions d'un groupe ne peuvent pas être conditionnelles.")
            % {"where": where}
        )
    try:
        validate_definition({"fields": items})
    except ValidationError as error:
        problems.extend(f"{where} : {message}" for message in error.messages)
    low, high = field.get("min_items", 0), field.get("max_items", GROUP_MAX_ITEMS)
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in (low, high)) or not (
        0 <= low <= high <= GROUP_MAX_ITEMS
    ):
        problems.append(
            _(
                "%(where)s : les nombres de lignes (« min_items », « max_items ») vont de 0 "
                "à %(max)s, le minimum ne dépassant pas le maximum."
            )
            % {"where": where, "max": GROUP_MAX_ITEMS}
        )
    return problems


def file_field_names(definition: dict) -> set[str]:
    """The names of the form's file questions: the files answering them are attached to
    the case with that name as their ``kind_code``."""
    return {
        f["name"]
        for f in (definition or {}).get("fields", [])
        if isinstance(f, dict) and f.get("type") == FieldType.FILE and f.get("name")
    }


def _prefill_problems(field: dict, where: str) -> list[str]:
    if "prefill" not in field:
        return []
    attribute = field["prefill"]
    if not isinstance(attribute, str) or attribute not in PREFILL_TYPES:
        return [
            _(
                "%(where)s : « prefill » doit nommer une donnée de la personne parmi "
                "%(attributes)s (et non « %(value)s »)."
            )
            % {"where": where, "attributes": ", ".join(PREFILL_TYPES), "value": attribute}
        ]
    max_age = field.get("prefill_max_age_days")
    if max_age is not None and (
        isinstance(max_age, bool) or not isinstance(max_age, int) or not 1 <= max_age <= 3650
    ):
        return [
            _("%(where)s : « prefill_max_age_days » doit être un nombre de jours entre 1 et 3650.")
            % {"where": where}
        ]
    types = PREFILL_TYPES[attribute]
    if field.get("type") in FieldType.values and field["type"] not in types:
        return [
            _(
                "%(where)s : « %(attribute)s » ne peut pas remplir un champ de type "
                "« %(type)s » (types possibles : %(types)s)."
            )
            % {
                "where": where,
                "attribute": attribute,
                "type": field["type"],
                "types": ", ".join(f"« {kind} »" for kind in types),
            }
        ]
    return []


def visible_fields(definition: dict, answers: dict) -> list[dict]:
    """The fields shown for these answers: conditional fields only when their condition holds.

    A condition compares the expected value with the answer as it will be stored (a box
    ticked in an HTML form, "on", is ``true``; an unticked box is ``false``), and a field
    that depends on a hidden field is hidden too.
    """
    shown, values = [], {}
    for field in definition.get("fields", []):
        condition = field.get("show_if")
        if condition and values.get(condition["field"]) != condition["equals"]:
            continue
        shown.append(field)
        values[field["name"]] = _value_for_conditions(field, answers.get(field["name"]))
    return shown


def _value_for_conditions(field: dict, value):
    if _is_empty(value, field):
        return False if field["type"] == FieldType.BOOLEAN else None
    try:
        return _clean_value(field, value)
    except ValidationError:
        return None


def clean_answers(definition: dict, answers: dict) -> dict:
    """Validate answers against a definition; return them normalised for JSON storage.

    Raises ValidationError with a dict of field name -> messages.
    """
    if not isinstance(answers, dict):
        raise ValidationError(_("Les réponses au formulaire doivent être un objet."))
    cleaned, errors = {}, {}
    for field in visible_fields(definition, answers):
        name = field["name"]
        value = answers.get(name)
        # A group's lines left entirely blank (the spare line of the page) are not
        # answers; the group drops them itself, keeping the others' positions.
        shown = _without_blank_rows(value) if field["type"] == FieldType.GROUP else value
        if _is_empty(shown, field):
            if field.get("required"):
                errors[name] = [_("« %(label)s » est obligatoire.") % {"label": field["label"]}]
            continue
        try:
            cleaned[name] = _clean_value(field, value)
        except ValidationError as error:
            errors[name] = error.messages
    unknown = set(answers) - {f["name"] for f in definition.get("fields", [])}
    if unknown:
        errors["__all__"] = [
            _("Champs inconnus dans ce formulaire : %(names)s.")
            % {"names": ", ".join(sorted(unknown))}
        ]
    if errors:
        raise ValidationError(errors)
    return cleaned


def display_answer(field: dict, value) -> str:
    """An answer as the person reads it: labels for choices, dates in words, "Non
    renseigné" when there is none."""
    kind = field["type"]
    if kind == FieldType.BOOLEAN:
        return _("Oui") if value in (True, "true", "on", "1", 1) else _("Non")
    if _is_empty(value, field):
        return _("Non renseigné")
    if kind == FieldType.YES_NO:
        return _("Oui") if value in YES_VALUES else _("Non")
    if kind == FieldType.FILE:
        return str(value.get("name", "")) if isinstance(value, dict) else str(value)
    if kind == FieldType.GROUP:
        rows = value if isinstance(value, list) else []
        return "\n".join(
            _("%(n)s. %(answers)s")
            % {
                "n": position,
                "answers": " ; ".join(
                    f"{item['label']} : {display_answer(item, row.get(item['name']))}"
                    for item in field.get("fields", [])
                    if isinstance(row, dict)
                ),
            }
            for position, row in enumerate(rows, start=1)
        )
    labels = {str(c["value"]): c["label"] for c in field.get("choices", [])}
    if kind == FieldType.CHOICE:
        return labels.get(str(value), str(value))
    if kind == FieldType.MULTIPLE_CHOICE:
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(str(v), str(v)) for v in values)
    if kind == FieldType.LOCATION and isinstance(value, dict):
        return _("latitude %(lat)s, longitude %(lng)s") % {
            "lat": value.get("lat", ""),
            "lng": value.get("lng", ""),
        }
    if kind == FieldType.DATE:
        try:
            return date_format(datetime.date.fromisoformat(str(value)), "j F Y")
        except ValueError:
            return str(value)
    if kind in (FieldType.INTEGER, FieldType.DECIMAL):
        # In the reader's language: "2 216,20" in French, "2,216.20" in English.
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        if not number.is_finite():
            return str(value)
        places = max(0, -number.as_tuple().exponent)
        return number_format(number, decimal_pos=places, force_grouping=True)
    return str(value)


def _is_empty(value, field: dict | None = None) -> bool:
    if field is not None and field.get("type") == FieldType.YES_NO:
        return value is None or value == ""
    return value is None or value == "" or value == [] or value is False


def _is_blank_row(row) -> bool:
    return isinstance(row, dict) and all(_is_empty(v) for v in row.values())


def _without_blank_rows(rows):
    """A group's lines, less those left entirely empty (the spare line of the page)."""
    if not isinstance(rows, list):
        return rows
    return [row for row in rows if not _is_blank_row(row)]


def _clean_lines(field: dict, rows) -> tuple[list[dict], dict[int, dict[str, list[str]]]]:
    """Each line of a group checked once: the lines cleaned, blank ones dropped, and
    what is wrong in the others by question, ``{index: {name: messages}}``, lines
    counted from 0 as they were given."""
    cleaned, errors = [], {}
    for index, row in enumerate(rows if isinstance(rows, list) else []):
        if not isinstance(row, dict) or _is_blank_row(row):
            continue
        try:
            cleaned.append(clean_answers({"fields": field.get("fields", [])}, row))
        except ValidationError as error:
            errors[index] = error.message_dict
    return cleaned, errors


def group_line_errors(field: dict, rows) -> dict[int, dict[str, list[str]]]:
    """What is wrong in each line of a group, by question: ``{index: {name: messages}}``,
    lines counted from 0 as they were given, blank lines skipped (never wrong). The
    page shows each message next to its question; ``_clean_group`` says them all at the
    group's level."""
    return _clean_lines(field, rows)[1]


def _clean_value(field: dict, value):
    kind, label = field["type"], field["label"]
    if kind in (FieldType.TEXT, FieldType.TEXTAREA, FieldType.ADDRESS):
        text = str(value).strip()
        limit = field.get("max_length", 200 if kind == FieldType.TEXT else 5000)
        if len(text) > limit:
            raise ValidationError(
                _("« %(label)s » ne doit pas dépasser %(limit)s caractères (%(count)s saisis).")
                % {"label": label, "limit": limit, "count": len(text)}
            )
        return text
    if kind == FieldType.EMAIL:
        try:
            validate_email(str(value).strip())
        except ValidationError:
            raise ValidationError(
                _("« %(label)s » : saisissez une adresse de la forme nom@domaine.fr.")
                % {"label": label}
            ) from None
        return str(value).strip().lower()
    if kind == FieldType.PHONE:
        if not PHONE_RE.match(str(value).strip()):
            raise ValidationError(
                _("« %(label)s » : saisissez un numéro de téléphone, par exemple 01 23 45 67 89.")
                % {"label": label}
            )
        return str(value).strip()
    if kind == FieldType.DATE:
        try:
            return datetime.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValidationError(
                _("« %(label)s » : saisissez une date valide, par exemple 2026-03-14.")
                % {"label": label}
            ) from None
    if kind == FieldType.INTEGER:
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValidationError(
                _("« %(label)s » : saisissez un nombre entier, sans lettres ni virgule.")
                % {"label": label}
            ) from None
        _check_bounds(field, number)
        return number
    if kind == FieldType.DECIMAL:
        try:
            number = Decimal(str(value).strip().replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValidationError(
                _("« %(label)s » : saisissez un nombre, par exemple 1250,50.") % {"label": label}
            )
        _check_bounds(field, number)
        return str(number)
    if kind == FieldType.BOOLEAN:
        if value in (True, "true", "on", "1", 1):
            return True
        raise ValidationError(_("« %(label)s » : cochez ou décochez la case.") % {"label": label})
    if kind == FieldType.CHOICE:
        allowed = [c["value"] for c in field["choices"]]
        if value not in allowed:
            raise ValidationError(
                _("« %(label)s » : choisissez une des options proposées.") % {"label": label}
            )
        return value
    if kind == FieldType.MULTIPLE_CHOICE:
        allowed = [c["value"] for c in field["choices"]]
        values = value if isinstance(value, list) else [value]
        if any(v not in allowed for v in values):
            raise ValidationError(
                _("« %(label)s » : choisissez parmi les options proposées.") % {"label": label}
            )
        return [v for v in allowed if v in values]
    if kind == FieldType.LOCATION:
        try:
            lat, lng = float(value["lat"]), float(value["lng"])
        except (TypeError, KeyError, ValueError):
            raise ValidationError(
                _("« %(label)s » : indiquez une position (latitude et longitude).")
                % {"label": label}
            ) from None
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise ValidationError(
                _("« %(label)s » : cette position n'existe pas sur la carte.") % {"label": label}
            )
        return {"lat": lat, "lng": lng}
    if kind == FieldType.YES_NO:
        if value in YES_VALUES:
            return True
        if value in NO_VALUES:
            return False
        raise ValidationError(_("« %(label)s » : répondez oui ou non.") % {"label": label})
    if kind == FieldType.FILE:
        if (
            isinstance(value, dict)
            and isinstance(value.get("document"), int)
            and not isinstance(value.get("document"), bool)
            and value.get("name")
        ):
            return {"document": value["document"], "name": str(value["name"])}
        raise ValidationError(_("« %(label)s » : joignez un fichier.") % {"label": label})
    if kind == FieldType.GROUP:
        return _clean_group(field, value)
    raise ValidationError(_("Type de champ inconnu : %(type)s.") % {"type": kind})


def _clean_group(field: dict, rows) -> list[dict]:
    label = field["label"]
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise ValidationError(
            _("« %(label)s » : les réponses doivent être une liste de lignes.") % {"label": label}
        )
    given = len(_without_blank_rows(rows))
    low, high = field.get("min_items", 0), field.get("max_items", GROUP_MAX_ITEMS)
    if given < low:
        raise ValidationError(
            _("« %(label)s » : remplissez au moins %(n)s ligne(s).") % {"label": label, "n": low}
        )
    if given > high:
        raise ValidationError(
            _("« %(label)s » : %(n)s ligne(s) au plus.") % {"label": label, "n": high}
        )
    cleaned, wrong = _clean_lines(field, rows)
    # Lines are numbered as the person sees them, a blank line in between included.
    messages = [
        _("« %(label)s », ligne %(n)s : %(message)s")
        % {"label": label, "n": index + 1, "message": message}
        for index, by_question in wrong.items()
        for row_messages in by_question.values()
        for message in row_messages
    ]
    if messages:
        raise ValidationError(messages)
    return cleaned


def _check_bounds(field: dict, number) -> None:
    low, high = field.get("min"), field.get("max")
    if low is not None and number < low:
        raise ValidationError(
            _("« %(label)s » doit être au moins %(min)s.") % {"label": field["label"], "min": low}
        )
    if high is not None and number > high:
        raise ValidationError(
            _("« %(label)s » doit être au plus %(max)s.") % {"label": field["label"], "max": high}
        )
