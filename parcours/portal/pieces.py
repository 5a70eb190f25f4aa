"""The supporting documents of a case as its pages show them, piece by piece: while
the request is prepared (``portal.apply``) and once it is sent (``portal.space``)."""

from django.utils.translation import gettext as _

from parcours.cases import selectors as case_selectors
from parcours.cases.models import Case

ACCEPTED_FILES = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


def pieces_of_case(
    case: Case, *, error: dict | None = None, waived: frozenset[str] | set[str] = frozenset()
) -> list[dict]:
    """Each document the procedure asks for (less the ``waived`` ones) with the files
    given for it, then "another document". ``error``: the refusal of the last file sent,
    ``{"code", "message"}``, shown next to its piece."""
    documents = list(case_selectors.documents_of_case(case).select_related("source__case"))
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
