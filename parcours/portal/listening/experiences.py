"""Public experiences: the page of each administration, telling one, confirming it."""

from http import HTTPStatus

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from parcours.listening import selectors
from parcours.listening.errors import ListeningError
from parcours.listening.models import Experience
from parcours.listening.services import experiences as services
from parcours.organisations.models import Organisation

from .forms import ExperienceForm


def index(request):
    return render(
        request,
        "portal/listening/experiences_index.html",
        {"organisations": selectors.organisations_with_experiences()},
    )


def of_organisation(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    experiences = list(selectors.public_experiences(organisation))
    return render(
        request,
        "portal/listening/experiences.html",
        {
            "organisation": organisation,
            "experiences": experiences,
            "summary": selectors.experience_summary(experiences),
        },
    )


def new(request):
    signed_in = request.user.is_authenticated
    form = ExperienceForm(
        data=request.POST if request.method == "POST" else None, signed_in=signed_in
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            experience = services.experience_submit(
                unit=data["unit"],
                procedure=data["procedure"],
                channel=data["channel"],
                tone=data["tone"],
                title=data["title"],
                body=data["body"],
                pseudonym=data["pseudonym"],
                happened_on=data["happened_on"],
                user=request.user if signed_in else None,
                email=data.get("email", ""),
            )
        except ListeningError as error:
            form.add_error(error.field, error.message)
        else:
            request.session["listening_experience"] = str(experience.public_id)
            return redirect("portal:experience_sent")
    return render(request, "portal/listening/experience_new.html", {"form": form})


def sent(request):
    """What happens next, for the experience just told (from the session only)."""
    public_id = request.session.get("listening_experience")
    experience = (
        Experience.objects.filter(public_id=public_id).select_related("organisation").first()
        if public_id
        else None
    )
    if experience is None:
        return redirect("portal:experiences")
    return render(request, "portal/listening/experience_sent.html", {"experience": experience})


@never_cache
def confirm(request, token):
    experience = services.experience_for_token(token)
    if experience is None:
        return render(
            request,
            "portal/listening/feedback_refused.html",
            {"reason": _("Ce lien de confirmation n'est pas valable.")},
            status=HTTPStatus.NOT_FOUND,
        )
    if request.method != "POST":
        # A link opened by a mail scanner must not publish: the person presses a button.
        return render(
            request, "portal/listening/experience_confirm.html", {"experience": experience}
        )
    try:
        experience = services.experience_confirm(experience=experience, token=token)
    except ListeningError as error:
        return render(
            request,
            "portal/listening/feedback_refused.html",
            {"reason": error.message, "title": _("Confirmer mon expérience")},
            status=HTTPStatus.FORBIDDEN,
        )
    request.session["listening_experience"] = str(experience.public_id)
    messages.success(request, _("Merci, votre adresse est confirmée."))
    return redirect("portal:experience_sent")
