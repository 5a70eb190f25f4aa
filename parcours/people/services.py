"""Writes on people: the profile a citizen keeps, and disputes of a certified identity.

A signed-in citizen has one Person record per administration they deal with; their
profile is the same everywhere, so it is changed on every record at once.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .enums import DataOrigin, IdentityField
from .models import IdentityDispute, Person

# What the person may always change on their own records.
PROFILE_FIELDS = (
    "email",
    "phone",
    "street",
    "postcode",
    "city",
    "preferred_language",
    "accessibility_needs",
    "accessibility_note",
    "notify_by_email",
    "notify_by_sms",
)
# What comes from the identity provider when it is certified: never edited, only disputed.
IDENTITY_FIELDS = ("given_name", "family_name", "birth_date")


def _check_acts_for_themself(*, user, by) -> None:
    if by is None or not getattr(by, "is_authenticated", False):
        raise PermissionDenied
    if by.pk != user.pk and not by.is_superuser:
        raise PermissionDenied


def person_update_profile(*, user, by, data: dict) -> list[Person]:
    """Write ``data`` on every Person record of ``user``, all or nothing.

    Identity fields (``given_name``, ``family_name``, ``birth_date``) are written only on
    records whose identity is not certified: a certified identity is disputed, never
    edited. Raises ``ValidationError`` (per field, in French) when a record would be
    invalid, for instance with no way left to reach the person, and ``ValueError`` for
    a key that is not part of the profile.
    """
    _check_acts_for_themself(user=user, by=by)
    unknown = set(data) - set(PROFILE_FIELDS) - set(IDENTITY_FIELDS)
    if unknown:
        raise ValueError(f"not part of the profile: {', '.join(sorted(unknown))}")
    from . import validity

    with transaction.atomic():
        people = list(Person.objects.select_for_update().filter(user=user).order_by("pk"))
        for person in people:
            given = []
            for field, value in data.items():
                if field in IDENTITY_FIELDS and person.identity_certified:
                    continue
                setattr(person, field, value)
                given.append(field)
            # What the person just gave or confirmed counts from now.
            validity.mark(person, validity.kinds_of(given), origin=DataOrigin.DECLARED)
            person.full_clean()
            person.save()
    return people


def identity_dispute_create(
    *, user, by, field: str, proposed_value: str, explanation: str = ""
) -> list[IdentityDispute]:
    """Record that ``user`` disputes a certified identity field, once per administration
    holding a certified record, so each one checks its own record."""
    _check_acts_for_themself(user=user, by=by)
    if field not in IdentityField.values:
        raise ValidationError({"field": _("Choisissez la donnée qui est erronée.")})
    proposed_value = proposed_value.strip()
    if not proposed_value:
        raise ValidationError({"proposed_value": _("Indiquez la valeur exacte.")})
    with transaction.atomic():
        people = Person.objects.filter(user=user, identity_certified=True).order_by("pk")
        return [
            IdentityDispute.objects.create(
                organisation_id=person.organisation_id,
                person=person,
                user=user,
                field=field,
                proposed_value=proposed_value[:200],
                explanation=explanation.strip(),
            )
            for person in people
        ]
