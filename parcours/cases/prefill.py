"""Tell us once (CRPA L113-12, L114-8): answers the administration already holds.

A field of a form definition may name one of the person's data with ``"prefill"``
(see ``form_definition.PREFILL_TYPES``). A new draft takes the person's current value
for it, and ``Case.prefilled`` keeps where each answer came from and the value taken,
so that the person, and then the agents, read "repris de …":

- the identity certified by the identity provider (FranceConnect): shown read-only and
  always the current certified value; the person disputes it from their profile;
- the person's profile, which they declared: they may change the answer for this
  request, and their profile stays as it is;
- when the profile has nothing, the same question answered in one of their earlier
  requests to the same administration.

An answer the person changes is theirs: it is no longer "repris", and loses its origin.

A value past its validity (``people.validity``), or older than the field accepts
(``prefill_max_age_days``), is not offered: the field stays empty with a polite word
saying why, and the value the person gives again renews what is held once the request
is sent (``confirm_held``).
"""

import datetime
from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from parcours.catalog import form_definition
from parcours.people import validity
from parcours.people.enums import DataOrigin
from parcours.people.models import Person
from parcours.people.services import IDENTITY_FIELDS

from .enums import CaseState, PrefillSource
from .models import Case

# How many of the person's earlier requests are searched for an answer, newest first.
EARLIER_CASES = 20
NAMES = ("given_name", "family_name")


@dataclass(frozen=True)
class Origin:
    """Where one answer comes from, and the value taken from there."""

    source: str
    attribute: str
    value: str
    reference: str = ""  # the earlier request's number, for PrefillSource.CASE
    received_on: str = ""  # and the day it was received (ISO)
    # Why the value held is not offered (too old): the field is left empty. Never
    # recorded on a case.
    stale: str = ""

    @property
    def certified(self) -> bool:
        return self.source == PrefillSource.IDENTITY and not self.stale

    def as_record(self) -> dict:
        return {key: value for key, value in asdict(self).items() if value != ""}

    @classmethod
    def from_record(cls, record) -> "Origin | None":
        if not isinstance(record, dict) or record.get("source") not in PrefillSource.values:
            return None
        return cls(
            source=record["source"],
            attribute=str(record.get("attribute", "")),
            value=record.get("value", ""),
            reference=str(record.get("reference", "")),
            received_on=str(record.get("received_on", "")),
        )

    def _day(self) -> str:
        try:
            return date_format(datetime.date.fromisoformat(self.received_on), "j F Y")
        except ValueError:
            return self.received_on

    @property
    def citizen_text(self) -> str:
        """Next to the field: where the value shown comes from, in plain words."""
        if self.stale:
            return self.stale
        if self.source == PrefillSource.IDENTITY:
            return _(
                "Nous avons déjà cette information : elle vient de FranceConnect "
                "(identité certifiée)."
            )
        if self.source == PrefillSource.PROFILE:
            return _("Nous avons déjà cette information : elle vient de votre profil.")
        return _(
            "Nous avons déjà cette information : elle vient de votre demande n° "
            "%(reference)s du %(date)s."
        ) % {"reference": self.reference, "date": self._day()}

    @property
    def change_text(self) -> str:
        """What the person may do with it."""
        if self.stale:
            return ""
        if self.source == PrefillSource.IDENTITY:
            return _("Elle ne peut pas être modifiée ici.")
        if self.source == PrefillSource.PROFILE:
            return _(
                "Si vous la modifiez, elle ne change que pour cette demande : votre profil "
                "reste tel quel."
            )
        return _("Si elle a changé depuis, modifiez-la.")

    @property
    def origin_text(self) -> str:
        """On the review page: « Repris de … »."""
        if self.source == PrefillSource.IDENTITY:
            return _("Repris de FranceConnect (identité certifiée)")
        if self.source == PrefillSource.PROFILE:
            return _("Repris de votre profil")
        return _("Repris de votre demande n° %(reference)s du %(date)s") % {
            "reference": self.reference,
            "date": self._day(),
        }

    @property
    def agent_text(self) -> str:
        """For the agents: where the person's answer was taken from."""
        if self.stale:
            return _("Donnée détenue trop ancienne : redemandée à l'usager")
        if self.source == PrefillSource.IDENTITY:
            return _("Repris de l'identité certifiée par FranceConnect")
        if self.source == PrefillSource.PROFILE:
            return _("Repris du profil de l'usager")
        return _("Repris de sa demande n° %(reference)s du %(date)s") % {
            "reference": self.reference,
            "date": self._day(),
        }


def prefill_specs(definition: dict) -> dict[str, dict]:
    """The fields of a form that take a value the person already gave, by name."""
    return {
        spec["name"]: spec
        for spec in (definition or {}).get("fields", [])
        if isinstance(spec, dict) and spec.get("prefill") in form_definition.PREFILL_TYPES
    }


