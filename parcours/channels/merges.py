"""Duplicate people: suggestions, and merging two records of one person into one.

A person who wrote an email, then called, then came to the counter may have been
recorded two or three times. Records of one administration that share an email
address, a phone number, or names and birth date are suggested to its managers; a
manager merges them, or says they are two people (``NotDuplicate``).

A merge keeps every history: each row that pointed to the removed record (cases,
messages, documents through their cases, call-backs, appointments, consents, calls,
letters, emails…) is moved to the kept one, whatever app it belongs to, by walking
the relations to Person. The access journal is the exception: its entries are
append-only and chained, so they keep the number of the removed record, which the
merge record (``PersonMerge``) names. The merge record keeps a copy of the removed
record as it was, and what moved; it shows on the kept person's timeline.
"""

import dataclasses
from collections import defaultdict

from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from parcours.organisations import permissions
from parcours.organisations.selectors import agent_for
from parcours.people.models import Person

from .enums import DuplicateReason
from .errors import ChannelError
from .models import NotDuplicate, PersonMerge

# Filled from the removed record when the kept one has nothing there.
FILLABLE_FIELDS = (
    "usual_name",
    "birth_date",
    "birth_place",
    "email",
    "phone",
    "street",
    "postcode",
    "city",
    "accessibility_note",
)
SUGGESTIONS_MAX = 200


@dataclasses.dataclass
class Suggestion:
    first: Person
    second: Person
    reasons: list[str]

    @property
    def reason_labels(self) -> list[str]:
        return [DuplicateReason(reason).label for reason in self.reasons]


def _phone_key(phone: str) -> str:
    digits = "".join(char for char in phone or "" if char.isdigit())
    if phone.strip().startswith("+33") and digits.startswith("33"):
        digits = "0" + digits[2:]
    return digits if len(digits) >= 9 else ""


def duplicate_suggestions(agent) -> list[Suggestion]:
    """Pairs of records of the agent's administration that may be one person, most
    reasons first. For managers only; an empty list for anyone else."""
    if not permissions.is_manager(agent):
        return []
    people = Person.objects.filter(organisation_id=agent.organisation_id)
    pairs: dict[tuple[int, int], set[str]] = defaultdict(set)

    def add(groups, reason):
        for members in groups:
            members = sorted(members)
            for position, first in enumerate(members):
                for second in members[position + 1 :]:
                    pairs[(first, second)].add(reason)

    emails = (
        people.exclude(email="")
        .annotate(key=Lower("email"))
        .values("key")
        .annotate(n=models.Count("pk"))
        .filter(n__gt=1)
        .values_list("key", flat=True)
    )
    by_email = defaultdict(list)
    for pk, email in (
        people.annotate(key=Lower("email")).filter(key__in=list(emails)).values_list("pk", "key")
    ):
        by_email[email].append(pk)
    add(by_email.values(), DuplicateReason.EMAIL)

    by_phone = defaultdict(list)
    for pk, phone in people.exclude(phone="").values_list("pk", "phone").iterator():
        key = _phone_key(phone)
        if key:
            by_phone[key].append(pk)
    add((pks for pks in by_phone.values() if len(pks) > 1), DuplicateReason.PHONE)

    by_identity = defaultdict(list)
    for pk, given, family, born in (
        people.filter(birth_date__isnull=False)
        .annotate(g=Lower("given_name"), f=Lower("family_name"))
        .values_list("pk", "g", "f", "birth_date")
        .iterator()
    ):
        by_identity[(given.strip(), family.strip(), born)].append(pk)
    add((pks for pks in by_identity.values() if len(pks) > 1), DuplicateReason.NAME_BIRTH_DATE)

    dismissed = set(
        NotDuplicate.objects.filter(organisation_id=agent.organisation_id).values_list(
            "first_id", "second_id"
        )
    )
    wanted = sorted(
        ((pair, reasons) for pair, reasons in pairs.items() if pair not in dismissed),
        key=lambda item: (-len(item[1]), item[0]),
    )[:SUGGESTIONS_MAX]
    records = Person.objects.in_bulk({pk for pair, _reasons in wanted for pk in pair})
    order = list(DuplicateReason.values)
    return [
        Suggestion(
            first=records[first],
            second=records[second],
            reasons=sorted(reasons, key=order.index),
        )
        for (first, second), reasons in wanted
    ]


