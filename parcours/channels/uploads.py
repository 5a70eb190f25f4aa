"""Files that reach a case by email or by post pass the same checks as the files a
person uploads (``cases.services.document_add``): not empty, not over
PARCOURS_UPLOAD_MAX_BYTES, a PDF, JPEG or PNG by its content, never by its name."""

import dataclasses
import hashlib

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from parcours.cases.enums import CaseState, EventKind
from parcours.cases.models import Case, CaseEvent, Document
from parcours.cases.services import (
    DOCUMENT_STATES,
    DOCUMENT_TYPES,
    _clean_file_name,
    size_label,
)


class FileRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclasses.dataclass
class CheckedFile:
    name: str
    content: bytes
    content_type: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def stored_name(self) -> str:
        return f"{self.name}.{DOCUMENT_TYPES[self.content_type]}"


def check_file(name: str, content: bytes, *, types=DOCUMENT_TYPES) -> CheckedFile:
    """The file if it may be kept; FileRefused saying why and what to do otherwise."""
    name = _clean_file_name(name or "")
    if not content:
        raise FileRefused(_("Ce fichier est vide : %(name)s.") % {"name": name})
    limit = settings.PARCOURS_UPLOAD_MAX_BYTES
    if len(content) > limit:
        raise FileRefused(
            _("Ce fichier dépasse %(limit)s : %(name)s.")
            % {"limit": size_label(limit), "name": name}
        )
    guessed = filetype.guess(content[:2048])
    content_type = guessed.mime if guessed else ""
    if content_type not in types:
        kinds = ", ".join(sorted(value.upper() for value in types.values()))
        raise FileRefused(
            _("Ce fichier n'est pas d'un type accepté (%(kinds)s) : %(name)s.")
            % {"kinds": kinds, "name": name}
        )
    return CheckedFile(
        name=name,
        content=content,
        content_type=content_type,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def read_upload(upload) -> tuple[str, bytes]:
    """The name and bytes of an uploaded file, reading at most one byte past the limit."""
    upload.seek(0)
    content = upload.read(settings.PARCOURS_UPLOAD_MAX_BYTES + 1)
    upload.seek(0)
    return getattr(upload, "name", "") or "", content


def attach_to_case(*, case: Case, checked: CheckedFile, by=None, reason: str = "") -> Document:
    """Keep a checked file as a document of ``case`` while it is open, and record it in
    the case's history. ``by`` is the agent who filed it, or None for an email."""
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
        if case.state not in DOCUMENT_STATES:
            raise FileRefused(
                _("Le dossier %(reference)s est clos : la pièce %(name)s n'y est pas jointe.")
                % {"reference": case.reference, "name": checked.name}
            )
        document = Document(
            organisation_id=case.organisation_id,
            case=case,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=by,
        )
        document.file.save(checked.stored_name, ContentFile(checked.content), save=False)
        stored = document.file.name
        try:
            document.save()
            if case.state != CaseState.DRAFT:
                CaseEvent.objects.create(
                    organisation_id=case.organisation_id,
                    case=case,
                    kind=EventKind.DOCUMENT_ADDED,
                    actor=by,
                    reason=reason,
                    visible_to_citizen=True,
                    data={"document_id": document.pk, "name": checked.name, "kind_code": ""},
                )
        except BaseException:
            document.file.storage.delete(stored)
            raise
    return document
