"""The helpers' space (/aidant/) and the person's mandates (/mes-mandats/).

A helper signs in as a user with an active Agent record of role helper; they never
reach the back-office. Every view fetches the mandate among the helper's own, and
checks on each request that it still lets them act (``selectors.require_active``):
a revoked or expired mandate, another person or another procedure gives a polite
403 page saying why. Filing reuses the portal's apply flow, with the person as
applicant.
"""

import functools
from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from parcours.cases import margins
from parcours.cases import selectors as case_selectors
from parcours.cases import services as case_services
from parcours.cases.enums import CaseState, ProgressStep
from parcours.cases.errors import CaseError
from parcours.cases.models import Case
from parcours.catalog.models import Procedure
from parcours.portal.pieces import send_pieces_page
from parcours.portal.space.forms import AnswerWithFilesForm

from . import selectors, services
from .enums import ConsentMethod, MandateStatus
from .errors import MandateDenied, MandateError
from .forms import CodeForm, MandateForm, SearchForm
from .models import Mandate


def denied(request, message, status=HTTPStatus.FORBIDDEN):
    return render(request, "helpers/denied.html", {"message": message}, status=status)


def helper_required(view):
    """Signed in as an active helper; a ``MandateDenied`` raised inside becomes the
    polite 403 page."""

    @login_required
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        request.helper = selectors.helper_of(request.user)
        if request.helper is None:
            return denied(
                request,
                _(
                    "L'espace des aidants est réservé aux aidants habilités (France Services, "
                    "travailleurs sociaux). Votre compte n'en fait pas partie."
                ),
            )
        try:
            return view(request, *args, **kwargs)
        except MandateDenied as refusal:
            return denied(request, refusal.message)

    return wrapped


def _mandate(request, pk) -> Mandate:
    """One of the helper's own mandates; another helper's is refused."""
    mandate = (
        Mandate.objects.of_helper(request.user).select_related("helper__user", "user").filter(pk=pk)
    ).first()
    if mandate is None:
        raise MandateDenied(
            _("Ce mandat ne vous a pas été donné : vous ne pouvez pas agir sous ce mandat.")
        )
    return mandate


def _active_mandate(request, pk) -> Mandate:
    mandate = _mandate(request, pk)
    selectors.require_active(mandate)
    return mandate


