"""The agents' appointments: the day and the week of a unit (everyone's, or one
agent's), each appointment with the person's history, check-in on arrival, absence,
notes; and booking for a person on the phone or at the counter.

Only the units whose queue the agent works are reachable (``permissions``); every
change goes through ``parcours.appointments.services``.
"""

import datetime

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from parcours.appointments import selectors, services
from parcours.appointments.errors import AppointmentError
from parcours.appointments.models import AppointmentType, when_display
from parcours.appointments.slots import parse_slot_value, slot_value
from parcours.lib.local_time import local_datetime, territory_timezone
from parcours.organisations import permissions
from parcours.portal.appointments.forms import slot_label

from ..appointment_forms import (
    AgentBookForm,
    AgentFilterForm,
    ClosureForm,
    NewPersonForm,
    NoteForm,
    PersonSearchForm,
    ServiceCancelForm,
)
from ..decorators import agent_required, manager_required
from ..journal import journaled


def _unit_of(request, slug):
    return get_object_or_404(permissions.handled_units(request.agent), slug=slug)


def _today(unit) -> datetime.date:
    return timezone.localtime(timezone.now(), territory_timezone(unit.holiday_subdivision)).date()


def _date_param(request, name: str, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return default


def _agent_filter(request, unit) -> AgentFilterForm:
    agents = list(unit.agents.filter(is_active=True).select_related("user"))
    data = {"agent": request.GET["agent"]} if request.GET.get("agent") else None
    return AgentFilterForm(data=data, agents=agents)


def _with_params(url: str, **params) -> str:
    params = {key: value for key, value in params.items() if value}
    return f"{url}?{urlencode(params)}" if params else url


@agent_required
def home(request):
    units = list(permissions.handled_units(request.agent))
    if len(units) == 1:
        return redirect("backoffice:appointments_day", unit=units[0].slug)
    return render(request, "backoffice/appointments/home.html", {"units": units})


@agent_required
def day(request, unit):
    unit = _unit_of(request, unit)
    today = _today(unit)
    shown = _date_param(request, "date", today)
    filter_form = _agent_filter(request, unit)
    of_agent = filter_form.selected()
    appointments = list(
        selectors.unit_appointments(
            request.agent, unit=unit, first_day=shown, last_day=shown, of_agent=of_agent
        )
    )
    url = reverse("backoffice:appointments_day", kwargs={"unit": unit.slug})
    agent_param = str(of_agent.pk) if of_agent else ""
    return render(
        request,
        "backoffice/appointments/day.html",
        {
            "unit": unit,
            "day": shown,
            "is_today": shown == today,
            "appointments": appointments,
            "counts": selectors.day_counts(appointments),
            "filter_form": filter_form,
            "of_agent": of_agent,
            "previous_url": _with_params(
                url, date=(shown - datetime.timedelta(days=1)).isoformat(), agent=agent_param
            ),
            "next_url": _with_params(
                url, date=(shown + datetime.timedelta(days=1)).isoformat(), agent=agent_param
            ),
            "week_url": _with_params(
                reverse("backoffice:appointments_week", kwargs={"unit": unit.slug}),
                du=shown.isoformat(),
                agent=agent_param,
            ),
        },
    )


@agent_required
def week(request, unit):
    unit = _unit_of(request, unit)
    asked = _date_param(request, "du", _today(unit))
    monday = asked - datetime.timedelta(days=asked.weekday())
    sunday = monday + datetime.timedelta(days=6)
    filter_form = _agent_filter(request, unit)
    of_agent = filter_form.selected()
    appointments = list(
        selectors.unit_appointments(
            request.agent, unit=unit, first_day=monday, last_day=sunday, of_agent=of_agent
        )
    )
    by_day = {}
    for appointment in appointments:
        by_day.setdefault(appointment.local_starts_at.date(), []).append(appointment)
    url = reverse("backoffice:appointments_week", kwargs={"unit": unit.slug})
    day_url = reverse("backoffice:appointments_day", kwargs={"unit": unit.slug})
    agent_param = str(of_agent.pk) if of_agent else ""
    days = [monday + datetime.timedelta(days=n) for n in range(7)]
    return render(
        request,
        "backoffice/appointments/week.html",
        {
            "unit": unit,
            "monday": monday,
            "sunday": sunday,
            "days": [
                {
                    "date": d,
                    "label": formats.date_format(d, "l j F"),
                    "appointments": by_day.get(d, []),
                    "url": _with_params(day_url, date=d.isoformat(), agent=agent_param),
                }
                for d in days
            ],
            "total": len(appointments),
            "filter_form": filter_form,
            "of_agent": of_agent,
            "previous_url": _with_params(
                url, du=(monday - datetime.timedelta(days=7)).isoformat(), agent=agent_param
            ),
            "next_url": _with_params(
                url, du=(monday + datetime.timedelta(days=7)).isoformat(), agent=agent_param
            ),
        },
    )


def _appointment_of(request, pk):
    return get_object_or_404(selectors.appointment_for_agent(request.agent, pk))


def _render_detail(request, appointment, *, note_form=None, cancel_form=None, status=200):
    history = [
        other
        for other in selectors.person_history(request.agent, appointment.person)
        if other.pk != appointment.pk
    ]
    today = _today(appointment.unit)
    return render(
        request,
        "backoffice/appointments/detail.html",
        {
            "appointment": appointment,
            "events": list(appointment.events.all()),
            "history": history,
            "note_form": note_form or NoteForm(),
            "cancel_form": cancel_form or ServiceCancelForm(),
            "is_today": appointment.local_starts_at.date() == today,
            "has_started": appointment.starts_at <= timezone.now(),
            "is_future": appointment.starts_at > timezone.now(),
            "day_url": _with_params(
                reverse("backoffice:appointments_day", kwargs={"unit": appointment.unit.slug}),
                date=appointment.local_starts_at.date().isoformat(),
            ),
        },
        status=status,
    )


@agent_required
@journaled("appointment")
def detail(request, pk):
    return _render_detail(request, _appointment_of(request, pk))


@require_POST
@agent_required
@journaled("appointment")
def check_in(request, pk):
    appointment = _appointment_of(request, pk)
    try:
        services.appointment_check_in(appointment=appointment, by=request.user)
    except AppointmentError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Arrivée de %(name)s enregistrée.") % {"name": appointment.person.full_name},
        )
    return redirect("backoffice:appointment", pk=pk)


