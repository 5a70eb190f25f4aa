"""What the citizen can do on their own case: withdraw it, answer a request, send the
documents still expected.

Only the person who filed the case acts here (agents act in the back-office), and
every change goes through the case services.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from parcours.cases import selectors as case_selectors
from parcours.cases import services
from parcours.cases.enums import CaseState
from parcours.cases.errors import CaseError
from parcours.portal.pieces import send_pieces_page

from .forms import AnswerWithFilesForm, WithdrawForm


@login_required
def withdraw(request, reference):
    case = get_object_or_404(case_selectors.own_case_for_reference(request.user, reference))
    if case.state == CaseState.WITHDRAWN:
        messages.info(request, _("Vous avez déjà retiré cette demande."))
        return redirect("portal:case", reference=case.reference)
    if not case.is_open:
        messages.warning(
            request,
            _(
                "Ce dossier ne peut plus être retiré : une décision a été prise. Si vous "
                "n'êtes pas d'accord avec elle, vous pouvez la contester, comme indiqué sur "
                "cette page."
            ),
        )
        return redirect("portal:case", reference=case.reference)
    form = WithdrawForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_withdraw(case=case, by=request.user, reason=form.cleaned_data["reason"])
        except CaseError as error:
            form.add_error("reason" if error.field == "reason" else None, error.message)
        else:
            messages.success(
                request,
                _(
                    "Vous avez retiré votre demande. Nous vous l'avons confirmé par courriel. "
                    "Vous pourrez en déposer une nouvelle quand vous le souhaitez."
                ),
            )
            return redirect("portal:case", reference=case.reference)
    return render(request, "portal/space/withdraw.html", {"case": case, "form": form})


@login_required
def answer(request, reference):
    case = get_object_or_404(case_selectors.own_case_for_reference(request.user, reference))
    if case.state != CaseState.AWAITING_CITIZEN:
        messages.info(
            request,
            _("Nous n'attendons pas de réponse de votre part sur ce dossier pour le moment."),
        )
        return redirect("portal:case", reference=case.reference)
    posted = request.method == "POST"
    form = AnswerWithFilesForm(
        data=request.POST if posted else None, files=request.FILES if posted else None
    )
    if posted and form.is_valid():
        added = []
        try:
            # The files and the answer go together, or nothing does.
            with transaction.atomic():
                for upload in form.cleaned_data["files"]:
                    added.append(services.document_add(case=case, by=request.user, upload=upload))
                services.case_resume_review(
                    case=case, by=request.user, reason=form.cleaned_data["answer"]
                )
        except CaseError as error:
            for document in added:  # their rows are rolled back: so are their files
                document.file.storage.delete(document.file.name)
            field = {"reason": "answer", "file": "files"}.get(error.field)
            form.add_error(field, error.message)
        else:
            messages.success(
                request,
                _(
                    "Merci, votre réponse est envoyée. Nous reprenons l'examen de votre "
                    "dossier et le délai de réponse repart."
                ),
            )
            return redirect("portal:case", reference=case.reference)
    return render(
        request,
        "portal/space/answer.html",
        {
            "case": case,
            "form": form,
            "information_request": case_selectors.last_information_request(case),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def send_documents(request, reference):
    """The documents still expected, or any other useful one, sent by the person once
    the request is on its way (``portal.pieces.send_pieces_page``)."""
    case = get_object_or_404(case_selectors.own_case_for_reference(request.user, reference))
    return send_pieces_page(
        request,
        case,
        template="portal/space/documents.html",
        here=reverse("portal:case_send_documents", args=[case.reference]),
        case_url=reverse("portal:case", args=[case.reference]),
        answer_url=reverse("portal:case_answer", args=[case.reference]),
    )