def reasons_for(first: Person, second: Person) -> list[str]:
    reasons = []
    if first.email and first.email.lower() == second.email.lower():
        reasons.append(DuplicateReason.EMAIL)
    if _phone_key(first.phone) and _phone_key(first.phone) == _phone_key(second.phone):
        reasons.append(DuplicateReason.PHONE)
    if (
        first.birth_date
        and first.birth_date == second.birth_date
        and first.given_name.strip().lower() == second.given_name.strip().lower()
        and first.family_name.strip().lower() == second.family_name.strip().lower()
    ):
        reasons.append(DuplicateReason.NAME_BIRTH_DATE)
    return reasons


def _check_manager(by, *people: Person):
    agent = agent_for(by)
    if not permissions.is_manager(agent):
        raise ChannelError(_("Seuls les responsables fusionnent les fiches."))
    if any(person.organisation_id != agent.organisation_id for person in people):
        raise ChannelError(_("Ces fiches relèvent d'une autre administration."))
    return agent


def _relations():
    """Every relation pointing to Person that holds a row to move, but the chained
    access journal (no database constraint, nothing done on delete)."""
    for relation in Person._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete):
            continue
        if relation.many_to_many or relation.related_model in (NotDuplicate,):
            continue
        field = relation.field
        if field.remote_field.on_delete is models.DO_NOTHING and not field.db_constraint:
            continue
        yield relation


def _snapshot(person: Person) -> dict:
    data = model_to_dict(person)
    for key, value in list(data.items()):
        if hasattr(value, "isoformat"):
            data[key] = value.isoformat()
    data["full_name"] = person.full_name
    data["created_at"] = person.created_at.isoformat()
    return data


def person_merge(*, by, kept: Person, merged: Person, note: str = "") -> PersonMerge:
    """Merge ``merged`` into ``kept``: everything moves, the removed record's copy and
    what moved are kept in the merge record."""
    agent = _check_manager(by, kept, merged)
    if kept.pk == merged.pk:
        raise ChannelError(_("Choisissez deux fiches différentes."))
    note = (note or "").strip()[:2000]
    try:
        with transaction.atomic():
            locked = {
                person.pk: person
                for person in Person.objects.select_for_update().filter(pk__in=[kept.pk, merged.pk])
            }
            if len(locked) != 2:
                raise ChannelError(_("L'une des fiches n'existe plus : elle a déjà été fusionnée."))
            kept, merged = locked[kept.pk], locked[merged.pk]
            if kept.user_id and merged.user_id and kept.user_id != merged.user_id:
                raise ChannelError(
                    _(
                        "Ces deux fiches sont liées à deux comptes différents : la personne "
                        "doit d'abord n'en garder qu'un."
                    )
                )
            snapshot = _snapshot(merged)
            reasons = reasons_for(kept, merged)
            user = merged.user
            if user is not None:
                merged.user = None
                merged.save(update_fields=["user"])
            moved = {}
            for relation in _relations():
                field = relation.field
                count = relation.related_model._base_manager.filter(**{field.name: merged}).update(
                    **{field.name: kept}
                )
                if count:
                    moved[str(relation.related_model._meta.verbose_name_plural)] = count
            NotDuplicate.objects.filter(models.Q(first=merged) | models.Q(second=merged)).delete()
            for name in FILLABLE_FIELDS:
                if not getattr(kept, name) and getattr(merged, name):
                    setattr(kept, name, getattr(merged, name))
            if merged.accessibility_needs:
                kept.accessibility_needs = sorted(
                    set(kept.accessibility_needs or []) | set(merged.accessibility_needs)
                )
            if kept.user_id is None and user is not None:
                kept.user = user
            if merged.identity_certified and not kept.identity_certified:
                for name in ("given_name", "family_name", "birth_date", "birth_place"):
                    setattr(kept, name, getattr(merged, name))
                kept.identity_certified = True
            kept.save()
            merged_pk = merged.pk
            merged.delete()
            return PersonMerge.objects.create(
                organisation_id=kept.organisation_id,
                kept=kept,
                merged_person_id=merged_pk,
                merged_snapshot=snapshot,
                moved=moved,
                reasons=reasons,
                note=note,
                by=by,
                by_name=agent.display_name,
            )
    except IntegrityError:
        raise ChannelError(
            _(
                "Ces fiches ne peuvent pas être fusionnées automatiquement (des éléments "
                "uniques se recoupent) : signalez-le à l'administrateur."
            )
        ) from None


def mark_not_duplicate(*, by, first: Person, second: Person) -> NotDuplicate:
    _check_manager(by, first, second)
    if first.pk == second.pk:
        raise ChannelError(_("Choisissez deux fiches différentes."))
    first, second = sorted([first, second], key=lambda person: person.pk)
    record, _created = NotDuplicate.objects.get_or_create(
        organisation_id=first.organisation_id, first=first, second=second, defaults={"by": by}
    )
    return record
