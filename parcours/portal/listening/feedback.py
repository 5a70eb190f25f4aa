"""The three-question survey, answered from the emailed link without signing in."""

from http import HTTPStatus

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from parcours.listening.errors import ListeningError
from parcours.listening.services import feedback as services

from .forms import FeedbackForm


@never_cache
def answer(request, token):
    invitation = services.invitation_for_token(token)
    if invitation is None:
        # A link we did not sign leads nowhere, politely.
        return render(
            request,
            "portal/listening/feedback_refused.html",
            {
                "reason": _(
                    "Ce lien pour donner votre avis n'est pas valable. Vérifiez qu'il est complet."
                )
            },
            status=HTTPStatus.NOT_FOUND,
        )
    try:
        services.invitation_check(invitation, token, user=request.user)
    except ListeningError as error:
        status = (
            HTTPStatus.GONE
            if invitation.is_answered or invitation.is_expired()
            else HTTPStatus.FORBIDDEN
        )
        return render(
            request,
            "portal/listening/feedback_refused.html",
            {"reason": error.message},
            status=status,
        )
    form = FeedbackForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_answer(
                invitation=invitation,
                token=token,
                user=request.user,
                **form.cleaned_data,
            )
        except ListeningError as error:
            if error.field:
                form.add_error(error.field, error.message)
            else:
                return render(
                    request,
                    "portal/listening/feedback_refused.html",
                    {"reason": error.message},
                    status=HTTPStatus.GONE,
                )
        else:
            return redirect("portal:feedback_thanks")
    return render(
        request,
        "portal/listening/feedback.html",
        {"form": form, "invitation": invitation, "unit": invitation.unit},
    )


def thanks(request):
    return render(request, "portal/listening/feedback_thanks.html")