@require_POST
@agent_required
@journaled("appointment")
def no_show(request, pk):
    appointment = _appointment_of(request, pk)
    try:
        services.appointment_mark_no_show(appointment=appointment, by=request.user)
    except AppointmentError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Absence enregistrée."))
    return redirect("backoffice:appointment", pk=pk)


@require_POST
@agent_required
@journaled("appointment")
def take(request, pk):
    appointment = _appointment_of(request, pk)
    try:
        services.appointment_assign(appointment=appointment, agent=request.agent, by=request.user)
    except AppointmentError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Vous recevez cette personne."))
    return redirect("backoffice:appointment", pk=pk)


@require_POST
@agent_required
@journaled("appointment")
def note(request, pk):
    appointment = _appointment_of(request, pk)
    form = NoteForm(data=request.POST)
    if form.is_valid():
        try:
            services.appointment_add_note(
                appointment=appointment, by=request.user, text=form.cleaned_data["text"]
            )
        except AppointmentError as error:
            form.add_error("text", error.message)
        else:
            messages.success(request, _("Note enregistrée."))
            return redirect("backoffice:appointment", pk=pk)
    return _render_detail(request, appointment, note_form=form)


@require_POST
@agent_required
@journaled("appointment")
def cancel(request, pk):
    appointment = _appointment_of(request, pk)
    form = ServiceCancelForm(data=request.POST)
    if form.is_valid():
        try:
            services.appointment_cancel(
                appointment=appointment, by=request.user, reason=form.cleaned_data["reason"]
            )
        except AppointmentError as error:
            form.add_error("reason", error.message)
        else:
            messages.success(
                request, _("Rendez-vous annulé ; la personne est prévenue si elle a une adresse.")
            )
            return redirect("backoffice:appointment", pk=pk)
    return _render_detail(request, appointment, cancel_form=form)


@manager_required
def closure(request, unit):
    """A manager closes the unit for a while: the appointments in it are cancelled and
    each person told why."""
    unit = get_object_or_404(permissions.managed_units(request.agent), slug=unit)
    form = ClosureForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        tz = territory_timezone(unit.holiday_subdivision)
        data = form.cleaned_data
        starts_at = local_datetime(data["starts_on"], data["starts_at"], tz)
        ends_at = local_datetime(data["ends_on"], data["ends_at"], tz)
        try:
            if starts_at is None or ends_at is None:
                raise AppointmentError(
                    _(
                        "Cette heure n'existe pas ce jour-là (changement d'heure) : choisissez-en une autre."
                    ),
                    field="starts_at",
                )
            _closure, cancelled = services.closure_create(
                unit=unit,
                starts_at=starts_at,
                ends_at=ends_at,
                reason=data["reason"],
                by=request.user,
            )
        except AppointmentError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                ngettext(
                    "Fermeture enregistrée. %(count)d rendez-vous annulé ; la personne est "
                    "prévenue par courriel.",
                    "Fermeture enregistrée. %(count)d rendez-vous annulés ; chaque personne est "
                    "prévenue par courriel.",
                    len(cancelled),
                )
                % {"count": len(cancelled)},
            )
            return redirect(
                _with_params(
                    reverse("backoffice:appointments_day", kwargs={"unit": unit.slug}),
                    date=data["starts_on"].isoformat(),
                )
            )
    return render(
        request,
        "backoffice/appointments/closure.html",
        {
            "unit": unit,
            "form": form,
            "errors": [e for errors in form.errors.values() for e in errors],
            "closures": unit.closures.filter(ends_at__gt=timezone.now()).order_by("starts_at"),
        },
    )


