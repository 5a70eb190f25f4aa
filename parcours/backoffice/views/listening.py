"""Listening in the back-office: experiences to moderate and answer, complaints, agents'
reports on procedures, ideas to answer. Each list and page is scoped to the agent's
organisation and units (``parcours.listening.selectors``)."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.catalog.models import Procedure
from parcours.listening import selectors
from parcours.listening.enums import ComplaintStatus, ExperienceStatus, IdeaStatus
from parcours.listening.errors import ListeningError
from parcours.listening.models import Idea
from parcours.listening.services import agent_feedback as feedback_services
from parcours.listening.services import complaints as complaint_services
from parcours.listening.services import experiences as experience_services
from parcours.listening.services import ideas as idea_services
from parcours.organisations import permissions
from parcours.privacy.enums import JournalAction, JournalVia
from parcours.privacy.journal import record_access

from ..decorators import agent_required, denied, manager_required
from ..journal import journaled
from ..listening_forms import (
    AgentFeedbackAnswerForm,
    AgentFeedbackForm,
    ComplaintAnswerForm,
    ComplaintRecordForm,
    IdeaStatusForm,
    ModerationForm,
    ReplyForm,
)
from .cases import case_of


def _post(request):
    return request.POST if request.method == "POST" else None


@agent_required
def home(request):
    agent = request.agent
    experiences = selectors.experiences_for_agent(agent)
    ideas = Idea.objects.filter(organisation_id=agent.organisation_id)
    return render(
        request,
        "backoffice/listening/home.html",
        {
            "held": experiences.filter(status=ExperienceStatus.HELD)
            if request.agent_is_manager
            else [],
            "to_answer": experiences.filter(
                status=ExperienceStatus.PUBLISHED, replied_at__isnull=True
            ),
            "complaints": selectors.complaints_for_agent(agent).open().order_by("due_on"),
            "today": timezone.localdate(),
            "reports": selectors.agent_feedback_for(agent).order_by("-created_at")[:50],
            "ideas": ideas.filter(
                is_published=True,
                status__in=[IdeaStatus.PROPOSED, IdeaStatus.STUDIED, IdeaStatus.PLANNED],
            ).order_by("-support_count")
            if request.agent_is_manager
            else [],
            # Held for their words: the idea itself, or one of its comments.
            "held_ideas": ideas.filter(Q(is_published=False) | Q(comments__is_published=False))
            .distinct()
            .order_by("-created_at")
            if request.agent_is_manager
            else [],
        },
    )


@agent_required
def experience(request, public_id):
    agent = request.agent
    item = get_object_or_404(selectors.experiences_for_agent(agent), public_id=public_id)
    reply_form = ReplyForm(data=_post(request) if "reply" in request.POST else None)
    moderation_form = ModerationForm(data=_post(request) if "decision" in request.POST else None)
    if request.method == "POST":
        try:
            if "decision" in request.POST and moderation_form.is_valid():
                data = moderation_form.cleaned_data
                experience_services.experience_moderate(
                    experience=item,
                    by=agent,
                    publish=data["decision"] == "publish",
                    public_body=data["public_body"],
                    note=data["note"],
                )
                messages.success(request, _("La décision de modération est enregistrée."))
                return redirect("backoffice:listening_experience", public_id=public_id)
            if "reply" in request.POST and reply_form.is_valid():
                experience_services.experience_reply(
                    experience=item, by=agent, reply=reply_form.cleaned_data["reply"]
                )
                messages.success(request, _("La réponse est publiée et l'auteur prévenu."))
                return redirect("backoffice:listening_experience", public_id=public_id)
        except ListeningError as error:
            form = moderation_form if "decision" in request.POST else reply_form
            form.add_error(error.field, error.message)
    return render(
        request,
        "backoffice/listening/experience.html",
        {
            "experience": item,
            "reply_form": reply_form,
            "moderation_form": moderation_form,
            "may_moderate": experience_services.may_moderate(agent, item),
            "may_reply": experience_services.may_reply(agent, item),
        },
    )


def _journal_complaint(request, complaint, action: str) -> None:
    """A complaint is the person's data: its page is journaled like a case's."""
    record_access(
        request.user,
        complaint.person,
        action,
        obj=complaint,
        request=request,
        via=JournalVia.BACKOFFICE,
    )


@agent_required
def complaint(request, reference):
    agent = request.agent
    item = get_object_or_404(selectors.complaints_for_agent(agent), reference=reference)
    form = ComplaintAnswerForm(data=_post(request) if "response" in request.POST else None)
    if request.method == "POST":
        try:
            if "take" in request.POST:
                complaint_services.complaint_take(complaint=item, by=agent)
                _journal_complaint(request, item, JournalAction.CHANGE)
                messages.success(request, _("Vous suivez cette réclamation."))
                return redirect("backoffice:complaint", reference=reference)
            if form.is_valid():
                complaint_services.complaint_answer(complaint=item, by=agent, **form.cleaned_data)
                _journal_complaint(request, item, JournalAction.CHANGE)
                messages.success(request, _("La réponse est envoyée à la personne."))
                return redirect("backoffice:complaint", reference=reference)
        except ListeningError as error:
            form.add_error(error.field, error.message)
    _journal_complaint(request, item, JournalAction.READ)
    return render(
        request,
        "backoffice/listening/complaint.html",
        {
            "complaint": item,
            "form": form,
            "events": item.events.select_related("actor"),
            "cases": item.cases.select_related("procedure"),
            "overdue": item.status != ComplaintStatus.ANSWERED
            and item.due_on < timezone.localdate(),
        },
    )


@agent_required
@journaled("case")
def complaint_record(request, reference):
    """Record a complaint the person made by phone, at the counter, by post or email,
    about the case ``reference``."""
    agent = request.agent
    case = case_of(agent, reference)
    form = ComplaintRecordForm(data=_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            item = complaint_services.complaint_file(
                person=case.person,
                unit=case.unit,
                procedure=case.procedure,
                cases=[case],
                recorded_by=agent,
                by=request.user,
                **form.cleaned_data,
            )
        except ListeningError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                _("La réclamation est enregistrée ; la personne reçoit un accusé de réception."),
            )
            return redirect("backoffice:complaint", reference=item.reference)
    return render(
        request, "backoffice/listening/complaint_record.html", {"case": case, "form": form}
    )


@agent_required
@journaled("case")
def report_friction(request, reference):
    agent = request.agent
    case = case_of(agent, reference)
    form = AgentFeedbackForm(data=_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            feedback_services.agent_feedback_report(case=case, by=agent, **form.cleaned_data)
        except ListeningError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request, _("Merci : votre remontée est transmise aux responsables de la démarche.")
            )
            return redirect("backoffice:case", reference=reference)
    return render(
        request, "backoffice/listening/report_friction.html", {"case": case, "form": form}
    )


@agent_required
def report(request, pk):
    agent = request.agent
    item = get_object_or_404(selectors.agent_feedback_for(agent), pk=pk)
    may_triage = feedback_services.may_triage(agent, item)
    form = AgentFeedbackAnswerForm(data=_post(request))
    if request.method == "POST":
        if not may_triage:
            return denied(request, "role")
        if form.is_valid():
            try:
                feedback_services.agent_feedback_answer(report=item, by=agent, **form.cleaned_data)
            except ListeningError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, _("Votre réponse est enregistrée."))
                return redirect("backoffice:listening_report", pk=pk)
    return render(
        request,
        "backoffice/listening/report.html",
        {"report": item, "form": form, "may_triage": may_triage},
    )


@manager_required
def procedure_reports(request, code):
    """The procedure owner's list: every report on one procedure."""
    agent = request.agent
    procedure = get_object_or_404(Procedure, code=code, organisation_id=agent.organisation_id)
    if not permissions.may_manage(agent, procedure.handling_unit):
        return denied(request, "role")
    reports = (
        selectors.agent_feedback_for(agent).filter(procedure=procedure).order_by("-created_at")
    )
    return render(
        request,
        "backoffice/listening/procedure_reports.html",
        {
            "procedure": procedure,
            "reports": reports,
            "by_kind": reports.values("kind").annotate(n=Count("pk")).order_by("-n"),
        },
    )


