"""The three-question survey, answered from the emailed link without signing in."""

from http import HTTPStatus

from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from parcours.listening.errors import ListeningError
from parcours.listening.models import FeedbackInvitation
from parcours.listening.services import feedback as services

from .forms import FeedbackForm


@never_cache
def answer(request, public_id, token):
    invitation = get_object_or_404(
        FeedbackInvitation.objects.select_related("unit__organisation", "procedure", "person"),
        public_id=public_id,
    )
    try:
        services.invitation_check(invitation, token, user=request.user)
    except ListeningError as error:
        status = HTTPStatus.GONE if invitation.is_answered else HTTPStatus.FORBIDDEN
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
