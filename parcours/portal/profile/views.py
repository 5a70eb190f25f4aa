"""The citizen's profile: contact details, language, accessibility needs, notification
preferences; a certified identity is shown read-only and can be disputed.

The page only ever reads the signed-in user's own records: there is no identifier in
the URL to change.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.people.models import Person
from parcours.people.services import (
    IDENTITY_FIELDS,
    PROFILE_FIELDS,
    identity_dispute_create,
    person_update_profile,
)

from .forms import IdentityDisputeForm, ProfileForm

# Answering a request to correct one's data: one month at most (GDPR art. 12 and 16).
DISPUTE_ANSWER_WITHIN = gettext_lazy("un mois")


def _own_people(user) -> list[Person]:
    return list(Person.objects.filter(user=user).select_related("organisation").order_by("pk"))


def _add_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        known = field in form.fields and field != NON_FIELD_ERRORS
        form.add_error(field if known else None, errors)


def _error_list(form) -> list[dict]:
    """Each error with the id of the input it is about, for the summary's links."""
    found = []
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS:
            continue
        field = form[name]
        anchor = field.id_for_label or field.auto_id
        if name in ("preferred_language", "accessibility_needs", "field"):
            anchor = f"{field.auto_id}_0"
        found.append({"anchor": anchor, "label": field.label, "message": " ".join(errors)})
    return found


@login_required
def profile(request):
    people = _own_people(request.user)
    if not people:
        return render(request, "portal/profile/profile.html", {"people": [], "form": None})
    main = people[0]
    certified = any(person.identity_certified for person in people)
    initial = {name: getattr(main, name) for name in PROFILE_FIELDS + IDENTITY_FIELDS}
    form = ProfileForm(
        data=request.POST if request.method == "POST" else None,
        initial=initial,
        identity_editable=not certified,
    )
    if request.method == "POST" and form.is_valid():
        try:
            person_update_profile(user=request.user, by=request.user, data=form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            language = form.cleaned_data["preferred_language"]
            translation.activate(language)
            messages.success(request, _("Votre profil est enregistré."))
            response = redirect("portal:profile")
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
            return response
    return render(
        request,
        "portal/profile/profile.html",
        {
            "people": people,
            "organisations": ", ".join(person.organisation.name for person in people),
            "person": main,
            "certified": certified,
            "form": form,
            "error_list": _error_list(form),
        },
    )


@login_required
def identity_dispute(request):
    people = [person for person in _own_people(request.user) if person.identity_certified]
    if not people:
        messages.info(
            request,
            _("Votre identité n'est pas certifiée : vous pouvez la corriger vous-même ici."),
        )
        return redirect("portal:profile")
    form = IdentityDisputeForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            identity_dispute_create(user=request.user, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Votre signalement est enregistré. Le service qui tient votre dossier "
                    "vérifie et vous répond par courriel sous %(delay)s au plus."
                )
                % {"delay": DISPUTE_ANSWER_WITHIN},
            )
            return redirect("portal:profile")
    return render(
        request,
        "portal/profile/dispute.html",
        {
            "people": people,
            "organisations": ", ".join(person.organisation.name for person in people),
            "person": people[0],
            "form": form,
            "error_list": _error_list(form),
            "delay": DISPUTE_ANSWER_WITHIN,
        },
    )
