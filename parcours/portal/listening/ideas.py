"""The ideas space of each administration, and « Vous avez dit, nous avons fait »."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.listening import selectors
from parcours.listening.errors import ListeningError
from parcours.listening.models import Idea, IdeaSupport
from parcours.listening.services import ideas as services
from parcours.organisations.models import Organisation

from .forms import CommentForm, IdeaForm


def index(request):
    return render(
        request,
        "portal/listening/ideas_index.html",
        {"organisations": Organisation.objects.order_by("name")},
    )


def of_organisation(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    form = IdeaForm(
        data=request.POST if request.method == "POST" else None, organisation=organisation
    )
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{_login_url()}?next={request.path}")
        if form.is_valid():
            try:
                idea = services.idea_propose(
                    organisation=organisation, by=request.user, **form.cleaned_data
                )
            except ListeningError as error:
                form.add_error(error.field, error.message)
            else:
                if idea.is_published:
                    messages.success(request, _("Votre idée est publiée. Merci !"))
                    return redirect("portal:idea", slug=slug, pk=idea.pk)
                messages.warning(
                    request,
                    _("Votre idée sera relue par un responsable avant d'être publiée."),
                )
                return redirect("portal:ideas_of", slug=slug)
    return render(
        request,
        "portal/listening/ideas.html",
        {"organisation": organisation, "ideas": selectors.public_ideas(organisation), "form": form},
    )


def _login_url():
    from django.conf import settings
    from django.shortcuts import resolve_url

    return resolve_url(settings.LOGIN_URL)


def detail(request, slug, pk):
    idea = get_object_or_404(
        Idea.objects.published().select_related("organisation", "procedure"),
        organisation__slug=slug,
        pk=pk,
    )
    supported = (
        request.user.is_authenticated
        and IdeaSupport.objects.filter(idea=idea, user=request.user).exists()
    )
    return render(
        request,
        "portal/listening/idea_detail.html",
        {
            "idea": idea,
            "organisation": idea.organisation,
            "supported": supported,
            "comments": idea.comments.filter(is_published=True),
            "changes": idea.status_changes.all(),
            "form": CommentForm(),
        },
    )


@login_required
@require_POST
def support(request, slug, pk):
    idea = get_object_or_404(Idea.objects.published(), organisation__slug=slug, pk=pk)
    if services.idea_support(idea=idea, by=request.user):
        messages.success(
            request, _("Votre soutien est compté. Vous serez prévenu de la suite donnée.")
        )
    else:
        messages.info(request, _("Vous soutenez déjà cette idée : un soutien par personne."))
    return redirect("portal:idea", slug=slug, pk=pk)


@login_required
@require_POST
def comment(request, slug, pk):
    idea = get_object_or_404(
        Idea.objects.published().select_related("organisation"), organisation__slug=slug, pk=pk
    )
    form = CommentForm(data=request.POST)
    if form.is_valid():
        try:
            posted = services.idea_comment(
                idea=idea, by=request.user, body=form.cleaned_data["body"]
            )
        except ListeningError as error:
            form.add_error(error.field, error.message)
        else:
            if posted.is_published:
                messages.success(request, _("Votre commentaire est publié."))
            else:
                messages.warning(request, _("Votre commentaire sera relu par un responsable."))
            return redirect("portal:idea", slug=slug, pk=pk)
    return render(
        request,
        "portal/listening/idea_detail.html",
        {
            "idea": idea,
            "organisation": idea.organisation,
            "supported": IdeaSupport.objects.filter(idea=idea, user=request.user).exists(),
            "comments": idea.comments.filter(is_published=True),
            "changes": idea.status_changes.all(),
            "form": form,
        },
    )


def you_said_we_did(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    return render(
        request,
        "portal/listening/you_said_we_did.html",
        {"organisation": organisation, "ideas": selectors.answered_ideas(organisation)},
    )
