"""Writes on mandates: create one with the person present, confirm it by code, revoke
it, start a procedure under it, record each act and tell the person.

Every function checks who acts, runs in one transaction and queues the person's
notifications for after the commit.
"""

import datetime
import math
import secrets
import time

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parcours.accounts.models import User
from parcours.cases.enums import CaseChannel, CaseState
from parcours.cases.models import Case
from parcours.cases.services import case_create_draft
from parcours.catalog.models import Procedure
from parcours.lib.text_search import fold
from parcours.people.models import Person

from .enums import ActKind, ConsentMethod
from .errors import MandateDenied, MandateError
from .models import Mandate, MandateAct, MandateCase
from .selectors import helper_of, require_active

MAX_MONTHS = 12
CODE_MINUTES = 15
CODE_MAX_ATTEMPTS = 5
SIGNATURE_MAX_LENGTH = 200_000


def latest_end(today: datetime.date) -> datetime.date:
    """A mandate lasts one year at most."""
    return today + relativedelta(months=MAX_MONTHS)


def _code_hash(mandate: Mandate, code: str) -> str:
    return salted_hmac("parcours.mandates.code", f"{mandate.pk}:{code}").hexdigest()


def _clean_procedures(procedures) -> list[Procedure]:
    procedures = list(procedures or [])
    if not procedures:
        raise MandateError(
            _("Choisissez au moins une démarche que l'aidant pourra faire."), field="procedures"
        )
    closed = [p.title for p in procedures if not p.is_published]
    if closed:
        raise MandateError(
            _("Ces démarches ne sont pas ouvertes : %(titles)s.") % {"titles": ", ".join(closed)},
            field="procedures",
        )
    return procedures


def _clean_dates(ends_on, today: datetime.date) -> None:
    if ends_on is None:
        raise MandateError(_("Indiquez jusqu'à quelle date le mandat vaut."), field="ends_on")
    if ends_on < today:
        raise MandateError(
            _("La date de fin ne peut pas être passée : choisissez une date à venir."),
            field="ends_on",
        )
    if ends_on > latest_end(today):
        raise MandateError(
            _("Un mandat dure un an au plus : choisissez une date de fin au plus tard le %(date)s.")
            % {"date": date_format(latest_end(today), "j F Y")},
            field="ends_on",
        )


def _check_signature(*, signed_name: str, agreed: bool, family_name: str, signature: str) -> str:
    signed_name = " ".join((signed_name or "").split())
    if not signed_name:
        raise MandateError(
            _("La personne doit taper son nom pour signer le mandat."), field="signed_name"
        )
    if fold(family_name) not in fold(signed_name):
        raise MandateError(
            _("Le nom tapé doit comprendre le nom de la personne (%(name)s).")
            % {"name": family_name},
            field="signed_name",
        )
    if not agreed:
        raise MandateError(
            _("La personne doit cocher la case pour donner son accord."), field="agreed"
        )
    if signature and (
        not signature.startswith("data:image/png;base64,") or len(signature) > SIGNATURE_MAX_LENGTH
    ):
        raise MandateError(_("La signature tracée n'a pas pu être lue : recommencez-la."))
    return signed_name


def _account_for(email: str, *, given_name: str, family_name: str, helper_user) -> User:
    """The person's account (found by email, created without a password otherwise: the
    person signs in with a link sent to this address)."""
    email = User.objects.normalize_email(email).lower()
    if email == helper_user.email.lower():
        raise MandateError(
            _("Vous ne pouvez pas vous donner un mandat à vous-même."), field="email"
        )
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, first_name=given_name[:150], last_name=family_name[:150]
        )
    return user


@transaction.atomic
def mandate_create(
    *,
    by,
    given_name: str,
    family_name: str,
    email: str,
    procedures,
    ends_on: datetime.date,
    consent_method: str,
    birth_date: datetime.date | None = None,
    phone: str = "",
    signed_name: str = "",
    agreed: bool = False,
    signature: str = "",
    today: datetime.date | None = None,
) -> Mandate:
    """A helper creates a mandate with the person present. Signed on screen, it is in
    force at once; by code, once the person's code is typed (``mandate_confirm``)."""
    helper = helper_of(by)
    if helper is None:
        raise MandateDenied(_("Seul un aidant peut recevoir un mandat."))
    today = today or timezone.localdate()
    given_name, family_name = (given_name or "").strip(), (family_name or "").strip()
    if not given_name or not family_name:
        raise MandateError(_("Indiquez le prénom et le nom de la personne."), field="family_name")
    if not email:
        raise MandateError(
            _("Indiquez l'adresse électronique de la personne : elle y suit ce mandat."),
            field="email",
        )
    procedures = _clean_procedures(procedures)
    _clean_dates(ends_on, today)
    if consent_method not in ConsentMethod.values:
        raise MandateError(
            _("Choisissez comment la personne donne son accord."), field="consent_method"
        )
    if consent_method == ConsentMethod.SIGNATURE:
        signed_name = _check_signature(
            signed_name=signed_name, agreed=agreed, family_name=family_name, signature=signature
        )
    else:
        signed_name, signature = "", ""
    user = _account_for(email, given_name=given_name, family_name=family_name, helper_user=by)
    mandate = Mandate.objects.create(
        organisation_id=helper.organisation_id,
        helper=helper,
        user=user,
        given_name=given_name,
        family_name=family_name,
        birth_date=birth_date,
        email=user.email,
        phone=(phone or "").strip(),
        starts_on=today,
        ends_on=ends_on,
        consent_method=consent_method,
        signed_name=signed_name,
        signature=signature or "",
    )
    mandate.procedures.set(procedures)
    if consent_method == ConsentMethod.SIGNATURE:
        _confirm(mandate, by=by)
    else:
        mandate_send_code(mandate=mandate, by=by)
    return mandate


