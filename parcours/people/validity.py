"""Until when the person's data may be reused without asking again ("tell us once").

Each kind of data held on a person's record (identity, email, phone, address) keeps
where it comes from, when it was given or checked, and an optional end of validity,
in ``Person.data_validity``:

- declared by the person, or certified by FranceConnect (renewed at each sign-in): no
  end, unless a procedure asks for recent data (``prefill_max_age_days`` on its field);
- verified by an agent, or obtained from another administration: valid for the period
  set per kind in ``PARCOURS_DATA_VALIDITY_DAYS`` (no end for a kind not listed).

A datum past its validity is not prefilled into a new request: the person is asked
again, politely told why, and what they give renews it. A kind never recorded counts
as declared when the record last changed.
"""

import dataclasses
import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .enums import FIELD_KIND, DataKind, DataOrigin
from .models import Person

# Origins whose data count only for the period set per kind.
PERIODIC_ORIGINS = (DataOrigin.VERIFIED, DataOrigin.OBTAINED)


@dataclasses.dataclass(frozen=True)
class Validity:
    kind: str
    origin: str
    recorded_at: datetime.datetime
    valid_until: datetime.date | None

    def is_valid(self, today: datetime.date | None = None) -> bool:
        return self.valid_until is None or self.valid_until >= (today or timezone.localdate())

    def as_record(self) -> dict:
        return {
            "origin": self.origin,
            "recorded_at": self.recorded_at.isoformat(),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
        }


def period_days(kind: str, origin: str) -> int | None:
    """How many days a datum of this kind and origin counts, or None for no end."""
    if origin not in PERIODIC_ORIGINS:
        return None
    return (settings.PARCOURS_DATA_VALIDITY_DAYS or {}).get(str(kind))


def validity_of(person: Person, kind: str) -> Validity:
    """The validity of one kind of the person's data (no query)."""
    record = (person.data_validity or {}).get(str(kind))
    if isinstance(record, dict) and record.get("origin") in DataOrigin.values:
        try:
            recorded_at = datetime.datetime.fromisoformat(record["recorded_at"])
            until = record.get("valid_until")
            valid_until = datetime.date.fromisoformat(until) if until else None
        except (KeyError, TypeError, ValueError):
            pass
        else:
            return Validity(str(kind), record["origin"], recorded_at, valid_until)
    origin = DataOrigin.DECLARED
    if kind == DataKind.IDENTITY and person.identity_certified:
        origin = DataOrigin.CERTIFIED
    return Validity(str(kind), origin, person.updated_at or timezone.now(), None)


def mark(person: Person, kinds, *, origin: str, at: datetime.datetime | None = None) -> list[str]:
    """Record on ``person`` (not saved) that these kinds were just given or checked,
    with their new end of validity. Returns the fields to save."""
    at = at or timezone.now()
    validity = dict(person.data_validity or {})
    for kind in kinds:
        days = period_days(kind, origin)
        until = timezone.localdate(at) + datetime.timedelta(days=days) if days else None
        validity[str(kind)] = Validity(str(kind), str(origin), at, until).as_record()
    person.data_validity = validity
    return ["data_validity"]


def record(person: Person, kinds, *, origin: str, at: datetime.datetime | None = None) -> None:
    """``mark`` and save at once."""
    fields = mark(person, kinds, origin=origin, at=at)
    Person.objects.filter(pk=person.pk).update(
        **{field: getattr(person, field) for field in fields}
    )


def kinds_of(fields) -> set[str]:
    """The kinds of data these Person fields belong to."""
    return {str(FIELD_KIND[field]) for field in fields if field in FIELD_KIND}


def _age_text(days: int) -> str:
    months = days // 30
    if months >= 1:
        return ngettext(
            "Cette information date de plus de %(n)s mois, merci de la confirmer.",
            "Cette information date de plus de %(n)s mois, merci de la confirmer.",
            months,
        ) % {"n": months}
    return ngettext(
        "Cette information date de plus de %(n)s jour, merci de la confirmer.",
        "Cette information date de plus de %(n)s jours, merci de la confirmer.",
        days,
    ) % {"n": days}


def stale_reason(
    person: Person,
    attribute: str,
    *,
    max_age_days: int | None = None,
    now: datetime.datetime | None = None,
) -> str:
    """Why the person's ``attribute`` may not be reused as is, in a polite sentence, or
    "" when it may: past its validity, or older than the procedure accepts. A
    certified identity is always current."""
    kind = FIELD_KIND.get(attribute)
    if kind is None:
        return ""
    now = now or timezone.now()
    validity = validity_of(person, kind)
    if validity.origin == DataOrigin.CERTIFIED:
        return ""
    if not validity.is_valid(timezone.localdate(now)):
        days = period_days(kind, validity.origin) or (now - validity.recorded_at).days
        return _age_text(days)
    if max_age_days and now - validity.recorded_at > datetime.timedelta(days=max_age_days):
        return _age_text(max_age_days)
    return ""


def validity_text(validity: Validity, today: datetime.date | None = None) -> str:
    """For the person's data page: until when the datum counts."""
    from django.utils.formats import date_format

    if validity.valid_until is None:
        return _("Sans limite de durée")
    if validity.is_valid(today):
        return _("Valable jusqu'au %(date)s") % {"date": date_format(validity.valid_until, "j F Y")}
    return _("Expirée le %(date)s : elle vous sera redemandée") % {
        "date": date_format(validity.valid_until, "j F Y")
    }
