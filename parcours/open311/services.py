"""Writes of GeoReport v2: keys (make one, shown once; revoke one) and reports
(``POST requests``: a case of the street-report procedure, filed and submitted
through the case services like any other request, on the Open311 channel)."""

import datetime
import re
import secrets
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.cases import services as case_services
from parcours.cases.enums import CaseChannel
from parcours.cases.errors import CaseError
from parcours.catalog import form_definition
from parcours.catalog.enums import FieldType
from parcours.catalog.models import Procedure
from parcours.lib.rate_limit import window_count
from parcours.organisations.enums import AgentRole
from parcours.organisations.models import Agent, Organisation
from parcours.people.models import Person

from . import selectors
from .errors import Open311Error, bad_request, forbidden
from .models import Open311Key, Open311Request, token_hash

KEY_PREFIX = "o311_"
NAME_MAX_LENGTH = 100
DESCRIPTION_MAX_LENGTH = 4000  # GeoReport v2: "free form text limited to 4,000 characters"
LAST_USED_PRECISION = datetime.timedelta(minutes=1)
ATTRIBUTE_RE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
ISSUER_ROLES = (AgentRole.ORGANISATION_ADMIN,)


class Open311KeyError(Exception):
    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# ---------------------------------------------------------------------------
# Keys


def may_manage_keys(agent: Agent | None) -> bool:
    return bool(
        agent is not None
        and agent.is_active
        and agent.user.is_active
        and agent.role in ISSUER_ROLES
    )


def open311_key_create(*, by: Agent | None, name: str) -> tuple[Open311Key, str]:
    """A new key for an application, issued by an organisation administrator: the
    record, and the key itself, which is not stored and must be shown now."""
    if not may_manage_keys(by):
        raise Open311KeyError(
            _(
                "Seuls les administrateurs actifs d'une administration peuvent créer des clés "
                "Open311."
            ),
            field="agent",
        )
    name = (name or "").strip()
    if not name:
        raise Open311KeyError(
            _("Donnez un nom à la clé : l'application qui s'en servira."), field="name"
        )
    if len(name) > NAME_MAX_LENGTH:
        raise Open311KeyError(
            _("Le nom ne doit pas dépasser %(limit)s caractères.") % {"limit": NAME_MAX_LENGTH},
            field="name",
        )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    record = Open311Key.objects.create(
        organisation_id=by.organisation_id,
        name=name,
        prefix=key[: len(KEY_PREFIX) + 6],
        hashed=token_hash(key),
        created_by=by,
    )
    return record, key


def open311_key_revoke(*, key: Open311Key, by: Agent | None) -> Open311Key:
    """Revoke a key for good (idempotent): its application can no longer file reports."""
    if not may_manage_keys(by) or by.organisation_id != key.organisation_id:
        raise Open311KeyError(_("Vous ne pouvez pas révoquer cette clé."))
    Open311Key.objects.filter(pk=key.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by
    )
    key.refresh_from_db(fields=["revoked_at", "revoked_by"])
    return key


def key_for(raw: str | None, organisation: Organisation) -> Open311Key:
    """The key a client sent, valid for this administration; 403 otherwise (spec:
    "403 - Missing or Invalid API Key")."""
    raw = (raw or "").strip()
    if not raw:
        raise forbidden(_("api_key : une clé est obligatoire pour envoyer un signalement."))
    try:
        key = Open311Key.objects.select_related("created_by__user").get(hashed=token_hash(raw))
    except Open311Key.DoesNotExist:
        raise forbidden(_("api_key : cette clé n'est pas valide.")) from None
    if key.is_revoked:
        raise forbidden(_("api_key : cette clé a été révoquée."))
    if key.organisation_id != organisation.pk:
        raise forbidden(_("api_key : cette clé ne vaut pas pour cette administration."))
    issuer = key.created_by
    if not (issuer.is_active and issuer.user.is_active):
        raise forbidden(
            _(
                "api_key : cette clé n'est plus valide, l'administrateur qui l'a émise n'est "
                "plus en fonction. Demandez-en une nouvelle."
            )
        )
    rate_limit(f"key:{key.pk}")
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_PRECISION:
        Open311Key.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