@manager_required
def idea(request, pk):
    agent = request.agent
    item = get_object_or_404(Idea.objects.filter(organisation_id=agent.organisation_id), pk=pk)
    form = IdeaStatusForm(data=_post(request) if "status" in request.POST else None)
    if request.method == "POST":
        try:
            if "publish" in request.POST:
                idea_services.idea_publish_held(idea=item, by=agent, publish=True)
                messages.success(request, _("L'idée est publiée."))
                return redirect("backoffice:listening_idea", pk=pk)
            if "publish_comment" in request.POST:
                comment = get_object_or_404(item.comments, pk=request.POST["publish_comment"])
                idea_services.idea_comment_publish(comment=comment, by=agent)
                messages.success(request, _("Le commentaire est publié."))
                return redirect("backoffice:listening_idea", pk=pk)
            if form.is_valid():
                idea_services.idea_set_status(idea=item, by=agent, **form.cleaned_data)
                messages.success(
                    request, _("La suite donnée est publiée ; les soutiens sont prévenus.")
                )
                return redirect("backoffice:listening_idea", pk=pk)
        except ListeningError as error:
            form.add_error(error.field, error.message)
    return render(
        request,
        "backoffice/listening/idea.html",
        {"idea": item, "form": form, "held_comments": item.comments.filter(is_published=False)},
    )
