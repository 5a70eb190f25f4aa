"""Talking to a person: a message thread per case, a general message, a call-back.

Only the person concerned reads and writes here; agents answer in the back-office.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _

from parcours.cases import selectors as case_selectors

from . import selectors, services
from .errors import ContactError, DuplicateMessage
from .forms import CallbackForm, GeneralMessageForm, MessageForm


def _add_error(form, error: ContactError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _already_sent(request) -> None:
    messages.info(
        request, _("Ce message était déjà envoyé : nous ne l'avons pas envoyé une seconde fois.")
    )


@login_required
def case_messages(request, reference):
    case = get_object_or_404(case_selectors.own_case_for_reference(request.user, reference))
    form = MessageForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            message = services.message_send_from_citizen(
                case=case, by=request.user, body=form.cleaned_data["body"]
            )
        except DuplicateMessage:
            _already_sent(request)
            return redirect("portal:case_messages", reference=case.reference)
        except ContactError as error:
            _add_error(form, error)
        else:
            messages.success(
                request,
                _("Votre message est envoyé. Nous vous répondrons au plus tard le %(date)s.")
                % {"date": formats.date_format(message.answer_due_on, "j F Y")},
            )
            return redirect("portal:case_messages", reference=case.reference)
    return render(
        request,
        "contacts/case_messages.html",
        {
            "case": case,
            "thread": selectors.messages_of_case(request.user, case),
            "form": form,
            "answer_due_on": services.answer_due_on(unit=case.unit, case=case),
        },
    )


@login_required
def write(request):
    units = selectors.units_to_contact(request.user)
    form = GeneralMessageForm(data=request.POST if request.method == "POST" else None, units=units)
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        try:
            message = services.message_send_from_citizen(
                by=request.user,
                body=form.cleaned_data["body"],
                person=selectors.person_for(request.user, unit),
                unit=unit,
            )
        except DuplicateMessage:
            _already_sent(request)
            return redirect("portal:write")
        except ContactError as error:
            _add_error(form, error)
        else:
            messages.success(
                request,
                _("Votre message est envoyé. Nous vous répondrons au plus tard le %(date)s.")
                % {"date": formats.date_format(message.answer_due_on, "j F Y")},
            )
            return redirect("portal:write")
    return render(
        request,
        "contacts/write.html",
        {
            "form": form,
            "has_units": units.exists(),
            "thread": selectors.general_messages_of(request.user),
            "cases": selectors.cases_to_write_about(request.user),
        },
    )


@login_required
def callback(request):
    units = selectors.units_to_contact(request.user)
    person = selectors.person_for_phone(request.user)
    form = CallbackForm(
        data=request.POST if request.method == "POST" else None,
        units=units,
        initial={"phone": person.phone if person else ""},
    )
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        try:
            callback = services.callback_request(
                person=selectors.person_for(request.user, unit),
                unit=unit,
                by=request.user,
                phone=form.cleaned_data["phone"],
                day=form.cleaned_data["day"],
                half_day=form.cleaned_data["half_day"],
                topic=form.cleaned_data["topic"],
            )
        except ContactError as error:
            _add_error(form, error)
        else:
            return redirect("portal:callback_confirmation", pk=callback.pk)
    return render(request, "contacts/callback.html", {"form": form, "has_units": units.exists()})


@login_required
def callback_confirmation(request, pk):
    callback = get_object_or_404(selectors.own_callback_request(request.user, pk))
    return render(request, "contacts/callback_confirmation.html", {"callback": callback})
