"""Booking an appointment, for a citizen: choose what for, where or how, and when; say
what the meeting is about; get a confirmation by email with a calendar file; move or
cancel it later from the link in that email.

Without an account, a six-digit code sent by email proves the address before anything
is booked; what the person typed is kept in their session meanwhile, never lost. Every
rule (free seats, limits, notice) is the services'; these views only translate.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from parcours.accounts.views import client_address
from parcours.appointments import ics, links, selectors, services
from parcours.appointments.enums import WaitingStatus
from parcours.appointments.errors import AppointmentError
from parcours.appointments.models import AppointmentType, when_display
from parcours.appointments.slots import parse_slot_value, slot_value
from parcours.catalog.models import Procedure

from .forms import BookForm, CancelForm, EmailCodeForm, MoveForm, WaitingListForm, slot_label

PENDING = "appointments:pending"
CODE = "appointments:code"
VERIFIED = "appointments:verified"
# Once an address is proved, further bookings in the same session need no new code.
VERIFIED_FOR = datetime.timedelta(hours=1)
DAYS_SHOWN = 7


# ---------------------------------------------------------------------------
# Helpers


def _error_list(form) -> list[dict]:
    """Each error with the id of the input it is about, for the summary's links."""
    found = []
    for name, errors in form.errors.items():
        if name not in form.fields:
            continue
        field = form[name]
        anchor = field.auto_id
        if name in ("needs", "documents", "slot"):
            anchor = f"{field.auto_id}_0"
        found.append({"anchor": anchor, "label": field.label, "message": " ".join(errors)})
    return found


