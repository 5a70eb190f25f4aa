"""The agent's actions on a case, one URL each: a form, a service, a message, and back
to the case page (post/redirect/get). The services decide who may act: the agent who
holds the case, or a manager; acting on a case nobody holds takes it by the queue's
rule (``cases.holding``)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parcours.cases import casework, clock, holding, margins, queue, services
from parcours.cases.decision_letters import decision_letter_context
from parcours.cases.enums import DecisionOutcome
from parcours.cases.errors import CaseError
from parcours.cases.lifecycle import UNDER_REVIEW
from parcours.cases.models import Decision
from parcours.contacts import services as contacts
from parcours.contacts.errors import ContactError
from parcours.organisations import permissions
from parcours.organisations.models import Unit

from ..case_forms import (
    DecisionForm,
    HandOverForm,
    InformationRequestForm,
    NoteForm,
    ReasonForm,
    UnitChoiceForm,
)
from ..decorators import agent_required
from ..journal import journaled
from ..margin_forms import MessageWithReasonForm
from .cases import case_of


def _back(case):
    return redirect("backoffice:case", reference=case.reference)


def _refuse(request, case, error):
    messages.error(request, error.message)
    return _back(case)


def _guard(request, case, *, open_only=True):
    """Send the agent back to the case page, with why, when they may not act on it."""
    if open_only and not case.is_open:
        messages.info(request, _("Ce dossier est clos : on ne peut plus agir dessus."))
        return _back(case)
    if not holding.may_act(case, request.user):
        messages.error(
            request,
            _("Seul l'agent qui suit ce dossier, ou un responsable du service, peut agir dessus."),
        )
        return _back(case)
    return None


def _carry(form, error):
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def _other_units(case):
    return Unit.objects.filter(organisation_id=case.organisation_id, is_active=True).exclude(
        pk=case.unit_id
    )


@require_POST
@agent_required
@journaled("case")
def start_review(request, reference):
    case = case_of(request.agent, reference)
    if refused := _guard(request, case):
        return refused
    try:
        services.case_start_review(case=case, by=request.user)
    except CaseError as error:
        return _refuse(request, case, error)
    messages.success(request, _("L'instruction du dossier commence. L'usager en est informé."))
    return _back(case)


@require_http_methods(["GET", "POST"])
@agent_required
@journaled("case")
def message(request, reference):
    case = case_of(request.agent, reference)
    if refused := _guard(request, case, open_only=False):
        return refused
    templates = list(contacts.templates_for(case))
    chosen = None
    if request.method == "GET" and request.GET.get("modele"):
        chosen = next((t for t in templates if str(t.pk) == request.GET["modele"]), None)
        if chosen is None:
            messages.error(request, _("Ce modèle n'existe pas : choisissez-en un dans la liste."))
    initial = {}
    if chosen is not None:
        initial = {
            "body": contacts.template_fill(chosen, case=case, agent=request.agent),
            "template": chosen.pk,
        }
    form = MessageWithReasonForm(data=request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        template = next((t for t in templates if t.pk == form.cleaned_data["template"]), None)
        try:
            # A text that departs from its template needs a reason (``margins``).
            margins.message_send_from_template(
                case=case,
                by=request.user,
                body=form.cleaned_data["body"],
                template=template,
                reason=form.cleaned_data["reason"],
            )
        except (CaseError, ContactError) as error:
            _carry(form, error)
        else:
            messages.success(
                request,
                _("Votre message est envoyé à %(name)s : il est dans son espace et par courriel.")
                % {"name": case.person.full_name},
            )
            return _back(case)
    return render(
        request,
        "backoffice/cases/message.html",
        {"case": case, "form": form, "templates": templates, "chosen": chosen},
    )


@require_http_methods(["GET", "POST"])
@agent_required
@journaled("case")
def request_information(request, reference):
    case = case_of(request.agent, reference)
    if refused := _guard(request, case):
        return refused
    # A document an agent waived is not asked for again.
    documents = margins.waivable_documents(case)
    form = InformationRequestForm(
        data=request.POST or None,
        documents=documents,
        initial={"due_on": casework.default_information_due_on()},
    )
    if case.state not in UNDER_REVIEW:
        messages.info(
            request, _("Une demande est déjà en cours : l'usager n'a pas encore répondu.")
        )
        return _back(case)
    if request.method == "POST" and form.is_valid():
        try:
            casework.case_ask_for_information(
                case=case,
                by=request.user,
                missing=form.cleaned_data["missing"],
                document_codes=form.cleaned_data.get("documents", []),
                due_on=form.cleaned_data["due_on"],
            )
        except CaseError as error:
            _carry(form, error)
        else:
            messages.success(
                request,
                _(
                    "Votre demande est envoyée à l'usager. Le délai de décision est suspendu "
                    "jusqu'à sa réponse, s'il y a lieu."
                ),
            )
            return _back(case)
    return render(
        request, "backoffice/cases/request_information.html", {"case": case, "form": form}
    )


@require_http_methods(["GET", "POST"])
@agent_required
@journaled("case")
def decide(request, reference):
    """Two steps: the decision and its reasons, then the letter as the person will read
    it, to confirm."""
    case = case_of(request.agent, reference)
    if refused := _guard(request, case):
        return refused
    if case.state not in UNDER_REVIEW:
        messages.info(
            request, _("Reprenez d'abord l'instruction : l'usager n'a pas encore répondu.")
        )
        return _back(case)
    form = DecisionForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid() and "edit" not in request.POST:
        outcome, reasons = form.cleaned_data["outcome"], form.cleaned_data["reasons"]
        if "confirm" in request.POST:
            decide_with = (
                services.case_accept
                if outcome == DecisionOutcome.ACCEPTED
                else services.case_reject
            )
            try:
                decide_with(case=case, by=request.user, reasons=reasons)
            except CaseError as error:
                _carry(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "La décision est enregistrée. Le courrier est envoyé à l'usager, "
                        "avec les voies de recours."
                    ),
                )
                return _back(case)
        else:
            letter = render_to_string(
                "cases/_decision_letter_body.html",
                decision_letter_context(_draft_decision(case, request.agent, outcome, reasons)),
                request=request,
            )
            # The letter's title is a level-one heading in the letter; on this page it
            # sits under the page's own title.
            letter = letter.replace("<h1 ", "<h2 ", 1).replace("</h1>", "</h2>", 1)
            return render(
                request,
                "backoffice/cases/decision_preview.html",
                # Rendered by our own template, with autoescaping.
                {"case": case, "form": form, "letter": mark_safe(letter)},  # noqa: S308
            )
    return render(request, "backoffice/cases/decide.html", {"case": case, "form": form})


def _draft_decision(case, agent, outcome, reasons) -> Decision:
    """The decision as it would be signed today, not saved: for the preview."""
    today = timezone.localdate()
    return Decision(
        organisation_id=case.organisation_id,
        case=case,
        outcome=outcome,
        reasons=reasons.strip(),
        signed_by=agent,
        signer_name=agent.display_name,
        signer_title=agent.title,
        decided_on=today,
        appeal_deadline=clock.appeal_deadline(today, case.unit.holiday_subdivision),
    )


@require_http_methods(["GET", "POST"])
@agent_required
@journaled("case")
def close(request, reference):
    case = case_of(request.agent, reference)
    if refused := _guard(request, case):
        return refused
    form = ReasonForm(
        data=request.POST or None,
        label=_("Pourquoi classer ce dossier sans suite ?"),
        help_text=_(
            "Ce motif figure dans le courrier envoyé à l'usager : par exemple, une demande "
            "en double, ou sans objet."
        ),
        missing=_("Dites à l'usager pourquoi son dossier est classé sans suite."),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.case_close_without_action(
                case=case, by=request.user, reason=form.cleaned_data["reason"]
            )
        except CaseError as error:
            _carry(form, error)
        else:
            messages.success(
                request, _("Le dossier est classé sans suite ; l'usager en est informé.")
            )
            return _back(case)
    return render(request, "backoffice/cases/close.html", {"case": case, "form": form})


@require_http_methods(["GET", "POST"])
@agent_required
@journaled("case")
def hand_over(request, reference):
    case = case_of(request.agent, reference)
    if refused := _guard(request, case):
        return refused
    agents = permissions.holders_of(case.unit)
    if case.referent_id:
        agents = agents.exclude(pk=case.referent_id)
    form = HandOverForm(data=request.POST or None, agents=agents)
    if request.method == "POST" and form.is_valid():
        to = form.cleaned_data["to"]
        try:
            casework.case_hand_over(
                case=case, by=request.user, to=to, reason=form.cleaned_data["reason"]
            )
        except CaseError as error:
            _carry(form, error)
        else:
            messages.success(
                request,
                _("%(name)s suit désormais le dossier %(reference)s ; l'usager en est informé.")
                % {"name": to.display_name, "reference": case.reference},
            )
            return _back(case)
    return render(request, "backoffice/cases/hand_over.html", {"case": case, "form": form})


@require_http_methods(["GET", "POST"])
@agent_required
@journaled("case")
def reroute(request, reference):
    case = case_of(request.agent, reference)
    if refused := _guard(request, case):
        return refused
    form = UnitChoiceForm(
        data=request.POST or None,
        units=_other_units(case),
        unit_label=_("Transmettre au service"),
        text_label=_("Pourquoi ce service est-il compétent ?"),
        text_help=_("L'usager lit ce motif dans le courriel qui l'informe de la transmission."),
        missing=_("Dites à l'usager pourquoi son dossier est transmis."),
    )
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        try:
            casework.case_reroute(
                case=case, by=request.user, unit=unit, reason=form.cleaned_data["text"]
            )
        except CaseError as error:
            _carry(form, error)
        else:
            messages.success(
                request,
                _(
                    "Le dossier %(reference)s est transmis à %(unit)s : il est dans "
                    "sa file. L'usager en est informé."
                )
                % {"reference": case.reference, "unit": unit.name},
            )
            # The case has left the agent's units: back to their queue, unless they
            # still see it (a manager of both units).
            if queue.backoffice_cases(request.agent).filter(pk=case.pk).exists():
                return _back(case)
            return redirect("backoffice:home")
    return render(request, "backoffice/cases/reroute.html", {"case": case, "form": form})


@require_http_methods(["GET", "POST"])
@agent_required
@journaled("case")
def ask_opinion(request, reference):
    case = case_of(request.agent, reference)
    if refused := _guard(request, case):
        return refused
    form = UnitChoiceForm(
        data=request.POST or None,
        units=_other_units(case),
        unit_label=_("Demander l'avis du service"),
        text_label=_("Votre question"),
        text_help=_(
            "Les agents de ce service pourront lire le dossier le temps de répondre ; leur "
            "avis rejoindra l'historique. L'usager ne voit ni la question ni l'avis."
        ),
        missing=_("Écrivez la question posée à ce service."),
    )
    if request.method == "POST" and form.is_valid():
        try:
            casework.opinion_request_create(
                case=case,
                by=request.user,
                to_unit=form.cleaned_data["unit"],
                question=form.cleaned_data["text"],
            )
        except CaseError as error:
            _carry(
                form, error if error.field != "to_unit" else CaseError(error.message, field="unit")
            )
        else:
            messages.success(
                request,
                _("Votre demande d'avis est envoyée à %(unit)s.")
                % {"unit": form.cleaned_data["unit"].name},
            )
            return _back(case)
    return render(request, "backoffice/cases/ask_opinion.html", {"case": case, "form": form})


@require_http_methods(["GET", "POST"])
@agent_required
@journaled("case")
def note(request, reference):
    """A private note between agents: any agent of the case's unit, or a manager."""
    case = case_of(request.agent, reference)
    form = NoteForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            casework.case_add_note(case=case, by=request.user, text=form.cleaned_data["text"])
        except CaseError as error:
            _carry(form, error)
        else:
            messages.success(
                request, _("Votre note est ajoutée à l'historique, pour les agents seulement.")
            )
            return _back(case)
    return render(request, "backoffice/cases/note.html", {"case": case, "form": form})