@never_cache
@helper_required
def home(request):
    form = SearchForm(data=request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    mandates = list(selectors.mandates_of_helper(request.user, query))
    return render(
        request,
        "helpers/home.html",
        {"form": form, "query": query, "mandates": mandates, "helper": request.helper},
    )


def _error_list(form) -> list[dict]:
    return [
        {
            "anchor": form[name].auto_id if name in form.fields else "",
            "label": form.fields[name].label if name in form.fields else "",
            "message": message,
        }
        for name, errors in form.errors.items()
        if name != "__all__"
        for message in errors
    ]


@never_cache
@helper_required
@require_http_methods(["GET", "POST"])
def mandate_new(request):
    form = MandateForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mandate = services.mandate_create(
                by=request.user,
                given_name=data["given_name"],
                family_name=data["family_name"],
                birth_date=data["birth_date"],
                email=data["email"],
                phone=data["phone"],
                procedures=data["procedures"],
                ends_on=data["ends_on"],
                consent_method=data["consent_method"],
                signed_name=data["signed_name"],
                agreed=data["agreed"],
                signature=data["signature"],
            )
        except MandateError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if mandate.consent_method == ConsentMethod.CODE:
                messages.info(
                    request,
                    _("Un code vient d'être envoyé à %(to)s. Demandez-le à la personne.")
                    % {"to": mandate.code_sent_to},
                )
                return redirect("helpers:code", pk=mandate.pk)
            messages.success(
                request,
                _("Le mandat de %(name)s est signé et en cours. La personne en est informée.")
                % {"name": mandate.person_name},
            )
            return redirect("helpers:mandate", pk=mandate.pk)
    return render(
        request, "helpers/mandate_new.html", {"form": form, "error_list": _error_list(form)}
    )


@never_cache
@helper_required
@require_http_methods(["GET", "POST"])
def mandate_code(request, pk):
    mandate = _mandate(request, pk)
    if mandate.status() != MandateStatus.PENDING:
        if mandate.is_active:
            return redirect("helpers:mandate", pk=mandate.pk)
        raise MandateDenied(selectors.denial_message(mandate))
    form = CodeForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and request.POST.get("action") == "resend":
        try:
            services.mandate_send_code(mandate=mandate, by=request.user)
        except MandateError as error:
            messages.error(request, error.message)
            return redirect("helpers:code", pk=mandate.pk)
        messages.info(
            request,
            _("Un nouveau code vient d'être envoyé à %(to)s.") % {"to": mandate.code_sent_to},
        )
        return redirect("helpers:code", pk=mandate.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.mandate_confirm(
                mandate=mandate, code=form.cleaned_data["code"], by=request.user
            )
        except MandateError as error:
            form.add_error("code", error.message)
        else:
            messages.success(
                request,
                _("Le mandat de %(name)s est confirmé et en cours. La personne en est informée.")
                % {"name": mandate.person_name},
            )
            return redirect("helpers:mandate", pk=mandate.pk)
    return render(
        request,
        "helpers/mandate_code.html",
        {"mandate": mandate, "form": form, "error_list": _error_list(form)},
    )


@never_cache
@helper_required
def mandate_detail(request, pk):
    mandate = _mandate(request, pk)
    if mandate.status() == MandateStatus.PENDING:
        return redirect("helpers:code", pk=mandate.pk)
    selectors.require_active(mandate)
    cases = (
        Case.objects.filter(mandate_link__mandate=mandate)
        .select_related("procedure__organisation", "unit")
        .order_by("-created_at")
    )
    return render(
        request,
        "helpers/mandate_detail.html",
        {
            "mandate": mandate,
            "procedures": mandate.procedures.select_related("organisation").order_by("title"),
            "cases": cases,
            "acts": mandate.acts.select_related("case", "actor")[:50],
        },
    )


@helper_required
@require_POST
def mandate_start(request, pk, slug):
    mandate = _active_mandate(request, pk)
    procedure = get_object_or_404(Procedure.objects.published(), slug=slug)
    try:
        case = services.mandate_start_case(mandate=mandate, procedure=procedure, by=request.user)
    except CaseError as error:
        messages.error(request, error.message)
        return redirect("helpers:mandate", pk=mandate.pk)
    return redirect("portal:apply_step", pk=case.pk, step=1)


def _mandated_case(request, mandate: Mandate, reference: str) -> Case:
    case = get_object_or_404(
        Case.objects.exclude(state=CaseState.DRAFT)
        .filter(reference=reference, mandate_link__mandate=mandate)
        .with_list_data()
        .select_related("unit__organisation")
    )
    selectors.require_active(mandate, procedure=case.procedure)
    return case


@never_cache
@helper_required
def case_detail(request, pk, reference):
    mandate = _active_mandate(request, pk)
    case = _mandated_case(request, mandate, reference)
    services.journal_helper_access(mandate=mandate, case=case, request=request)
    return render(
        request,
        "helpers/case_detail.html",
        {
            "mandate": mandate,
            "case": case,
            "steps": ProgressStep.choices,
            "documents": case_selectors.documents_of_case(case),
            "missing_documents": margins.missing_documents(case) if case.is_open else [],
            "events": case.events.filter(visible_to_citizen=True).select_related("actor"),
            "information_request": case_selectors.last_information_request(case)
            if case.state == CaseState.AWAITING_CITIZEN
            else None,
        },
    )


@never_cache
@helper_required
@require_http_methods(["GET", "POST"])
def case_documents(request, pk, reference):
    """The helper sends, for the person, the documents still expected (or any other
    useful one) once the request is on its way, as the person would."""
    mandate = _active_mandate(request, pk)
    case = _mandated_case(request, mandate, reference)
    return send_pieces_page(
        request,
        case,
        template="helpers/case_documents.html",
        here=reverse("helpers:case_documents", args=[mandate.pk, case.reference]),
        case_url=reverse("helpers:case", args=[mandate.pk, case.reference]),
        answer_url=reverse("helpers:case_answer", args=[mandate.pk, case.reference]),
        mandate=mandate,
    )


@never_cache
@helper_required
@require_http_methods(["GET", "POST"])
def case_answer(request, pk, reference):
    """The helper answers, for the person, a request for pieces or information."""
    mandate = _active_mandate(request, pk)
    case = _mandated_case(request, mandate, reference)
    if case.state != CaseState.AWAITING_CITIZEN:
        messages.info(request, _("Le service n'attend pas de réponse sur ce dossier."))
        return redirect("helpers:case", pk=mandate.pk, reference=case.reference)
    posted = request.method == "POST"
    form = AnswerWithFilesForm(
        data=request.POST if posted else None, files=request.FILES if posted else None
    )
    if posted and form.is_valid():
        added = []
        try:
            with transaction.atomic():
                for upload in form.cleaned_data["files"]:
                    added.append(
                        case_services.document_add(case=case, by=request.user, upload=upload)
                    )
                case_services.case_resume_review(
                    case=case, by=request.user, reason=form.cleaned_data["answer"]
                )
        except CaseError as error:
            for document in added:
                document.file.storage.delete(document.file.name)
            form.add_error({"reason": "answer", "file": "files"}.get(error.field), error.message)
        else:
            messages.success(
                request,
                _("La réponse est envoyée au service pour %(name)s.")
                % {"name": mandate.person_name},
            )
            return redirect("helpers:case", pk=mandate.pk, reference=case.reference)
    return render(
        request,
        "helpers/case_answer.html",
        {
            "mandate": mandate,
            "case": case,
            "form": form,
            "information_request": case_selectors.last_information_request(case),
        },
    )


# ---------------------------------------------------------------------------
# The person's side


@never_cache
@login_required
def mine(request):
    mandates = list(selectors.mandates_of_person(request.user))
    return render(
        request,
        "mandates/mine.html",
        {"mandates": mandates, "acts": selectors.acts_of_person(request.user)[:100]},
    )


@login_required
@require_POST
def revoke(request, pk):
    mandate = get_object_or_404(Mandate.objects.given_by(request.user), pk=pk)
    already = mandate.revoked_at is not None
    services.mandate_revoke(mandate=mandate, by=request.user)
    if already:
        messages.info(request, _("Ce mandat était déjà révoqué."))
    else:
        messages.success(
            request,
            _(
                "Le mandat est révoqué : %(helper)s ne peut plus agir pour vous, dès "
                "maintenant. Les démarches déjà faites restent dans vos dossiers."
            )
            % {"helper": mandate.helper.display_name},
        )
    return redirect("mandates:mine")