# ---------------------------------------------------------------------------
# Booking for a person


@agent_required
def book(request, unit):
    """One page, step by step through its address: the person (``personne``), the
    appointment type (``type``), the slot (``slot``), then what the person says."""
    unit = _unit_of(request, unit)
    agent = request.agent
    url = reverse("backoffice:appointment_book", kwargs={"unit": unit.slug})
    context = {"unit": unit, "url": url}
    person = None
    if request.GET.get("personne", "").isdigit():
        person = selectors.people_of_organisation(agent).filter(pk=request.GET["personne"]).first()
    if person is None:
        return _book_choose_person(request, unit, context)
    context["person"] = person
    types = AppointmentType.objects.filter(unit=unit, is_active=True).select_related(
        "procedure", "unit"
    )
    appointment_type = None
    if request.GET.get("type", "").isdigit():
        appointment_type = types.filter(pk=request.GET["type"]).first()
    if appointment_type is None:
        context["types"] = [
            {"type": t, "url": _with_params(url, personne=person.pk, type=t.pk)} for t in types
        ]
        return render(request, "backoffice/appointments/book.html", context)
    context["appointment_type"] = appointment_type
    chosen = parse_slot_value(request.POST.get("slot") or request.GET.get("slot", ""))
    if chosen is None:
        return _book_choose_slot(request, appointment_type, person, context)
    form = AgentBookForm(
        data=request.POST if request.method == "POST" else None,
        initial={
            "slot": slot_value(chosen),
            "email": person.email,
            "phone": person.phone,
            "remind_by_email": bool(person.email),
            "remind_by_sms": person.notify_by_sms,
        },
        documents=selectors.documents_to_bring(appointment_type),
        cases=list(selectors.open_cases_of(agent, person, appointment_type)),
    )
    context.update(
        form=form,
        when=when_display(chosen, appointment_type.timezone),
        change_slot_url=_with_params(url, personne=person.pk, type=appointment_type.pk),
    )
    if request.method == "POST" and form.is_valid():
        try:
            appointment = services.appointment_book(
                appointment_type=appointment_type,
                starts_at=chosen,
                person=person,
                by=request.user,
                channel=form.cleaned_data["channel"],
                case=form.selected_case(),
                **form.details(),
            )
        except AppointmentError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("Rendez-vous pris pour %(name)s : %(when)s.")
                % {"name": person.full_name, "when": appointment.when_display()},
            )
            return redirect("backoffice:appointment", pk=appointment.pk)
    context["errors"] = [e for errors in form.errors.values() for e in errors]
    return render(request, "backoffice/appointments/book.html", context)


def _book_choose_person(request, unit, context):
    search = PersonSearchForm(data=request.GET if "q" in request.GET else None)
    new_person = NewPersonForm(data=request.POST if request.method == "POST" else None)
    found = []
    if search.is_valid():
        found = [
            {
                "person": person,
                "url": _with_params(context["url"], personne=person.pk),
            }
            for person in selectors.people_to_book_for(request.agent, search.cleaned_data["q"])
        ]
    if request.method == "POST" and new_person.is_valid():
        try:
            person = services.person_record_create(
                organisation=unit.organisation, by=request.user, **new_person.cleaned_data
            )
        except AppointmentError as error:
            new_person.add_error(
                error.field if error.field in new_person.fields else None, error.message
            )
        else:
            return redirect(_with_params(context["url"], personne=person.pk))
    context.update(search=search, found=found, new_person=new_person)
    return render(request, "backoffice/appointments/book.html", context)


def _book_choose_slot(request, appointment_type, person, context):
    now = timezone.now()
    tz = appointment_type.timezone
    first_day = max(
        _date_param(request, "du", timezone.localtime(now, tz).date()), now.astimezone(tz).date()
    )
    days = selectors.days_of_slots(appointment_type, first_day=first_day, days=7, by_agent=True)
    base = _with_params(context["url"], personne=person.pk, type=appointment_type.pk)
    context.update(
        days=[
            {
                "label": formats.date_format(day, "l j F"),
                "slots": [{"value": s.value, "label": slot_label(s)} for s in day_slots],
            }
            for day, day_slots in days
        ],
        has_free=any(day_slots for _day, day_slots in days),
        next_url=f"{base}&{urlencode({'du': (first_day + datetime.timedelta(days=7)).isoformat()})}",
        previous_url=(
            f"{base}&{urlencode({'du': (first_day - datetime.timedelta(days=7)).isoformat()})}"
            if first_day > timezone.localtime(now, tz).date()
            else ""
        ),
    )
    return render(request, "backoffice/appointments/book.html", context)
