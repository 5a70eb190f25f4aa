"""Export and import of a procedure as a JSON file (docs/procedure-format.md, schema in
``parcours/studio/procedure.schema.json``), so that administrations share procedures.

The file holds one version: its public page, legal settings, form, documents, private
fields, routing rules (units named by their identifier), commitments and messages. It
holds nothing about cases or people. An import creates a new, unpublished procedure of
the importing administration, whose draft is the file's version: it is checked as a
draft would be at publication, and every problem is listed in French.
"""

import copy
import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parcours.catalog import form_definition
from parcours.catalog.models import Procedure
from parcours.organisations.models import Organisation, Unit

from .content import LEGAL_KEYS, PUBLIC_KEYS, normalised, version_content
from .errors import StudioError

FORMAT = "parcours.procedure"
FORMAT_VERSION = 1
TOP_KEYS = {
    "format",
    "format_version",
    "code",
    "slug",
    "version",
    "public",
    "legal",
    "form",
    "documents",
    "private_fields",
    "routing",
    "commitments",
    "messages",
}


def export_version(version) -> dict:
    content = version_content(version)
    procedure = version.procedure
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "code": procedure.code,
        "slug": procedure.slug,
        "version": version.number,
        "public": content["public"],
        "legal": content["legal"],
        "form": copy.deepcopy(version.form_definition or {"fields": []}),
        "documents": copy.deepcopy(version.required_documents or []),
        "private_fields": content["private_fields"],
        "routing": content["routing"],
        "commitments": content["commitments"],
        "messages": content["messages"],
    }


def read(raw: bytes | str) -> dict:
    """The file's object, or StudioError saying why it cannot be read."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise StudioError(
            _(
                "Ce fichier n'est pas un fichier JSON lisible : exportez-le de nouveau depuis Parcours."
            )
        ) from None
    return check(data)


def check(data) -> dict:
    """Check the file's shape; raise StudioError listing every problem."""
    problems = []
    if not isinstance(data, dict):
        raise StudioError(
            _("Le fichier doit contenir un objet JSON."),
            errors={"__all__": [_("Le fichier doit contenir un objet JSON.")]},
        )
    if data.get("format") != FORMAT or data.get("format_version") != FORMAT_VERSION:
        problems.append(
            _("« format » doit valoir « %(format)s » et « format_version » %(version)s.")
            % {"format": FORMAT, "version": FORMAT_VERSION}
        )
    unknown = set(data) - TOP_KEYS
    if unknown:
        problems.append(_("Clés inconnues : %(keys)s.") % {"keys": ", ".join(sorted(unknown))})
    for key, names in (("public", PUBLIC_KEYS), ("legal", LEGAL_KEYS)):
        section = data.get(key)
        if not isinstance(section, dict):
            problems.append(_("« %(key)s » doit être un objet.") % {"key": key})
            continue
        extra = set(section) - set(names)
        if extra:
            problems.append(
                _("« %(key)s » : clés inconnues %(keys)s.")
                % {"key": key, "keys": ", ".join(sorted(extra))}
            )
    for key in ("public", "legal"):
        section = data.get(key) if isinstance(data.get(key), dict) else {}
        for name, value in section.items():
            if name in ("life_situations",):
                if not isinstance(value, list):
                    problems.append(
                        _("« %(key)s.%(name)s » doit être une liste.") % {"key": key, "name": name}
                    )
            elif name in ("decision_delay",):
                if not isinstance(value, int) or isinstance(value, bool):
                    problems.append(_("« legal.decision_delay » doit être un nombre entier."))
            elif name in ("grants_a_right", "can_be_rejected", "is_geolocated"):
                if not isinstance(value, bool):
                    problems.append(
                        _("« %(key)s.%(name)s » doit valoir true ou false.")
                        % {"key": key, "name": name}
                    )
            elif not isinstance(value, str):
                problems.append(
                    _("« %(key)s.%(name)s » doit être un texte.") % {"key": key, "name": name}
                )
    for key, label in (("form", "form"), ("private_fields", "private_fields")):
        definition = data.get(key) if key == "form" else {"fields": data.get(key, [])}
        try:
            form_definition.validate_definition(definition)
        except ValidationError as error:
            problems.extend(f"« {label} » : {message}" for message in error.messages)
    if not isinstance(data.get("documents", []), list):
        problems.append(_("« documents » doit être une liste."))
    routing = data.get("routing", {})
    if not isinstance(routing, dict) or not isinstance(routing.get("rules", []), list):
        problems.append(_("« routing » doit être un objet avec une liste « rules »."))
    if not isinstance(data.get("commitments", []), list):
        problems.append(_("« commitments » doit être une liste."))
    if not isinstance(data.get("messages", {}), dict):
        problems.append(_("« messages » doit être un objet."))
    if problems:
        raise StudioError(
            _("Le fichier ne peut pas être importé : %(n)s problème(s).") % {"n": len(problems)},
            errors={"__all__": problems},
        )
    return data


def content_of(data: dict) -> dict:
    return normalised(
        {
            "public": data.get("public", {}),
            "legal": data.get("legal", {}),
            "routing": data.get("routing", {}),
            "private_fields": data.get("private_fields", []),
            "commitments": data.get("commitments", []),
            "messages": data.get("messages", {}),
        }
    )


def import_procedure(
    *, organisation: Organisation, by, raw, code: str, handling_unit: Unit
) -> Procedure:
    """A new unpublished procedure of ``organisation`` from an exported file. Units named
    by the file's routing rules that the organisation does not have are reported."""
    from . import services

    data = read(raw)
    content = content_of(data)
    units = set(
        Unit.objects.filter(organisation=organisation, is_active=True).values_list(
            "slug", flat=True
        )
    )
    if content["routing"].get("default_unit") not in units:
        content["routing"]["default_unit"] = handling_unit.slug
    missing = sorted(
        {r.get("unit") for r in content["routing"]["rules"] if isinstance(r, dict)} - units
    )
    if missing:
        raise StudioError(
            _("Le fichier ne peut pas être importé : 1 problème(s)."),
            errors={
                "__all__": [
                    _(
                        "Les règles d'orientation nomment des services que votre administration n'a pas : %(units)s. Retirez ces règles du fichier ou créez ces services."
                    )
                    % {"units": ", ".join(missing)}
                ]
            },
        )
    with transaction.atomic():
        procedure = services.procedure_create(
            organisation=organisation,
            by=by,
            title=content["public"].get("title") or data.get("slug") or code,
            code=code,
            handling_unit=handling_unit,
        )
        draft = procedure.versions.get()
        services.draft_save(
            version=draft,
            by=by,
            content=content,
            form_definition=data["form"],
            required_documents=data.get("documents", []),
        )
    return procedure
