"""Writes of the studio: create a procedure, write its draft version, publish it.

A procedure has at most one draft, the unpublished version after the current one; it is
edited while the published version keeps serving requests. Publishing freezes the draft
(``catalog.ProcedureVersion.save`` and ``VersionContent.save`` refuse any later change),
copies its public page and legal settings onto the procedure that the citizen pages
read, and replaces the procedure's commitments by the draft's. It is refused while the
publication checklist (``checklist.problems``) finds something missing.
"""

import copy

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from parcours.catalog.models import Commitment, Procedure, ProcedureVersion
from parcours.organisations.models import Organisation, Unit

from . import checklist
from .content import apply_to_procedure, empty_content, normalised, version_content
from .errors import StudioError
from .models import VersionContent
from .selectors import draft_version


def _unique_slug(title: str) -> str:
    base = slugify(title)[:40] or "demarche"
    slug, n = base, 2
    while Procedure.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def procedure_create(
    *, organisation: Organisation, by, title: str, code: str, handling_unit: Unit
) -> Procedure:
    """A new, unpublished procedure with an empty draft (version 1)."""
    code = (code or "").strip().upper()
    errors = {}
    if not title.strip():
        errors["title"] = [_("Donnez un intitulé à la démarche.")]
    if len(code) != 3 or not code.isalpha() or not code.isascii():
        errors["code"] = [_("Le code est fait de trois lettres, par exemple SCO.")]
    elif Procedure.objects.filter(code=code).exists():
        errors["code"] = [_("Ce code est déjà pris : choisissez-en un autre.")]
    if handling_unit.organisation_id != organisation.pk:
        errors["handling_unit"] = [_("Choisissez un service de votre administration.")]
    if errors:
        raise StudioError(_("La démarche n'a pas pu être créée."), errors=errors)
    content = empty_content()
    content["public"]["title"] = title.strip()
    content["routing"]["default_unit"] = handling_unit.slug
    with transaction.atomic():
        procedure = Procedure(
            organisation=organisation,
            code=code,
            slug=_unique_slug(title),
            handling_unit=handling_unit,
            is_published=False,
        )
        apply_to_procedure(procedure, content)
        procedure.save()
        version = ProcedureVersion.objects.create(
            procedure=procedure,
            organisation=organisation,
            number=1,
            form_definition={"fields": []},
            required_documents=[],
        )
        VersionContent.objects.create(version=version, content=content)
    return procedure


def draft_open(*, procedure: Procedure, by) -> ProcedureVersion:
    """The procedure's draft, started from the current version if there is none yet."""
    with transaction.atomic():
        Procedure.objects.select_for_update().filter(pk=procedure.pk).first()
        draft = draft_version(procedure)
        if draft is not None:
            return draft
        current = procedure.current_version
        last = procedure.versions.order_by("-number").first()
        draft = ProcedureVersion.objects.create(
            procedure=procedure,
            organisation_id=procedure.organisation_id,
            number=(last.number if last else 0) + 1,
            form_definition=copy.deepcopy(current.form_definition) if current else {"fields": []},
            required_documents=copy.deepcopy(current.required_documents) if current else [],
        )
        content = version_content(current) if current else empty_content()
        VersionContent.objects.create(version=draft, content=content)
    return draft


def _editable(version: ProcedureVersion) -> ProcedureVersion:
    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    if version.published_at is not None:
        raise StudioError(
            _(
                "Cette version est publiée : elle ne peut plus être modifiée. "
                "Modifiez le brouillon de la version suivante."
            )
        )
    return version


def draft_save(
    *,
    version: ProcedureVersion,
    by,
    content: dict | None = None,
    form_definition: dict | None = None,
    required_documents: list | None = None,
) -> ProcedureVersion:
    """Save what the administrator wrote in the draft. It is checked in full on
    publication; here only its shape, so a draft can be left incomplete."""
    with transaction.atomic():
        version = _editable(version)
        if form_definition is not None:
            version.form_definition = form_definition
        if required_documents is not None:
            version.required_documents = required_documents
        version.save()
        if content is not None:
            stored, _created = VersionContent.objects.get_or_create(
                version=version, defaults={"content": {}}
            )
            stored.content = normalised(content)
            stored.save()
    return version


def version_publish(*, version: ProcedureVersion, by, now=None) -> ProcedureVersion:
    """Publish the draft: from now on new requests use it, and it never changes again."""
    with transaction.atomic():
        procedure = Procedure.objects.select_for_update().get(pk=version.procedure_id)
        version = _editable(version)
        problems = checklist.problems(version)
        if problems:
            raise StudioError(
                _("La démarche ne peut pas être publiée : %(n)s point(s) à corriger.")
                % {"n": len(problems)},
                errors={"__all__": [problem.message for problem in problems]},
            )
        content = version_content(version)
        version.published_at = now or timezone.now()
        version.save(update_fields=["published_at"])
        apply_to_procedure(procedure, content)
        procedure.is_published = True
        procedure.full_clean(exclude=["code", "slug"])
        procedure.save()
        _procedure_wide_commitments(procedure).delete()
        for commitment in content["commitments"]:
            Commitment.objects.create(
                organisation_id=procedure.organisation_id,
                procedure=procedure,
                kind=commitment["kind"],
                target=commitment["target"],
                target_unit=commitment["target_unit"],
                wording=commitment["wording"],
            )
        _offer_messages(procedure, content["messages"])
    return version


def _offer_messages(procedure: Procedure, written: dict) -> None:
    """The version's messages become the procedure's message templates, offered to the
    agents when they write to the person (``contacts.MessageTemplate``)."""
    from parcours.contacts.models import MessageTemplate

    from .content import MessageEvent

    for event, message in written.items():
        if event not in MessageEvent.values or not message.get("body"):
            continue
        title = f"{MessageEvent(event).label} — {procedure.title}"[:120]
        MessageTemplate.objects.update_or_create(
            organisation_id=procedure.organisation_id,
            procedure=procedure,
            title=title,
            defaults={"body": message["body"], "is_active": True},
        )


def _procedure_wide_commitments(procedure: Procedure):
    """The procedure's own commitments, not those set for it in one unit only."""
    commitments = procedure.commitments.all()
    if any(field.name == "unit" for field in Commitment._meta.get_fields()):
        commitments = commitments.filter(unit__isnull=True)
    return commitments


def procedure_unpublish(*, procedure: Procedure, by) -> Procedure:
    """Close the procedure to new requests; cases already filed go on."""
    procedure.is_published = False
    procedure.save(update_fields=["is_published", "updated_at"])
    return procedure