def mandate_send_code(*, mandate: Mandate, by) -> None:
    """Send (again) the one-time code the person reads out to confirm the mandate."""
    if mandate.helper.user_id != by.pk:
        raise MandateDenied()
    if mandate.confirmed_at is not None or mandate.revoked_at is not None:
        raise MandateError(_("Ce mandat n'attend plus de code."))
    _count_code_or_refuse(mandate)
    code = f"{secrets.randbelow(1_000_000):06d}"
    mandate.code_hash = _code_hash(mandate, code)
    mandate.code_expires_at = timezone.now() + datetime.timedelta(minutes=CODE_MINUTES)
    mandate.code_attempts = 0
    from .notifications import can_text

    mandate.code_sent_to = (
        _("%(email)s et par SMS au %(phone)s") % {"email": mandate.email, "phone": mandate.phone}
        if can_text(mandate.phone)
        else mandate.email
    )
    from .outgoing import put_code

    with transaction.atomic():
        mandate.save(
            update_fields=["code_hash", "code_expires_at", "code_attempts", "code_sent_to"]
        )
        put_code(mandate, code=code, minutes=CODE_MINUTES)


def _count_code_or_refuse(mandate: Mandate) -> None:
    """At most ``PARCOURS_MANDATE_CODE_MAX_SENDS`` codes per mandate in any window of
    ``PARCOURS_MANDATE_CODE_WINDOW`` seconds (a sliding window kept in the cache, as
    the sign-in links' limit is), so that the person is not flooded with emails and
    SMS. Refused with the time to wait."""
    limit = settings.PARCOURS_MANDATE_CODE_MAX_SENDS
    window = settings.PARCOURS_MANDATE_CODE_WINDOW
    key = f"mandates:code-sends:{mandate.pk}"
    now = time.time()
    sent = [moment for moment in cache.get(key, []) if moment > now - window]
    if len(sent) >= limit:
        minutes = max(math.ceil((min(sent) + window - now) / 60), 1)
        raise MandateError(
            ngettext(
                "Trop de codes envoyés pour ce mandat. Pour ne pas importuner la personne, "
                "attendez %(minutes)s minute avant d'en demander un nouveau.",
                "Trop de codes envoyés pour ce mandat. Pour ne pas importuner la personne, "
                "attendez %(minutes)s minutes avant d'en demander un nouveau.",
                minutes,
            )
            % {"minutes": minutes},
            field="code",
        )
    cache.set(key, [*sent, now], timeout=window)


def mandate_confirm(*, mandate: Mandate, code: str, by) -> Mandate:
    """The helper types the code the person received: the mandate is in force. A wrong
    code counts as an attempt (kept, although an error is raised)."""
    wrong = None
    with transaction.atomic():
        mandate = Mandate.objects.select_for_update().select_related("helper").get(pk=mandate.pk)
        if mandate.helper.user_id != by.pk:
            raise MandateDenied()
        if mandate.confirmed_at is not None:
            return mandate
        if mandate.revoked_at is not None:
            raise MandateError(_("Ce mandat a été révoqué."))
        if mandate.code_attempts >= CODE_MAX_ATTEMPTS:
            raise MandateError(
                _("Trop d'essais : envoyez un nouveau code à la personne."), field="code"
            )
        if mandate.code_expires_at is None or mandate.code_expires_at < timezone.now():
            raise MandateError(
                _("Ce code n'est plus valable : envoyez un nouveau code à la personne."),
                field="code",
            )
        code = "".join((code or "").split())
        if not (code.isdigit() and len(code) == 6):
            raise MandateError(_("Le code compte 6 chiffres."), field="code")
        if constant_time_compare(mandate.code_hash, _code_hash(mandate, code)):
            mandate.code_hash = ""
            _confirm(mandate, by=by)
            return mandate
        mandate.code_attempts += 1
        mandate.save(update_fields=["code_attempts"])
        wrong = CODE_MAX_ATTEMPTS - mandate.code_attempts
    raise MandateError(
        _("Ce code n'est pas le bon. Encore %(left)s essai(s).") % {"left": wrong}
        if wrong
        else _("Ce code n'est pas le bon. Trop d'essais : envoyez un nouveau code à la personne."),
        field="code",
    )


