"""The supporting documents of a case as its pages show them, piece by piece: while
the request is prepared (``portal.apply``) and once it is sent, by the person
(``portal.space``) or their helper under mandate (``mandates``)."""

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from parcours.cases import margins
from parcours.cases import selectors as case_selectors
from parcours.cases.enums import CaseState
from parcours.cases.errors import CaseError
from parcours.cases.models import Case
from parcours.cases.services import document_add, size_label
from parcours.notifications.services import notify_document_received

ACCEPTED_FILES = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


def pieces_of_case(
    case: Case,
    *,
    error: dict | None = None,
    waived: frozenset[str] | set[str] = frozenset(),
    viewer_id: int | None = None,
) -> list[dict]:
    """Each document the procedure asks for (less the ``waived`` ones) with the files
    given for it, then "another document". ``error``: the refusal of the last file sent,
    ``{"code", "message"}``, shown next to its piece; ``viewer_id``: who reads the page
    (each file says who sent it: ``cases.selectors.with_senders``)."""
    documents = case_selectors.with_senders(
        case,
        case_selectors.documents_of_case(case).select_related("source__case"),
        viewer_id=viewer_id,
    )
    required = [
        {
            "code": piece["code"],
            "label": piece["label"],
            "help": piece.get("help", ""),
            "required": bool(piece.get("required", True)),
        }
        for piece in case.procedure_version.required_documents or []
        if isinstance(piece, dict)
        and piece.get("code")
        and piece.get("label")
        and piece["code"] not in waived
    ]
    other = {
        "code": "",
        "label": _("Autre pièce"),
        "help": _(
            "Facultatif. Tout autre document que vous jugez utile à l'examen de votre demande."
        ),
        "required": False,
    }
    pieces = []
    for position, piece in enumerate([*required, other], start=1):
        field_id = f"piece-{position}"
        mine = error if error and error["code"] == piece["code"] else None
        message = mine["message"] if mine and not mine.get("reuse") else ""
        pieces.append(
            {
                **piece,
                "documents": [d for d in documents if d.kind_code == piece["code"]],
                "id": field_id,
                "error": message,
                "reuse_error": mine["message"] if mine and mine.get("reuse") else "",
                "reusable": [],
                "describedby": " ".join(
                    filter(None, [f"{field_id}-hint", f"{field_id}-error" if message else ""])
                ),
            }
        )
    # Files given for a piece the procedure no longer asks for still show, as others.
    known = {piece["code"] for piece in required}
    pieces[-1]["documents"] += [d for d in documents if d.kind_code and d.kind_code not in known]
    return pieces


def send_pieces_page(
    request, case: Case, *, template: str, here: str, case_url: str, answer_url: str, **context
):
    """The page that sends documents to a case under examination, for the person or
    their helper: piece by piece, each file on its own, so that a refused file loses
    nothing else. The service sees each in the case's history and is told by email.
    While an answer is awaited the pieces go with the answer (``answer_url``), which
    resumes the review; a closed case takes none."""
    if case.state == CaseState.AWAITING_CITIZEN:
        messages.info(
            request,
            _(
                "Nous attendons votre réponse : joignez vos pièces à cette réponse, c'est elle "
                "qui relance l'examen de votre dossier."
            ),
        )
        return redirect(answer_url)
    if not case.is_open:
        messages.info(request, _("Ce dossier est clos : vous ne pouvez plus y joindre de pièce."))
        return redirect(case_url)
    error = None
    if request.method == "POST":
        kind_code = request.POST.get("kind_code", "")
        try:
            with transaction.atomic():
                document = document_add(
                    case=case,
                    by=request.user,
                    upload=request.FILES.get("file"),
                    kind_code=kind_code,
                )
                notify_document_received(document)
        except CaseError as refused:
            error = {"code": kind_code, "message": refused.message}
        else:
            messages.success(
                request,
                _("Le fichier « %(name)s » est transmis au service qui examine la demande.")
                % {"name": document.original_name},
            )
            return redirect(here)
    pieces = pieces_of_case(
        case, error=error, waived=margins.waived_codes(case), viewer_id=request.user.pk
    )
    return render(
        request,
        template,
        {
            **context,
            "case": case,
            "pieces": pieces,
            "refused": next((piece for piece in pieces if piece["error"]), None),
            "unplaced": error["message"] if error and not any(p["error"] for p in pieces) else "",
            "accept": ACCEPTED_FILES,
            "max_size": size_label(settings.PARCOURS_UPLOAD_MAX_BYTES),
            "back_url": case_url,
        },
    )