def _add_error(form, error: AppointmentError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _day_param(request, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get("du", ""))
    except ValueError:
        return default


def _week_context(
    appointment_type: AppointmentType, request, *, url: str, by_agent: bool = False
) -> dict:
    """Seven days of free slots from the day asked for (``?du=``), kept in the window,
    with links to the weeks before and after."""
    now = timezone.now()
    first_bookable = selectors.first_bookable_day(appointment_type, now=now)
    last_bookable = selectors.last_bookable_day(appointment_type, now=now)
    first_day = min(max(_day_param(request, first_bookable), first_bookable), last_bookable)
    days = selectors.days_of_slots(
        appointment_type, first_day=first_day, days=DAYS_SHOWN, now=now, by_agent=by_agent
    )
    week = datetime.timedelta(days=DAYS_SHOWN)
    previous_day = max(first_day - week, first_bookable)
    next_day = first_day + week
    has_free = any(day_slots for _day, day_slots in days)
    next_slot = None
    if not has_free:
        next_slot = selectors.next_free_slot(appointment_type, now=now)
    return {
        "days": [
            {
                "date": day,
                "label": formats.date_format(day, "l j F"),
                "slots": [{"value": s.value, "label": slot_label(s)} for s in day_slots],
            }
            for day, day_slots in days
        ],
        "has_free": has_free,
        "next_slot": next_slot,
        "next_slot_label": _day_label(next_slot),
        "next_slot_url": (
            f"{url}?{urlencode({'du': next_slot.day.isoformat()})}" if next_slot else ""
        ),
        "previous_url": (
            f"{url}?{urlencode({'du': previous_day.isoformat()})}"
            if first_day > first_bookable
            else ""
        ),
        "next_url": (
            f"{url}?{urlencode({'du': next_day.isoformat()})}" if next_day <= last_bookable else ""
        ),
        "last_bookable": last_bookable,
    }


def _day_label(slot) -> str:
    return formats.date_format(slot.local_starts_at, "l j F") if slot else ""


def _verified_email(request) -> str:
    verified = request.session.get(VERIFIED) or {}
    try:
        until = datetime.datetime.fromisoformat(verified.get("until", ""))
    except ValueError:
        return ""
    return verified.get("email", "") if until > timezone.now() else ""


def _form_kwargs(request, appointment_type: AppointmentType) -> dict:
    cases = list(selectors.cases_for_appointment(request.user, appointment_type))
    return {
        "signed_in": request.user.is_authenticated,
        "documents": selectors.documents_to_bring(appointment_type),
        "cases": cases,
    }


def _initial(request) -> dict:
    initial = {"remind_by_email": True}
    if request.user.is_authenticated:
        initial["email"] = request.user.email
        person = request.user.people.exclude(phone="").order_by("pk").first()
        if person is not None:
            initial["phone"] = person.phone
    return initial


def _person(request, appointment_type: AppointmentType, form):
    return services.person_for_booking(
        organisation=appointment_type.unit.organisation,
        user=request.user,
        email=form.cleaned_data["email"],
        given_name=form.cleaned_data.get("given_name", ""),
        family_name=form.cleaned_data.get("family_name", ""),
        phone=form.cleaned_data.get("phone", ""),
    )


def _free_slots_of_day(appointment_type: AppointmentType, day: datetime.date):
    return selectors.days_of_slots(appointment_type, first_day=day, days=1)[0][1]


def _confirmed(request, appointment) -> HttpResponse:
    messages.success(
        request,
        _(
            "Votre rendez-vous est confirmé : %(when)s. Nous vous l'envoyons aussi par "
            "courriel, avec un fichier pour votre agenda."
        )
        % {"when": appointment.when_display()},
    )
    return redirect("portal:appointment_manage", token=links.manage_token(appointment))


# ---------------------------------------------------------------------------
# Choosing


def start(request):
    """What is the appointment for: a procedure, or a question."""
    return render(
        request,
        "portal/appointments/start.html",
        {
            "procedures": selectors.procedures_with_appointments(),
            "general_types": selectors.general_types(),
            "upcoming": (
                selectors.own_appointments(request.user).upcoming().count()
                if request.user.is_authenticated
                else 0
            ),
        },
    )


def procedure_types(request, slug):
    """Where or how: at a counter, by phone, by video."""
    procedure = get_object_or_404(
        Procedure.objects.published().select_related("handling_unit"), slug=slug
    )
    types = list(selectors.types_for_procedure(procedure))
    now = timezone.now()
    return render(
        request,
        "portal/appointments/types.html",
        {
            "procedure": procedure,
            "choices": [
                {"type": t, "next_slot": _day_label(selectors.next_free_slot(t, now=now))}
                for t in types
            ],
            "general_types": [] if types else selectors.general_types(),
        },
    )


def slots(request, pk):
    """When: the free slots of a week, to choose from."""
    appointment_type = get_object_or_404(selectors.bookable_type(pk))
    url = reverse("portal:appointment_slots", kwargs={"pk": pk})
    return render(
        request,
        "portal/appointments/slots.html",
        {
            "appointment_type": appointment_type,
            **_week_context(appointment_type, request, url=url),
        },
    )


# ---------------------------------------------------------------------------
# Booking


def _render_book(request, appointment_type, form, day, status=200):
    return render(
        request,
        "portal/appointments/book.html",
        {
            "appointment_type": appointment_type,
            "form": form,
            "error_list": _error_list(form),
            "day_label": formats.date_format(day, "l j F Y"),
            "other_day_url": reverse("portal:appointment_slots", kwargs={"pk": appointment_type.pk})
            + "?"
            + urlencode({"du": day.isoformat()}),
        },
        status=status,
    )


@never_cache
def book(request, pk):
    appointment_type = get_object_or_404(selectors.bookable_type(pk))
    source = request.POST if request.method == "POST" else request.GET
    chosen = parse_slot_value(source.get("slot", ""))
    if chosen is None:
        messages.error(request, _("Choisissez un créneau dans la liste."))
        return redirect("portal:appointment_slots", pk=pk)
    day = timezone.localtime(chosen, appointment_type.timezone).date()
    day_slots = _free_slots_of_day(appointment_type, day)
    if not day_slots and request.method != "POST":
        messages.warning(
            request,
            _("Il n'y a plus de créneau libre ce jour-là : choisissez un autre jour."),
        )
        return redirect(
            reverse("portal:appointment_slots", kwargs={"pk": pk})
            + "?"
            + urlencode({"du": day.isoformat()})
        )
    kwargs = _form_kwargs(request, appointment_type)
    if request.method == "POST":
        form = BookForm(data=request.POST, slots=day_slots, **kwargs)
    else:
        form = BookForm(
            initial={**_initial(request), "slot": slot_value(chosen)}, slots=day_slots, **kwargs
        )
        if slot_value(chosen) not in [s.value for s in day_slots]:
            messages.warning(
                request,
                _(
                    "Ce créneau vient d'être réservé par quelqu'un d'autre. Choisissez une "
                    "autre heure ci-dessous, ou un autre jour."
                ),
            )
    if request.method == "POST" and form.is_valid():
        if request.user.is_authenticated:
            return _book_now(request, appointment_type, form, day)
        request.session[PENDING] = {"action": "book", "type": pk, "data": _data_of(request.POST)}
        if _verified_email(request) == form.cleaned_data["email"]:
            return _complete_pending(request)
        return _send_code(request, form, lambda: _render_book(request, appointment_type, form, day))
    return _render_book(request, appointment_type, form, day)


def _book_now(request, appointment_type, form, day, *, verified_email: str = ""):
    try:
        appointment = services.appointment_book(
            appointment_type=appointment_type,
            starts_at=parse_slot_value(form.cleaned_data["slot"]),
            person=_person(request, appointment_type, form),
            by=request.user,
            case=form.selected_case(),
            verified_email=verified_email,
            **form.details(),
        )
    except AppointmentError as error:
        _add_error(form, error)
        # Offer the slots free now, not those of a moment ago.
        form.fields["slot"].choices = [
            (s.value, slot_label(s)) for s in _free_slots_of_day(appointment_type, day)
        ]
        return _render_book(request, appointment_type, form, day)
    request.session.pop(PENDING, None)
    return _confirmed(request, appointment)


def _data_of(post) -> dict:
    return {key: post.getlist(key) for key in post if key != "csrfmiddlewaretoken"}


def _send_code(request, form, render_again):
    email = form.cleaned_data["email"]
    try:
        code = services.email_code_send(email=email, client=client_address(request))
    except AppointmentError as error:
        _add_error(form, error)
        return render_again()
    request.session[CODE] = {"id": code.pk, "email": email}
    return redirect("portal:appointment_verify")


def _pending_form(request, pending):
    """The form of the pending action, bound again with what the person typed."""
    appointment_type = selectors.bookable_type(pending["type"]).first()
    if appointment_type is None:
        return None, None, None
    data = QueryDict(mutable=True)
    for key, values in pending["data"].items():
        data.setlist(key, values)
    kwargs = _form_kwargs(request, appointment_type)
    if pending["action"] == "book":
        chosen = parse_slot_value(data.get("slot", ""))
        if chosen is None:
            return appointment_type, None, None
        day = timezone.localtime(chosen, appointment_type.timezone).date()
        form = BookForm(data=data, slots=_free_slots_of_day(appointment_type, day), **kwargs)
        return appointment_type, form, day
    return appointment_type, WaitingListForm(data=data, **kwargs), None


def _complete_pending(request):
    """The address is proved: do what the person asked, with what they typed."""
    pending = request.session.get(PENDING)
    email = _verified_email(request)
    if not pending or not email:
        return redirect("portal:appointments")
    appointment_type, form, day = _pending_form(request, pending)
    if form is None:
        request.session.pop(PENDING, None)
        messages.warning(request, _("Ce rendez-vous n'est plus proposé : choisissez-en un autre."))
        return redirect("portal:appointments")
    if pending["action"] == "book":
        if not form.is_valid():
            return _render_book(request, appointment_type, form, day)
        return _book_now(request, appointment_type, form, day, verified_email=email)
    if not form.is_valid():
        return _render_waiting(request, appointment_type, form)
    return _join_now(request, appointment_type, form, verified_email=email)


@never_cache
def verify(request):
    pending, code = request.session.get(PENDING), request.session.get(CODE)
    if not pending or not code:
        messages.info(request, _("Commencez par choisir votre rendez-vous."))
        return redirect("portal:appointments")
    form = EmailCodeForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and "resend" in request.POST:
        try:
            record = services.email_code_send(email=code["email"], client=client_address(request))
        except AppointmentError as error:
            messages.error(request, error.message)
        else:
            request.session[CODE] = {"id": record.pk, "email": code["email"]}
            messages.success(request, _("Un nouveau code vous est envoyé."))
        return redirect("portal:appointment_verify")
    if request.method == "POST" and form.is_valid():
        try:
            services.email_code_verify(
                code_id=code["id"], email=code["email"], code=form.cleaned_data["code"]
            )
        except AppointmentError as error:
            _add_error(form, error)
        else:
            request.session.pop(CODE, None)
            request.session[VERIFIED] = {
                "email": code["email"],
                "until": (timezone.now() + VERIFIED_FOR).isoformat(),
            }
            return _complete_pending(request)
    return render(
        request,
        "portal/appointments/verify.html",
        {"form": form, "error_list": _error_list(form), "email": code["email"]},
    )


# ---------------------------------------------------------------------------
# Waiting list


def _render_waiting(request, appointment_type, form):
    return render(
        request,
        "portal/appointments/waiting_join.html",
        {
            "appointment_type": appointment_type,
            "form": form,
            "error_list": _error_list(form),
            "offer_minutes": settings.PARCOURS_APPOINTMENTS_OFFER_MINUTES,
        },
    )


@never_cache
def waiting_join(request, pk):
    appointment_type = get_object_or_404(selectors.bookable_type(pk))
    kwargs = _form_kwargs(request, appointment_type)
    form = WaitingListForm(
        data=request.POST if request.method == "POST" else None,
        initial=_initial(request),
        **kwargs,
    )
    if request.method == "POST" and form.is_valid():
        if request.user.is_authenticated:
            return _join_now(request, appointment_type, form)
        request.session[PENDING] = {"action": "wait", "type": pk, "data": _data_of(request.POST)}
        if _verified_email(request) == form.cleaned_data["email"]:
            return _complete_pending(request)
        return _send_code(request, form, lambda: _render_waiting(request, appointment_type, form))
    return _render_waiting(request, appointment_type, form)


def _join_now(request, appointment_type, form, *, verified_email: str = ""):
    details = form.details()
    try:
        entry = services.waiting_list_join(
            appointment_type=appointment_type,
            person=_person(request, appointment_type, form),
            by=request.user,
            earliest_on=form.cleaned_data.get("earliest_on"),
            latest_on=form.cleaned_data.get("latest_on"),
            verified_email=verified_email,
            **details,
        )
    except AppointmentError as error:
        _add_error(form, error)
        return _render_waiting(request, appointment_type, form)
    request.session.pop(PENDING, None)
    messages.success(
        request,
        _(
            "Vous êtes sur la liste d'attente. Dès qu'un créneau se libère, nous vous "
            "l'écrivons : les premiers inscrits sont servis les premiers."
        ),
    )
    return redirect("portal:appointment_waiting", token=links.waiting_token(entry))


@never_cache
def waiting(request, token):
    entry = get_object_or_404(selectors.waiting_entry_for_token(token))
    if request.method == "POST":
        services.waiting_list_leave(entry=entry, by=None, via_link=True)
        messages.success(request, _("Vous n'êtes plus sur la liste d'attente."))
        return redirect("portal:appointment_waiting", token=token)
    offer_url = ""
    if entry.status == WaitingStatus.OFFERED:
        offer_url = reverse("portal:appointment_offer", kwargs={"token": links.offer_token(entry)})
    return render(
        request,
        "portal/appointments/waiting.html",
        {"entry": entry, "offer_url": offer_url},
    )


@never_cache
def offer(request, token):
    entry = get_object_or_404(selectors.offer_for_token(token))
    _public_id, offered = links.offer_from_token(token)
    now = timezone.now()
    valid = (
        entry.status == WaitingStatus.OFFERED
        and slot_value(entry.offered_starts_at) == offered
        and entry.offer_expires_at > now
    )
    if request.method == "POST" and valid:
        if request.POST.get("action") == "decline":
            services.offer_decline(entry=entry)
            messages.info(
                request,
                _("C'est noté : vous gardez votre place sur la liste d'attente."),
            )
            return redirect("portal:appointment_waiting", token=links.waiting_token(entry))
        try:
            appointment = services.offer_accept(entry=entry, by=request.user)
        except AppointmentError as error:
            messages.error(request, error.message)
            return redirect("portal:appointment_offer", token=token)
        return _confirmed(request, appointment)
    tz = entry.appointment_type.timezone
    return render(
        request,
        "portal/appointments/offer.html",
        {
            "entry": entry,
            "valid": valid,
            "when": when_display(entry.offered_starts_at, tz) if valid else "",
            "expires": when_display(entry.offer_expires_at, tz) if valid else "",
            "waiting_url": reverse(
                "portal:appointment_waiting", kwargs={"token": links.waiting_token(entry)}
            ),
        },
    )


# ---------------------------------------------------------------------------
# Managing one's appointment


@never_cache
@login_required
def mine(request):
    now = timezone.now()
    appointments = list(selectors.own_appointments(request.user))
    for appointment in appointments:
        appointment.manage_path = links.manage_path(appointment)
    return render(
        request,
        "portal/appointments/mine.html",
        {
            "upcoming": [a for a in appointments if a.is_booked and a.starts_at > now],
            "past": [a for a in appointments if not (a.is_booked and a.starts_at > now)][::-1],
            "waiting": [
                {
                    "entry": e,
                    "url": reverse(
                        "portal:appointment_waiting", kwargs={"token": links.waiting_token(e)}
                    ),
                }
                for e in selectors.own_waiting_entries(request.user)
            ],
        },
    )


@never_cache
def manage(request, token):
    appointment = get_object_or_404(selectors.appointment_for_token(token))
    return render(
        request,
        "portal/appointments/manage.html",
        {
            "appointment": appointment,
            "token": token,
            "can_change": appointment.can_be_changed_online(),
            "is_past": appointment.starts_at <= timezone.now(),
        },
    )


@never_cache
def calendar_file(request, token):
    appointment = get_object_or_404(selectors.appointment_for_token(token))
    content = ics.appointment_ics(appointment, manage_url=links.manage_url(appointment))
    response = HttpResponse(content, content_type=ics.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{ics.filename(appointment)}"'
    return response


def _acting_user(request, appointment):
    return request.user if selectors.is_own(request.user, appointment) else None


@never_cache
def cancel(request, token):
    appointment = get_object_or_404(selectors.appointment_for_token(token))
    if not appointment.can_be_changed_online():
        return redirect("portal:appointment_manage", token=token)
    form = CancelForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_cancel(
                appointment=appointment,
                by=_acting_user(request, appointment),
                reason=form.cleaned_data["reason"],
                via_link=True,
            )
        except AppointmentError as error:
            _add_error(form, error)
        else:
            messages.success(
                request,
                _("Votre rendez-vous est annulé. Nous vous le confirmons par courriel."),
            )
            return redirect("portal:appointment_manage", token=token)
    return render(
        request,
        "portal/appointments/cancel.html",
        {"appointment": appointment, "token": token, "form": form, "error_list": _error_list(form)},
    )


@never_cache
def move(request, token):
    appointment = get_object_or_404(selectors.appointment_for_token(token))
    if not appointment.can_be_changed_online():
        return redirect("portal:appointment_manage", token=token)
    form = MoveForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        starts_at = parse_slot_value(form.cleaned_data["slot"])
        try:
            if starts_at is None:
                raise AppointmentError(_("Choisissez le nouveau créneau."), field="slot")
            services.appointment_move(
                appointment=appointment,
                starts_at=starts_at,
                by=_acting_user(request, appointment),
                via_link=True,
            )
        except AppointmentError as error:
            _add_error(form, error)
        else:
            appointment.refresh_from_db()
            messages.success(
                request,
                _(
                    "Votre rendez-vous est déplacé : %(when)s. Nous vous envoyons la "
                    "confirmation par courriel, avec le nouveau fichier pour votre agenda."
                )
                % {"when": appointment.when_display()},
            )
            return redirect("portal:appointment_manage", token=token)
    url = reverse("portal:appointment_move", kwargs={"token": token})
    return render(
        request,
        "portal/appointments/move.html",
        {
            "appointment": appointment,
            "appointment_type": appointment.appointment_type,
            "token": token,
            "form": form,
            "errors": [e for errors in form.errors.values() for e in errors],
            **_week_context(appointment.appointment_type, request, url=url),
        },
    )
