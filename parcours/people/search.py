"""The agents' search across people and cases, with access rules built in.

Matched: names (given, birth, usual; the represented company), email, phone (spaces,
dots and dashes ignored, +33 read as 0), case reference, and, on the cases the agent
may read, the text of the answers and of "my situation". Accents and case never
matter, on PostgreSQL (``unaccent``) as on SQLite (a Python function, see
``parcours.lib.text_search``); PostgreSQL also matches the answers by French
full-text search (« inscriptions » finds « inscription »).

People: every person of the agent's organisation. Cases: of that organisation; those
of the agent's units come first and open fully; the others are listed as "outside your
units", matched only on who and which (never on their content), and open with a
stated reason.
"""

import dataclasses

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Case, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Cast, Concat

from parcours.lib.text_search import Digits, Folded, digits, fold, has_unaccent

RESULTS_MAX = 20
PHONE_CHARACTERS = set("0123456789 .-+()/")


@dataclasses.dataclass
class Terms:
    words: list[str]
    phone: str
    text: str

    @classmethod
    def parse(cls, query: str) -> "Terms":
        query = (query or "").strip()
        # As ``Folded`` folds the columns: without ``unaccent``, accents stay.
        folded = fold if accent_blind() else str.lower
        phone = ""
        if query and set(query) <= PHONE_CHARACTERS:
            phone = digits(query)
            if query.lstrip().startswith("+33") and phone.startswith("33"):
                phone = "0" + phone[2:]
            if len(phone) < 4:
                phone = ""
        return cls(words=folded(query).split(), phone=phone, text=folded(query))

    def __bool__(self) -> bool:
        return bool(self.words or self.phone)


def accent_blind() -> bool:
    return connection.vendor != "postgresql" or has_unaccent(connection)


def _all_words_in(field: str, words: list[str]) -> Q:
    q = Q()
    for word in words:
        q &= Q(**{f"{field}__contains": word})
    return q


def _identity_haystack(prefix: str = ""):
    fields = ["given_name", "family_name", "usual_name", "legal_entity_name", "email"]
    parts = []
    for name in fields:
        parts += [f"{prefix}{name}", Value(" ")]
    return Folded(Concat(*parts[:-1], output_field=TextField()))


def _who(terms: Terms, prefix: str = "") -> Q:
    q = _all_words_in("haystack_identity", terms.words) if terms.words else Q(pk__in=[])
    if terms.phone:
        q |= Q(phone_digits__contains=terms.phone)
    return q


def people(agent, query: str) -> QuerySet:
    """The people of the agent's organisation matching ``query``, by name."""
    from .models import Person

    terms = Terms.parse(query)
    if agent is None or not terms:
        return Person.objects.none()
    return (
        Person.objects.filter(organisation_id=agent.organisation_id)
        .annotate(haystack_identity=_identity_haystack(), phone_digits=Digits("phone"))
        .filter(_who(terms))
        .order_by("family_name", "given_name", "pk")[:RESULTS_MAX]
    )


def cases(agent, query: str, *, readable_ids, scope_unit_ids: set[int]) -> QuerySet:
    """The submitted cases of the agent's organisation matching ``query``, annotated
    ``in_scope`` (the agent may read them: their units, or opened with a reason),
    readable ones first, then the newest."""
    from parcours.cases.enums import CaseState
    from parcours.cases.models import Case as CaseModel

    terms = Terms.parse(query)
    if agent is None or not terms:
        return CaseModel.objects.none()
    in_scope = Q(unit_id__in=scope_unit_ids) | Q(pk__in=readable_ids)
    matched = _who(terms)
    if terms.words:
        reference = Q(reference__icontains=terms.text.replace(" ", ""))
        content = _all_words_in("haystack_content", terms.words)
        if connection.vendor == "postgresql":
            content |= Q(
                search_vector=SearchQuery(terms.text, config="french", search_type="websearch")
            )
        matched |= reference | (in_scope & content)
    found = (
        CaseModel.objects.filter(organisation_id=agent.organisation_id)
        .exclude(state=CaseState.DRAFT)
        .annotate(
            haystack_identity=_identity_haystack("person__"),
            phone_digits=Digits("person__phone"),
            haystack_content=Concat(
                Folded(Cast("form_data", TextField())),
                Value(" "),
                Folded("situation"),
                output_field=TextField(),
            ),
            in_scope=Case(When(in_scope, then=Value(True)), default=Value(False)),
        )
    )
    if connection.vendor == "postgresql" and terms.words:
        found = found.annotate(
            search_vector=SearchVector(
                Folded(Cast("form_data", TextField())), Folded("situation"), config="french"
            )
        )
    return (
        found.filter(matched)
        .select_related("procedure", "unit", "person")
        .order_by("-in_scope", "-submitted_at", "-pk")[:RESULTS_MAX]
    )