def rate_limit(who: str) -> None:
    """At most ``PARCOURS_OPEN311_RATE_LIMIT`` requests per window for each key (and
    each address, for the methods without a key), counted in the shared cache."""
    limit = settings.PARCOURS_OPEN311_RATE_LIMIT
    window = settings.PARCOURS_OPEN311_RATE_WINDOW
    count, retry_after = window_count(f"open311-rate:{who}", window)
    if count > limit:
        raise Open311Error(
            HTTPStatus.TOO_MANY_REQUESTS,
            _(
                "Trop de requêtes : %(limit)s au plus toutes les %(window)s secondes. "
                "Réessayez dans %(retry)s secondes."
            )
            % {"limit": limit, "window": window, "retry": retry_after},
            headers={"Retry-After": str(retry_after)},
        )


# ---------------------------------------------------------------------------
# Reports


def _text(data, name: str, limit: int) -> str:
    value = (data.get(name) or "").strip()
    if len(value) > limit:
        raise bad_request(
            _("%(name)s : %(limit)s caractères au plus (%(count)s reçus).")
            % {"name": name, "limit": limit, "count": len(value)}
        )
    return value


def _coordinate(data, name: str, low: float, high: float) -> float | None:
    raw = (data.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = None
    if value is None or value != value or not low <= value <= high:  # NaN is not a number here
        raise bad_request(
            _("%(name)s : indiquez un nombre entre %(low)s et %(high)s (WGS84).")
            % {"name": name, "low": int(low), "high": int(high)}
        )
    return value


def parse_attributes(data, definition: dict) -> dict:
    """``attribute[code]=value`` (``attribute[code][]=…`` for several values) as form
    answers, in the types the form expects; unknown codes are refused."""
    fields = {f["name"]: f for f in selectors.attribute_fields(definition)}
    answers, unknown = {}, []
    for key in data:
        match = ATTRIBUTE_RE.match(key)
        if not match:
            if key.startswith("attribute"):
                unknown.append(key)
            continue
        code, many = match.group(1), bool(match.group(2))
        field = fields.get(code)
        if field is None:
            unknown.append(key)
            continue
        values = [v.strip() for v in data.getlist(key)]
        if field["type"] == FieldType.MULTIPLE_CHOICE:
            answers[code] = [v for v in values if v]
        else:
            if many and len(values) > 1:
                raise bad_request(
                    _("attribute[%(code)s] : une seule valeur est attendue.") % {"code": code}
                )
            answers[code] = _attribute_value(field, values[-1] if values else "")
    if unknown:
        raise bad_request(
            *[
                _("%(name)s : ce service n'a pas cet attribut (voir sa définition).")
                % {"name": name[:100]}
                for name in sorted(unknown)
            ]
        )
    return answers


def _attribute_value(field: dict, value: str):
    if field["type"] == FieldType.BOOLEAN:
        lowered = value.lower()
        if lowered in ("", "false", "0", "no", "non"):
            return False
        if lowered in ("true", "1", "yes", "oui"):
            return True
        return value  # refused by the form's own check, with its message
    if field["type"] == FieldType.DATE and value:
        try:
            return datetime.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
        try:
            return datetime.datetime.fromisoformat(value).date().isoformat()
        except ValueError:
            return value
    return value


def _field_parameter(name: str, roles: dict) -> str:
    if name == roles["location"]:
        return "lat/long"
    if name == roles["description"]:
        return "description"
    if name == roles["address"]:
        return "address_string"
    return f"attribute[{name}]"


def request_create(*, organisation: Organisation, procedure: Procedure, key: Open311Key, data):
    """File a report sent by an application: check every argument (all faults told at
    once), find or record the person, then create and submit the case on the Open311
    channel, through the case services (receipt, legal clock, notifications)."""
    version = procedure.cached_current_version()
    definition = selectors.definition_of(procedure, version)
    roles = selectors.field_roles(definition)
    lat = _coordinate(data, "lat", -90, 90)
    lng = _coordinate(data, "long", -180, 180)
    address_string = _text(data, "address_string", 1000)
    address_id = _text(data, "address_id", 100)
    if (lat is None) != (lng is None):
        raise bad_request(_("lat/long : envoyez la latitude et la longitude ensemble."))
    if lat is None and not address_string and not address_id:
        raise bad_request(
            _("lat/long : indiquez l'endroit, par lat et long, ou par address_string.")
        )
    if lat is None and not address_string:
        raise bad_request(
            _(
                "address_string : nous ne tenons pas de référentiel d'adresses ; "
                "indiquez l'endroit par lat et long ou par address_string."
            )
        )
    description = _text(data, "description", DESCRIPTION_MAX_LENGTH)
    media_url = _text(data, "media_url", 2000)
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise bad_request(
                _("media_url : indiquez une adresse web complète (https://…).")
            ) from None
    email = _text(data, "email", 254).lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise bad_request(
                _("email : saisissez une adresse de la forme nom@domaine.fr.")
            ) from None
    phone = _text(data, "phone", 32)
    if phone and not form_definition.PHONE_RE.match(phone):
        raise bad_request(_("phone : saisissez un numéro, par exemple 01 23 45 67 89."))
    first_name = _text(data, "first_name", 150)
    last_name = _text(data, "last_name", 150)
    device_id = _text(data, "device_id", 200)
    account_id = _text(data, "account_id", 200)

    answers = parse_attributes(data, definition)
    if roles["location"] and lat is not None:
        answers[roles["location"]] = {"lat": lat, "lng": lng}
    if roles["address"] and address_string:
        answers[roles["address"]] = address_string
    situation = ""
    if description and roles["description"]:
        answers[roles["description"]] = description
    elif description:
        situation = description
    try:
        answers = form_definition.clean_answers(definition, answers)
    except ValidationError as error:
        raise bad_request(*_form_errors(error, roles)) from None

    by = key.created_by.user
    try:
        with transaction.atomic():
            person = _reporter(
                organisation=organisation,
                email=email,
                phone=phone,
                first_name=first_name,
                last_name=last_name,
            )
            case = case_services.case_create_draft(
                person=person,
                procedure=procedure,
                by=by,
                channel=CaseChannel.OPEN311,
                form_data=answers,
                situation=situation,
                version=version,
            )
            if lat is not None and not roles["location"]:
                case.latitude, case.longitude = lat, lng  # saved by the submission
            # Written before the submission, whose reference holds a counter until the
            # commit (both are undone together if the submission is refused).
            report = Open311Request.objects.create(
                organisation=organisation,
                case=case,
                key=key,
                address_string=address_string,
                address_id=address_id,
                media_url=media_url,
                device_id=device_id,
                account_id=account_id,
            )
            report.case = case_services.case_submit(case=case, by=by, fresh=True)
    except CaseError as error:
        errors = getattr(error, "errors", None)
        if errors:
            raise bad_request(*_messages_of(errors, roles)) from None
        name = _field_parameter(error.field, roles) if error.field else None
        raise bad_request(f"{name} : {error.message}" if name else error.message) from None
    return report


def _form_errors(error: ValidationError, roles: dict) -> list[str]:
    if hasattr(error, "error_dict"):
        return _messages_of(error.message_dict, roles)
    return list(error.messages)


def _messages_of(errors: dict, roles: dict) -> list[str]:
    messages = []
    for name, texts in errors.items():
        prefix = None if name == "__all__" else _field_parameter(name, roles)
        messages.extend(f"{prefix} : {text}" if prefix else str(text) for text in texts)
    return messages


def _reporter(
    *, organisation: Organisation, email: str, phone: str, first_name: str, last_name: str
) -> Person:
    """Who reports: a person the administration recorded from another channel with the
    same email (never a person with an account: an address typed in an application
    proves nothing, so it may not add a case to someone's space), or a new record."""
    if email:
        person = (
            Person.objects.filter(organisation=organisation, email__iexact=email, user__isnull=True)
            .order_by("pk")
            .first()
        )
        if person is not None:
            return person
    return Person.objects.create(
        organisation=organisation,
        given_name=first_name,
        family_name=last_name or ("" if first_name else _("Auteur d'un signalement")),
        email=email,
        phone=phone,
    )