def offers(*, person: Person, definition: dict, exclude_case_id: int | None = None) -> dict:
    """What the administration holds for each prefilled field of a form, by field name:
    an ``Origin`` with the value as it would be stored. Fields with nothing known are
    left out. No query unless the profile lacks a value the form asks for."""
    specs = prefill_specs(definition)
    found: dict[str, Origin] = {}
    missing = []
    for name, spec in specs.items():
        attribute = spec["prefill"]
        value = _clean(spec, getattr(person, attribute, None))
        if attribute in NAMES and value is not None and "@" in value:
            # A record opened from an account without a name holds its email address
            # as a name: that is not the person's name, never offer it as such.
            value = None
        if value is None:
            missing.append(spec)
            continue
        certified = person.identity_certified and attribute in IDENTITY_FIELDS
        source = PrefillSource.IDENTITY if certified else PrefillSource.PROFILE
        stale = (
            ""
            if certified
            else validity.stale_reason(
                person, attribute, max_age_days=spec.get("prefill_max_age_days")
            )
        )
        if stale:
            found[name] = Origin(source=source, attribute=attribute, value="", stale=stale)
            continue
        found[name] = Origin(source=source, attribute=attribute, value=value)
    if missing and person.pk is not None:
        earlier = list(
            Case.objects.filter(person=person)
            .exclude(state=CaseState.DRAFT)
            .exclude(pk=exclude_case_id)
            .order_by("-submitted_at", "-pk")
            .values_list("reference", "received_on", "form_data")[:EARLIER_CASES]
        )
        today = timezone.localdate()
        for spec in missing:
            max_age = spec.get("prefill_max_age_days")
            for reference, received_on, answers in earlier:
                if max_age and received_on and (today - received_on).days > max_age:
                    break  # newest first: the older ones are too old as well
                answers = answers if isinstance(answers, dict) else {}
                value = _clean(spec, answers.get(spec["name"]))
                if value is not None:
                    found[spec["name"]] = Origin(
                        source=PrefillSource.CASE,
                        attribute=spec["prefill"],
                        value=value,
                        reference=reference or "",
                        received_on=received_on.isoformat() if received_on else "",
                    )
                    break
    return found


def merge(
    *,
    definition: dict,
    offered: dict,
    answers: dict,
    records: dict,
    given=(),
    fill_missing: bool = False,
) -> tuple[dict, dict]:
    """The draft's answers and their origins, brought in line with what is held.

    ``given`` names the answers just typed. A certified identity always wins, whatever
    was sent. A typed answer keeps its origin only while it is the value taken; with
    ``fill_missing`` (a new draft), unanswered fields take the value held.
    """
    specs = prefill_specs(definition)
    answers, records = dict(answers), dict(records or {})
    offered = {name: offer for name, offer in offered.items() if not offer.stale}
    for name, offer in offered.items():
        if offer.certified or (fill_missing and name not in answers and name not in given):
            answers[name] = offer.value
            records[name] = offer.as_record()
    for name in given:
        spec = specs.get(name)
        if spec is None or (name in offered and offered[name].certified):
            continue
        value = _clean(spec, answers.get(name))
        kept = Origin.from_record(records.get(name))
        offer = offered.get(name)
        if kept is not None and value is not None and kept.value == value:
            continue
        if offer is not None and offer.value == value:
            records[name] = offer.as_record()
        else:
            records.pop(name, None)
    return answers, records


def origins(*, definition: dict, offered: dict, records: dict, values: dict) -> dict:
    """Where each value shown comes from, by field name, for the values shown: a
    certified identity, the origin recorded while the value is unchanged, or the value
    held for a field not answered yet."""
    found = {}
    for name, spec in prefill_specs(definition).items():
        offer = offered.get(name)
        if offer is not None and offer.certified:
            found[name] = offer
            continue
        value = _clean(spec, values.get(name))
        if value is None:
            if offer is not None and offer.stale:
                found[name] = offer  # asked again: say why
            continue
        kept = Origin.from_record((records or {}).get(name))
        if kept is not None and kept.value == value:
            found[name] = kept
        elif offer is not None and offer.value == value:
            found[name] = offer
    return found


def confirm_held(*, case: Case, definition: dict, now=None) -> None:
    """Once a request is sent: the person's data they gave again in it, the same as
    held on their record, count as confirmed from now (``people.validity``)."""
    person = case.person
    kinds = set()
    for name, spec in prefill_specs(definition).items():
        attribute = spec["prefill"]
        held = _clean(spec, getattr(person, attribute, None))
        if held is None or (attribute in NAMES and "@" in held):
            continue
        if person.identity_certified and attribute in IDENTITY_FIELDS:
            continue
        if _clean(spec, (case.form_data or {}).get(name)) == held:
            kinds |= validity.kinds_of([attribute])
    if kinds:
        validity.record(person, kinds, origin=DataOrigin.DECLARED, at=now)


def _clean(spec: dict, value):
    """The value as the form would store it, or None if empty or not valid for it."""
    if isinstance(value, datetime.date):
        value = value.isoformat()
    if value is None or value == "":
        return None
    field = {k: v for k, v in spec.items() if k != "show_if"} | {"required": False}
    try:
        cleaned = form_definition.clean_answers({"fields": [field]}, {spec["name"]: value})
    except ValidationError:
        return None
    return cleaned.get(spec["name"])
