"""The citizen's complaints: file one, follow it like a case."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from parcours.listening import selectors
from parcours.listening.errors import ListeningError
from parcours.listening.services import complaints as services

from .forms import ComplaintForm


@login_required
def index(request):
    return render(
        request,
        "portal/listening/complaints.html",
        {"complaints": selectors.own_complaints(request.user).order_by("-created_at")},
    )


@login_required
def new(request):
    form = ComplaintForm(data=request.POST if request.method == "POST" else None, user=request.user)
    if not form.fields["unit"].queryset.exists():
        messages.info(
            request,
            _("Vous n'avez pas encore d'échange avec une administration : écrivez-nous d'abord."),
        )
        return redirect("portal:contact")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = data["unit"]
        person = request.user.people.get(organisation_id=unit.organisation_id)
        try:
            complaint = services.complaint_file(
                person=person,
                unit=unit,
                subject=data["subject"],
                description=data["description"],
                expected=data["expected"],
                cases=data["cases"],
                by=request.user,
            )
        except ListeningError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                _(
                    "Votre réclamation est enregistrée. Nous vous avons envoyé un accusé de réception."
                ),
            )
            return redirect("portal:complaint", reference=complaint.reference)
    return render(request, "portal/listening/complaint_new.html", {"form": form})


@login_required
def detail(request, reference):
    complaint = get_object_or_404(selectors.own_complaints(request.user), reference=reference)
    return render(
        request,
        "portal/listening/complaint_detail.html",
        {
            "complaint": complaint,
            "events": complaint.events.filter(visible_to_citizen=True),
            "cases": complaint.cases.select_related("procedure"),
        },
    )