def _confirm(mandate: Mandate, *, by) -> None:
    mandate.confirmed_at = timezone.now()
    mandate.save(update_fields=["confirmed_at", "code_hash"])
    record_act(
        mandate=mandate,
        kind=ActKind.CREATED,
        by=by,
        description=_("Mandat créé jusqu'au %(date)s pour : %(titles)s")
        % {
            "date": date_format(mandate.ends_on, "j F Y"),
            "titles": ", ".join(p.title for p in mandate.procedures.all()),
        },
    )


@transaction.atomic
def mandate_revoke(*, mandate: Mandate, by) -> Mandate:
    """The person (or their helper) ends the mandate, with immediate effect."""
    mandate = Mandate.objects.select_for_update().select_related("helper").get(pk=mandate.pk)
    if by.pk not in (mandate.user_id, mandate.helper.user_id):
        raise MandateDenied(_("Seule la personne qui a donné ce mandat peut le révoquer."))
    if mandate.revoked_at is not None:
        return mandate
    mandate.revoked_at = timezone.now()
    mandate.revoked_by = by
    mandate.save(update_fields=["revoked_at", "revoked_by"])
    record_act(
        mandate=mandate,
        kind=ActKind.REVOKED,
        by=by,
        description=_("Mandat révoqué par la personne")
        if by.pk == mandate.user_id
        else _("Mandat révoqué par l'aidant"),
    )
    return mandate


def person_record(mandate: Mandate, procedure: Procedure) -> Person:
    """The person's record in the procedure's administration, created from the mandate
    the first time (the administration knows them from then on)."""
    person, _created = Person.objects.get_or_create(
        organisation_id=procedure.organisation_id,
        user=mandate.user,
        defaults={
            "given_name": mandate.given_name,
            "family_name": mandate.family_name,
            "birth_date": mandate.birth_date,
            "email": mandate.email,
            "phone": mandate.phone,
        },
    )
    return person


@transaction.atomic
def mandate_start_case(*, mandate: Mandate, procedure: Procedure, by) -> Case:
    """The helper starts (or resumes) a request for the person under the mandate."""
    if mandate.helper.user_id != by.pk:
        raise MandateDenied()
    require_active(mandate, procedure=procedure)
    person = person_record(mandate, procedure)
    Person.objects.select_for_update().filter(pk=person.pk).first()
    existing = (
        Case.objects.filter(
            person=person,
            procedure=procedure,
            state=CaseState.DRAFT,
            mandate_link__mandate=mandate,
        )
        .order_by("-created_at")
        .first()
    )
    if existing is not None:
        return existing
    case = case_create_draft(person=person, procedure=procedure, by=by, channel=CaseChannel.HELPER)
    MandateCase.objects.create(organisation_id=case.organisation_id, mandate=mandate, case=case)
    record_act(
        mandate=mandate,
        kind=ActKind.CASE_STARTED,
        by=by,
        case=case,
        description=_("Démarche « %(title)s » commencée") % {"title": procedure.title},
    )
    return case


def record_act(*, mandate: Mandate, kind: str, by, description: str, case=None) -> MandateAct:
    """Record one act under the mandate, and in the same transaction what tells the
    person (parcours.outbox)."""
    act = MandateAct.objects.create(
        organisation_id=mandate.organisation_id,
        mandate=mandate,
        case=case,
        kind=kind,
        description=str(description)[:300],
        actor=by,
    )
    from .outgoing import put_act

    put_act(act)
    return act


def journal_helper_access(*, mandate: Mandate, case, request, action: str = "read") -> None:
    """Write the helper's reading of the person's case into the access journal, with
    the mandate as reason, when the journal is installed."""
    try:
        from parcours.privacy.journal import record_access
    except ImportError:  # pragma: no cover - the journal ships with parcours.privacy
        return
    record_access(
        mandate.helper.user,
        case.person,
        action,
        case=case,
        reason=_("Mandat n° %(pk)s jusqu'au %(date)s")
        % {"pk": mandate.pk, "date": date_format(mandate.ends_on, "j F Y")},
        purpose="mandate",
        request=request,
        via="helper",
    )


def site_url(path: str) -> str:
    return settings.PARCOURS_BASE_URL + path
