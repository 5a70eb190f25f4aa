"""Demo data at any volume: one code path for ``load_demo`` (2,000 cases) and ``seed``
(a million and more).

The story (``story``, ``catalogue``) is written once; the population and the cases are
drawn from a seeded random generator, so the same seed and the same day give the same
data. Cases are generated in the order they were submitted, so their references
follow each other like real ones, and every case goes through ``timeline.replay``,
which applies the life-cycle rules the services apply.
"""

import bisect
import datetime
import heapq
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from random import Random

from dateutil.relativedelta import relativedelta
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.models import User
from parcours.cases.enums import CaseChannel, CaseState, EventKind
from parcours.cases.lifecycle import Actor
from parcours.cases.models import Case, CaseEvent, Decision, Receipt, ReferenceCounter
from parcours.cases.services import format_reference
from parcours.catalog.models import Commitment, Procedure, ProcedureVersion
from parcours.organisations.enums import AgentRole
from parcours.organisations.models import Agent, OpeningHours, Organisation, Unit
from parcours.people.enums import AccessibilityNeed, Channel, Language, PersonKind
from parcours.people.models import Person

from . import data, story
from .answers import ANSWERS, AnswerContext, draft_answers
from .catalogue import GENERAL_COMMITMENTS, ProcedureSpec, procedure_specs
from .sinks import TableSpec, analyze, make_sink, next_ids, reset_sequences
from .timeline import (
    APPEAL,
    PARIS,
    DemoRandom,
    Rule,
    Step,
    choose_state,
    local_midnight,
    plan,
    replay,
)

HISTORY_MONTHS = 14
DRAFT_SHARE = 0.05


@dataclass(frozen=True)
class Volume:
    people: int
    cases: int
    organisations: int = 3
    agents_per_unit: int = 2

    def check(self) -> None:
        """Raise ValueError, in words for the person running the command, if too small."""
        if self.organisations < len(story.STORY_ORGANISATIONS):
            raise ValueError(
                _("Il faut au moins %(n)s administrations.") % {"n": len(story.STORY_ORGANISATIONS)}
            )
        if self.people < 10 * self.organisations:
            raise ValueError(
                _("Il faut au moins %(n)s usagers pour %(organisations)s administrations.")
                % {"n": 10 * self.organisations, "organisations": self.organisations}
            )
        if self.cases < len(story.SCRIPTED_CASES):
            raise ValueError(
                _("Il faut au moins %(n)s dossiers.") % {"n": len(story.SCRIPTED_CASES)}
            )


DEMO_VOLUME = Volume(people=300, cases=2000)


@dataclass
class Report:
    method: str
    rows: dict[str, int]
    seconds: float

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds else 0.0


def _specs() -> dict[str, TableSpec]:
    return {
        "user": TableSpec(
            User,
            [
                "id",
                "password",
                "last_login",
                "is_superuser",
                "email",
                "first_name",
                "last_name",
                "is_staff",
                "is_active",
                "date_joined",
            ],
        ),
        "organisation": TableSpec(
            Organisation,
            [
                "id",
                "name",
                "slug",
                "kind",
                "siret",
                "address",
                "email",
                "phone",
                "website",
                "administrative_court",
                "administrative_court_address",
            ],
        ),
        "unit": TableSpec(
            Unit,
            [
                "id",
                "organisation_id",
                "name",
                "slug",
                "street",
                "postcode",
                "city",
                "email",
                "phone",
                "territory",
                "territory_postcodes",
                "holiday_subdivision",
                "is_active",
            ],
        ),
        "opening_hours": TableSpec(
            OpeningHours, ["id", "organisation_id", "unit_id", "weekday", "opens_at", "closes_at"]
        ),
        "agent": TableSpec(
            Agent, ["id", "user_id", "organisation_id", "role", "title", "phone", "is_active"]
        ),
        "agent_units": TableSpec(Agent.units.through, ["id", "agent_id", "unit_id"]),
        "procedure": TableSpec(
            Procedure,
            [
                "id",
                "organisation_id",
                "code",
                "slug",
                "title",
                "summary",
                "description",
                "who_can_apply",
                "what_happens_next",
                "theme",
                "handling_unit_id",
                "legal_basis",
                "decision_delay",
                "decision_delay_unit",
                "implicit_decision",
                "grants_a_right",
                "is_geolocated",
                "is_published",
                "created_at",
                "updated_at",
            ],
        ),
        "procedure_version": TableSpec(
            ProcedureVersion,
            [
                "id",
                "organisation_id",
                "procedure_id",
                "number",
                "form_definition",
                "required_documents",
                "published_at",
                "created_at",
            ],
        ),
        "commitment": TableSpec(
            Commitment,
            ["id", "organisation_id", "procedure_id", "kind", "target", "target_unit", "wording"],
        ),
        "person": TableSpec(
            Person,
            [
                "id",
                "organisation_id",
                "user_id",
                "kind",
                "given_name",
                "family_name",
                "usual_name",
                "birth_date",
                "birth_place",
                "identity_certified",
                "legal_entity_name",
                "legal_entity_siret",
                "email",
                "phone",
                "street",
                "postcode",
                "city",
                "preferred_channel",
                "preferred_language",
                "accessibility_needs",
                "accessibility_note",
                "created_at",
                "updated_at",
            ],
        ),
        "case": TableSpec(
            Case,
            [
                "id",
                "organisation_id",
                "reference",
                "procedure_id",
                "procedure_version_id",
                "person_id",
                "unit_id",
                "referent_id",
                "state",
                "channel",
                "form_data",
                "situation",
                "latitude",
                "longitude",
                "submitted_at",
                "received_on",
                "implicit_decision",
                "decision_due_on",
                "clock_suspended_on",
                "suspended_days",
                "citizen_due_on",
                "decided_at",
                "is_appeal",
                "created_by_id",
                "created_at",
                "updated_at",
            ],
        ),
        "receipt": TableSpec(
            Receipt,
            [
                "id",
                "organisation_id",
                "case_id",
                "issued_at",
                "received_on",
                "decision_due_on",
                "implicit_decision",
                "procedure_title",
                "person_name",
                "service_name",
                "service_address",
                "service_email",
                "service_phone",
                "referent_name",
                "referent_title",
                "appeal_court",
                "appeal_court_address",
                "legal_basis",
            ],
        ),
        "event": TableSpec(
            CaseEvent,
            [
                "id",
                "organisation_id",
                "case_id",
                "kind",
                "transition",
                "from_state",
                "to_state",
                "actor_id",
                "reason",
                "visible_to_citizen",
                "data",
                "created_at",
            ],
        ),
        "decision": TableSpec(
            Decision,
            [
                "id",
                "organisation_id",
                "case_id",
                "outcome",
                "is_implicit",
                "reasons",
                "signed_by_id",
                "signer_name",
                "signer_title",
                "decided_on",
                "appeal_deadline",
                "created_at",
            ],
        ),
        "reference_counter": TableSpec(
            ReferenceCounter, ["id", "organisation_id", "year", "prefix", "last_value"]
        ),
    }


def generate(
    volume: Volume = DEMO_VOLUME,
    *,
    seed: int = 2026,
    now: datetime.datetime | None = None,
    method: str = "auto",
    chunk_size: int = 20_000,
    log: Callable[[str], None] | None = None,
) -> Report:
    """Write the story and ``volume`` people and cases in one transaction.

    ``method`` is ``copy`` (PostgreSQL COPY), ``bulk_create``, or ``auto`` (COPY on
    PostgreSQL, bulk_create elsewhere).
    """
    volume.check()
    started = time.perf_counter()
    sink = make_sink(method)
    specs = _specs()
    builder = _Builder(volume, seed=seed, now=now or timezone.now(), specs=specs, sink=sink)
    builder.chunk_size = chunk_size
    builder.log = log or (lambda message: None)
    model_list = [spec.model for spec in specs.values()]
    with transaction.atomic():
        builder.ids = next_ids(model_list)
        with sink.session(specs.values()):
            builder.run()
        reset_sequences(model_list)
    builder.log("Statistiques du planificateur (ANALYZE)…")
    analyze(model_list)
    return Report(
        method=sink.method, rows=dict(builder.counts), seconds=time.perf_counter() - started
    )


# ---------------------------------------------------------------------------


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in ascii_text.lower() if c.isalnum() or c == "-").strip("-")


def _siret(rng: Random) -> str:
    """A 14-digit number with a valid Luhn key, like a real SIRET."""
    digits = [rng.randint(0, 9) for _position in range(13)]
    for key in range(10):
        candidate = [*digits, key]
        total = 0
        for position, digit in enumerate(reversed(candidate)):
            if position % 2:
                digit *= 2
                digit -= 9 if digit > 9 else 0
            total += digit
        if total % 10 == 0:
            return "".join(map(str, candidate))
    raise AssertionError("unreachable")


def _share(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders), exactly."""
    whole = sum(weights)
    if not whole:
        return [0] * len(weights)
    exact = [total * w / whole for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _mobile(n: int) -> str:
    return f"06 39 98 {n // 100 % 100:02d} {n % 100:02d}"


def _landline(n: int) -> str:
    return f"02 61 91 {n // 100 % 100:02d} {n % 100:02d}"


@dataclass(slots=True)
class _AgentInfo:
    id: int
    user_id: int
    name: str
    title: str


@dataclass(slots=True)
class _UnitInfo:
    id: int
    organisation_id: int
    spec: story.UnitSpec
    agents: list[_AgentInfo] = field(default_factory=list)
    pool: list[_AgentInfo] = field(default_factory=list)  # who handles its cases


@dataclass(slots=True)
class _OrganisationInfo:
    id: int
    spec: story.OrganisationSpec
    units: dict[str, _UnitInfo]
    helpers: list[_AgentInfo] = field(default_factory=list)


@dataclass(slots=True)
class _PersonInfo:
    id: int
    user_id: int | None
    full_name: str
    given_name: str
    family_name: str
    phone: str
    birth_place: str


@dataclass(slots=True)
class _Pool:
    everyone: list[_PersonInfo] = field(default_factory=list)
    online: list[_PersonInfo] = field(default_factory=list)

    @staticmethod
    def _pick(rng: Random, people: list[_PersonInfo]) -> _PersonInfo:
        # A few people have many cases, most have one or two.
        return people[int(len(people) * rng.random() ** 1.6)]

    def anyone(self, rng: Random) -> _PersonInfo:
        return self._pick(rng, self.everyone)

    def signed_in(self, rng: Random) -> _PersonInfo:
        return self._pick(rng, self.online)


class _Reasons:
    """Plain-French reasons for one procedure's transitions."""

    def __init__(self, spec: ProcedureSpec, unit_phone: str):
        labels = [d["label"] for d in spec.documents if d["required"]]
        self.requests = [
            f"Il nous manque la pièce « {label} ». Vous pouvez l'ajouter dans votre espace, "
            "l'envoyer par courrier ou l'apporter au guichet."
            for label in labels
        ] + [
            f"Le document « {label} » que vous avez envoyé est illisible. Pouvez-vous nous "
            "l'envoyer à nouveau ?"
            for label in labels[:1]
        ]
        if not self.requests:
            self.requests = [
                "Nous avons besoin de quelques précisions sur votre demande : appelez-nous au "
                f"{unit_phone}, ou répondez à ce message."
            ]
        self.rejections = spec.reject_reasons

    def request(self, rng: Random) -> str:
        return rng.choice(self.requests)

    def reject(self, rng: Random) -> str:
        return rng.choice(self.rejections)

    def close(self, rng: Random) -> str:
        return rng.choice(data.CLOSE_REASONS)

    def close_no_answer(self) -> str:
        return data.CLOSE_NO_ANSWER_REASON

    def accept(self, rng: Random) -> str:
        return rng.choice(data.ACCEPT_REASONS)

    def withdraw(self, rng: Random) -> str:
        return rng.choice(data.WITHDRAW_REASONS)

    def reopen(self, rng: Random) -> str:
        return rng.choice(data.REOPEN_REASONS)


@dataclass(slots=True)
class _ProcedureInfo:
    id: int
    version_id: int
    spec: ProcedureSpec
    organisation: _OrganisationInfo
    unit: _UnitInfo
    rule: Rule
    usual_days: int
    reasons: _Reasons
    receipt: tuple  # the mentions frozen on every receipt, after person_name
    channels: tuple[list[str], list[float], list[str], list[float]]  # office, out of hours
    box: tuple[tuple[float, float], tuple[float, float]] | None


C = CaseChannel
CHANNEL_WEIGHTS = {
    "default": {C.ONLINE: 50, C.COUNTER: 14, C.PHONE: 6, C.POST: 8, C.EMAIL: 10, C.HELPER: 12},
    "SIG": {C.ONLINE: 45, C.OPEN311: 30, C.PHONE: 15, C.COUNTER: 5, C.EMAIL: 5},
    "AFS": {C.COUNTER: 50, C.PHONE: 25, C.ONLINE: 15, C.HELPER: 10},
    "REC": {C.ONLINE: 40, C.EMAIL: 25, C.POST: 20, C.PHONE: 10, C.COUNTER: 5},
}
SELF_SERVICE = frozenset({C.ONLINE, C.OPEN311})
# When a plan cannot fit the dates (too young for an implicit decision...), try this state.
FALLBACK = {
    CaseState.IMPLICIT_ACCEPTANCE: CaseState.IN_REVIEW,
    CaseState.IMPLICIT_REJECTION: CaseState.IN_REVIEW,
    APPEAL: CaseState.REJECTED,
    CaseState.CLOSED_WITHOUT_ACTION: CaseState.ACCEPTED,
}


class _Builder:
    chunk_size = 20_000

    def __init__(self, volume: Volume, *, seed: int, now: datetime.datetime, specs, sink):
        self.volume = volume
        self.rng = DemoRandom(seed)
        self.now = now.astimezone(PARIS).replace(microsecond=0)
        self.today = self.now.date()
        self.window_start = self.today - relativedelta(months=HISTORY_MONTHS)
        self.specs = specs
        self.sink = sink
        self.ids: dict[type[models.Model], int] = {}
        self.counts: Counter[str] = Counter()
        self.buffers: dict[str, list[tuple]] = {name: [] for name in specs}
        self.log: Callable[[str], None] = lambda message: None
        self.counters: dict[tuple[int, int, str], int] = {}

    # -- plumbing ------------------------------------------------------------

    def take(self, model: type[models.Model]) -> int:
        value = self.ids[model]
        self.ids[model] = value + 1
        return value

    def flush(self, *names: str) -> None:
        for name in names or tuple(self.buffers):
            rows = self.buffers[name]
            if rows:
                self.sink.write(self.specs[name], rows)
                self.counts[self.specs[name].label] += len(rows)
                self.buffers[name] = []

    def run(self) -> None:
        self.log("Administrations, services et comptes…")
        self.organisations()
        self.accounts()
        self.catalogue()
        self.flush()
        self.log(f"{self.volume.people} usagers…")
        self.people()
        self.flush()
        self.log(f"{self.volume.cases} dossiers…")
        self.cases()
        self.flush()
        self.reference_counters()
        self.flush()

    # -- organisations, accounts, catalogue -----------------------------------

    def organisations(self) -> None:
        self.orgs: dict[str, _OrganisationInfo] = {}
        emit = self.buffers
        for spec in story.organisation_specs(self.volume.organisations):
            org_id = self.take(Organisation)
            emit["organisation"].append(
                (
                    org_id,
                    spec.name,
                    spec.slug,
                    spec.kind,
                    spec.siret,
                    spec.address,
                    spec.email,
                    spec.phone,
                    spec.website,
                    story.ADMINISTRATIVE_COURT,
                    story.ADMINISTRATIVE_COURT_ADDRESS,
                )
            )
            units = {}
            for unit in spec.units:
                unit_id = self.take(Unit)
                emit["unit"].append(
                    (
                        unit_id,
                        org_id,
                        unit.name,
                        unit.slug,
                        unit.street,
                        unit.postcode,
                        unit.city,
                        unit.email,
                        unit.phone,
                        unit.territory,
                        list(unit.territory_postcodes),
                        "",
                        True,
                    )
                )
                for weekday, opens, closes in unit.hours:
                    emit["opening_hours"].append(
                        (
                            self.take(OpeningHours),
                            org_id,
                            unit_id,
                            weekday,
                            datetime.time.fromisoformat(opens),
                            datetime.time.fromisoformat(closes),
                        )
                    )
                units[unit.slug] = _UnitInfo(unit_id, org_id, unit)
            self.orgs[spec.slug] = _OrganisationInfo(org_id, spec, units)

    def _user(self, email, password, given, family, joined, *, superuser=False) -> int:
        user_id = self.take(User)
        self.buffers["user"].append(
            (user_id, password, None, superuser, email, given, family, superuser, True, joined)
        )
        return user_id

    def _agent(self, user_id, org, unit_slugs, role, title, name, phone) -> _AgentInfo:
        agent_id = self.take(Agent)
        self.buffers["agent"].append((agent_id, user_id, org.id, role, title, phone, True))
        info = _AgentInfo(agent_id, user_id, name, title)
        for slug in unit_slugs:
            unit = org.units[slug]
            self.buffers["agent_units"].append((self.take(Agent.units.through), agent_id, unit.id))
            unit.agents.append(info)
            if role in (AgentRole.AGENT, AgentRole.UNIT_MANAGER) or (
                role == AgentRole.HELPER and slug == "france-services"
            ):
                unit.pool.append(info)
            if slug == "france-services" and role != AgentRole.ORGANISATION_ADMIN:
                org.helpers.append(info)
        return info

    def accounts(self) -> None:
        rng = self.rng
        demo_password = make_password(story.DEMO_PASSWORD)
        self.no_password = make_password(None)
        joined = local_midnight(self.window_start - datetime.timedelta(days=400))
        joined += datetime.timedelta(hours=9)
        self.logins: dict[str, int] = {}
        self.named_agents: dict[str, _AgentInfo] = {}
        self.logins[story.ADMIN_EMAIL] = self._user(
            story.ADMIN_EMAIL, demo_password, *story.ADMIN_NAME, joined, superuser=True
        )
        for n, login in enumerate(story.AGENT_LOGINS):
            user_id = self._user(
                login.email, demo_password, login.given_name, login.family_name, joined
            )
            org = self.orgs[login.organisation]
            self.named_agents[login.email] = self._agent(
                user_id,
                org,
                login.units or tuple(org.units),
                login.role,
                login.title,
                f"{login.given_name} {login.family_name}",
                _landline(1100 + n),
            )
            self.logins[login.email] = user_id
        for citizen in story.CITIZEN_LOGINS:
            self.logins[citizen.email] = self._user(
                citizen.email,
                demo_password,
                citizen.given_name,
                citizen.family_name,
                joined + datetime.timedelta(days=200),
            )
        # The rest of the staff, so that every unit has several people to handle cases.
        used = set(self.logins)
        for org in self.orgs.values():
            for unit in org.units.values():
                for _position in range(self.volume.agents_per_unit):
                    given, gender = rng.choice(data.GIVEN_NAMES)
                    family = rng.choice(data.FAMILY_NAMES)
                    email = f"{_slug(given)}.{_slug(family)}@{org.spec.agent_domain}"
                    n = 2
                    while email in used:
                        email = f"{_slug(given)}.{_slug(family)}{n}@{org.spec.agent_domain}"
                        n += 1
                    used.add(email)
                    user_id = self._user(email, demo_password, given, family, joined)
                    titles = story.AGENT_TITLES.get(unit.spec.slug, ("Instructeur", "Instructrice"))
                    self._agent(
                        user_id,
                        org,
                        (unit.spec.slug,),
                        AgentRole.AGENT,
                        titles[gender == "f"],
                        f"{given} {family}",
                        _landline(rng.randint(2000, 9999)),
                    )
        for org in self.orgs.values():
            for unit in org.units.values():
                if not unit.pool:
                    unit.pool = list(unit.agents)
            if not org.helpers:
                org.helpers = [a for u in org.units.values() for a in u.pool]

    def catalogue(self) -> None:
        emit = self.buffers
        created = local_midnight(self.window_start - datetime.timedelta(days=200))
        created += datetime.timedelta(hours=10)
        published = created + datetime.timedelta(days=170)
        self.procedures: list[_ProcedureInfo] = []
        for org in self.orgs.values():
            for kind, target, unit, wording in GENERAL_COMMITMENTS:
                emit["commitment"].append(
                    (self.take(Commitment), org.id, None, kind, target, unit, wording)
                )
        specs = procedure_specs(story.organisation_specs(self.volume.organisations))
        for spec in specs:
            org = self.orgs[spec.organisation]
            unit = org.units[spec.unit]
            procedure_id, version_id = self.take(Procedure), self.take(ProcedureVersion)
            emit["procedure"].append(
                (
                    procedure_id,
                    org.id,
                    spec.code,
                    spec.slug,
                    spec.title,
                    spec.summary,
                    spec.description,
                    spec.who_can_apply,
                    spec.what_happens_next,
                    spec.theme,
                    unit.id,
                    spec.legal_basis,
                    spec.decision_delay,
                    spec.decision_delay_unit,
                    spec.implicit_decision,
                    spec.grants_a_right,
                    spec.is_geolocated,
                    True,
                    created,
                    published,
                )
            )
            emit["procedure_version"].append(
                (
                    version_id,
                    org.id,
                    procedure_id,
                    1,
                    spec.definition,
                    [dict(d) for d in spec.documents],
                    published,
                    published - datetime.timedelta(days=10),
                )
            )
            for kind, target, target_unit, wording in spec.commitments:
                emit["commitment"].append(
                    (
                        self.take(Commitment),
                        org.id,
                        procedure_id,
                        kind,
                        target,
                        target_unit,
                        wording,
                    )
                )
            rule = Rule(
                implicit_decision=spec.implicit_decision,
                decision_delay=spec.decision_delay,
                decision_delay_unit=spec.decision_delay_unit,
                grants_a_right=spec.grants_a_right,
                subdivision="",  # every demo unit follows the mainland calendar
            )
            due = rule.due_on(self.today)
            weights = CHANNEL_WEIGHTS.get(spec.form_key, CHANNEL_WEIGHTS["default"])
            office = [str(c) for c in weights], [float(w) for w in weights.values()]
            after_hours = [(str(c), float(w)) for c, w in weights.items() if c in SELF_SERVICE] or [
                (str(C.ONLINE), 1.0)
            ]
            box = None
            if spec.is_geolocated:
                (south, west), (north, east) = data.BELLERIVE_BOX
                shift_lat = 0.08 * (org.spec.variant % 10)
                shift_lng = 0.12 * (org.spec.variant // 10 % 10)
                box = ((south + shift_lat, west + shift_lng), (north + shift_lat, east + shift_lng))
            self.procedures.append(
                _ProcedureInfo(
                    id=procedure_id,
                    version_id=version_id,
                    spec=spec,
                    organisation=org,
                    unit=unit,
                    rule=rule,
                    usual_days=(due - self.today).days if due else spec.usual_days,
                    reasons=_Reasons(spec, unit.spec.phone),
                    receipt=(
                        f"{unit.spec.name} — {org.spec.name}",
                        f"{unit.spec.street}\n{unit.spec.postcode} {unit.spec.city}",
                        unit.spec.email,
                        unit.spec.phone,
                        "",
                        "",
                        story.ADMINISTRATIVE_COURT,
                        story.ADMINISTRATIVE_COURT_ADDRESS,
                        spec.legal_basis,
                    ),
                    channels=(
                        office[0],
                        office[1],
                        [channel for channel, _weight in after_hours],
                        [w for _, w in after_hours],
                    ),
                    box=box,
                )
            )
        self.by_code = {p.spec.code: p for p in self.procedures}
        # Requests per month: a procedure's weight times its season.
        self.month_tables: dict[int, tuple[list[float], list[_ProcedureInfo]]] = {}
        for month in range(1, 13):
            cumulative, total = [], 0.0
            for procedure in self.procedures:
                total += procedure.spec.weight * dict(procedure.spec.season).get(month, 1.0)
                cumulative.append(total)
            self.month_tables[month] = (cumulative, self.procedures)

    # -- people -----------------------------------------------------------------

    def people(self) -> None:
        emit = self.buffers
        self.pools: dict[int, _Pool] = {org.id: _Pool() for org in self.orgs.values()}
        self.story_people: dict[tuple[str, int], _PersonInfo] = {}
        for citizen in story.CITIZEN_LOGINS:
            created = local_midnight(self.window_start - datetime.timedelta(days=150))
            for slug in citizen.organisations:
                org = self.orgs[slug]
                person_id = self.take(Person)
                emit["person"].append(
                    (
                        person_id,
                        org.id,
                        self.logins[citizen.email],
                        PersonKind.INDIVIDUAL,
                        citizen.given_name,
                        citizen.family_name,
                        "",
                        datetime.date.fromisoformat(citizen.birth_date),
                        citizen.birth_place,
                        True,
                        "",
                        "",
                        citizen.email,
                        citizen.phone,
                        citizen.street,
                        citizen.postcode,
                        citizen.city,
                        Channel.EMAIL,
                        Language.FR,
                        [],
                        "",
                        created,
                        created,
                    )
                )
                self.story_people[(citizen.email, org.id)] = _PersonInfo(
                    person_id,
                    self.logins[citizen.email],
                    f"{citizen.given_name} {citizen.family_name}",
                    citizen.given_name,
                    citizen.family_name,
                    citizen.phone,
                    citizen.birth_place,
                )
        orgs = list(self.orgs.values())
        remaining = self.volume.people - len(self.story_people)
        shares = _share(remaining, [org.spec.weight for org in orgs])
        index = 0
        for org, count in zip(orgs, shares, strict=True):
            for n in range(count):
                index += 1
                self._person(org, index, force_account=n == 0)
                if len(emit["person"]) >= self.chunk_size:
                    self.flush("user", "person")

    def _person(self, org: _OrganisationInfo, index: int, *, force_account: bool) -> None:
        rng, emit = self.rng, self.buffers
        given, gender = rng.choice(data.GIVEN_NAMES)
        family = rng.choice(data.FAMILY_NAMES)
        usual = rng.choice(data.FAMILY_NAMES) if gender == "f" and rng.random() < 0.2 else ""
        representative = rng.random() < 0.04
        has_account = force_account or rng.random() < 0.55
        email = ""
        if has_account or rng.random() < 0.6:
            domain = data.EMAIL_DOMAINS[index % len(data.EMAIL_DOMAINS)]
            email = f"{_slug(given)}.{_slug(usual or family)}.{index}@{domain}"
        phone = ""
        if rng.random() < 0.85 or not email:
            phone = _mobile(index) if rng.random() < 0.75 else _landline(index)
        if org.spec.slug == story.VILLE.slug or rng.random() < 0.35:
            commune = data.MAIN_COMMUNE if org.spec.variant == 0 else None
        else:
            commune = rng.choice(data.COMMUNES[1:])
        street = postcode = city = ""
        if rng.random() < 0.95 or not (email or phone):
            street = f"{rng.randint(1, 120)} {rng.choice(data.STREETS)}"
            if commune is None:  # an extra commune
                postcode, city = org.spec.units[0].postcode, org.spec.units[0].city
            else:
                postcode, city = commune[1], commune[0]
        if email:
            preferred = rng.choices(
                (Channel.EMAIL, Channel.SMS, Channel.POST, Channel.PHONE), (80, 8, 7, 5)
            )[0]
        else:
            preferred = rng.choices((Channel.POST, Channel.PHONE, Channel.SMS), (50, 40, 10))[0]
        if (preferred in (Channel.SMS, Channel.PHONE) and not phone) or (
            preferred == Channel.POST and not street
        ):
            preferred = Channel.EMAIL if email else Channel.PHONE if phone else Channel.POST
        needs, note = [], ""
        if rng.random() < 0.1:
            needs = sorted(set(rng.sample(AccessibilityNeed.values, rng.choice((1, 1, 2)))))
            if rng.random() < 0.6:
                note = data.ACCESSIBILITY_NOTES[needs[0]]
        birth = datetime.date(rng.randint(1936, 2006), rng.randint(1, 12), rng.randint(1, 28))
        birth_place = rng.choice(data.BIRTH_PLACES)
        created = local_midnight(
            self.window_start - datetime.timedelta(days=rng.randint(1, 900))
        ) + datetime.timedelta(minutes=rng.randint(480, 1200))
        user_id = None
        if has_account:
            user_id = self.take(User)
            emit["user"].append(
                (
                    user_id,
                    self.no_password,
                    None,
                    False,
                    email,
                    given,
                    usual or family,
                    False,
                    True,
                    created,
                )
            )
        person_id = self.take(Person)
        emit["person"].append(
            (
                person_id,
                org.id,
                user_id,
                PersonKind.REPRESENTATIVE if representative else PersonKind.INDIVIDUAL,
                given,
                family,
                usual,
                birth,
                birth_place,
                has_account and rng.random() < 0.7,
                rng.choice(data.LEGAL_ENTITIES) if representative else "",
                _siret(rng) if representative and rng.random() < 0.8 else "",
                email,
                phone,
                street,
                postcode,
                city,
                preferred,
                Language.EN if rng.random() < 0.03 else Language.FR,
                needs,
                note,
                created,
                created,
            )
        )
        info = _PersonInfo(
            person_id, user_id, f"{given} {usual or family}", given, family, phone, birth_place
        )
        pool = self.pools[org.id]
        pool.everyone.append(info)
        if user_id:
            pool.online.append(info)

    # -- cases ------------------------------------------------------------------

    def _anchors(self, count: int) -> Iterator[tuple[datetime.datetime, story.ScriptedCase | None]]:
        """``count`` submission (or draft creation) times over the history, in order."""
        rng = self.rng
        days = (self.today - self.window_start).days + 1
        elapsed = (self.now - local_midnight(self.today)).total_seconds()
        weights = []
        for i in range(days):
            day = self.window_start + datetime.timedelta(days=i)
            weight = (1.0, 1.0, 1.0, 1.0, 0.9, 0.3, 0.12)[day.weekday()]
            weight *= 0.8 + 0.4 * i / days  # more people use the online service over time
            if day == self.today:
                weight *= elapsed / 86400
            weights.append(weight)
        for i, count_on_day in enumerate(_share(count, weights)):
            if not count_on_day:
                continue
            day = self.window_start + datetime.timedelta(days=i)
            limit = elapsed if day == self.today else 86400
            weekday = day.weekday() < 5
            seconds = []
            for _position in range(count_on_day):
                if weekday and rng.random() < 0.7:
                    second = rng.uniform(8.5 * 3600, 17.5 * 3600)
                else:
                    second = rng.uniform(7 * 3600, 23 * 3600)
                if second >= limit:
                    second = rng.random() * limit
                seconds.append(int(second))
            seconds.sort()
            midnight = local_midnight(day)
            for second in seconds:
                yield midnight + datetime.timedelta(seconds=second), None

    def _scripted_anchor(self, case: story.ScriptedCase) -> datetime.datetime:
        if case.steps:
            days_ago, at = case.steps[0].days_ago, case.steps[0].time
        else:
            days_ago, at = case.draft_days_ago, case.draft_time
        return self._at(days_ago, at)

    def _at(self, days_ago: int, at: str) -> datetime.datetime:
        hours, minutes = map(int, at.split(":"))
        return local_midnight(self.today - datetime.timedelta(days=days_ago)) + datetime.timedelta(
            hours=hours, minutes=minutes
        )

    def cases(self) -> None:
        scripted = sorted(
            ((self._scripted_anchor(c), c) for c in story.SCRIPTED_CASES), key=lambda x: x[0]
        )
        anchors = heapq.merge(
            self._anchors(self.volume.cases - len(scripted)), scripted, key=lambda x: x[0]
        )
        for at, script in anchors:
            if script is None:
                self._random_case(at)
            else:
                self._scripted_case(script)
            if len(self.buffers["case"]) >= self.chunk_size:
                self.flush("case", "receipt", "event", "decision")
                self.log(f"  {self.counts['cases.Case']} dossiers…")

    def _random_case(self, at: datetime.datetime) -> None:
        rng = self.rng
        cumulative, procedures = self.month_tables[at.month]
        procedure = procedures[bisect.bisect(cumulative, rng.random() * cumulative[-1])]
        minutes = at.hour * 60 + at.minute
        office = at.weekday() < 5 and 510 <= minutes < 1050
        pool = self.pools[procedure.organisation.id]
        if rng.random() < DRAFT_SHARE:
            person = pool.signed_in(rng)
            channel = C.HELPER if office and rng.random() < 0.15 else C.ONLINE
            self._write_case(procedure, person, channel, [], created_at=at)
            return
        office_channels, office_weights, late_channels, late_weights = procedure.channels
        if office:
            channel = rng.choices(office_channels, office_weights)[0]
        else:
            channel = rng.choices(late_channels, late_weights)[0]
        person = pool.signed_in(rng) if channel in SELF_SERVICE else pool.anyone(rng)
        age = (self.today - at.date()).days
        state = choose_state(
            rng,
            age=age,
            usual_days=procedure.usual_days,
            implicit_decision=procedure.rule.implicit_decision,
            outcomes=procedure.spec.outcomes,
        )
        arguments = {
            "submitted_at": at,
            "today": self.today,
            "now": self.now,
            "reasons": procedure.reasons,
        }
        steps = plan(rng, procedure.rule, state=state, **arguments)
        if steps is None:
            steps = plan(rng, procedure.rule, state=FALLBACK[state], **arguments)
        if channel in SELF_SERVICE:
            lead = datetime.timedelta(
                minutes=rng.randint(3, 60) if rng.random() < 0.8 else rng.randint(60, 4000)
            )
        else:
            lead = datetime.timedelta(minutes=rng.randint(2, 20))
        self._write_case(procedure, person, channel, steps, created_at=at - lead)

    def _scripted_case(self, script: story.ScriptedCase) -> None:
        procedure = self.by_code[script.procedure]
        person = self.story_people[(script.citizen, procedure.organisation.id)]
        steps: list[Step] = []
        for item in script.steps:
            if item.days_ago is None:  # the night after the decision date
                due = procedure.rule.due_on(steps[0].at.date())
                days_ago = (self.today - due).days - 1
            else:
                days_ago = item.days_ago
            steps.append(
                Step(item.transition, self._at(days_ago, item.time), item.reason, item.citizen_days)
            )
        if steps:
            created_at = steps[0].at - datetime.timedelta(minutes=25)
        else:
            created_at = self._at(script.draft_days_ago, script.draft_time)
        self._write_case(
            procedure,
            person,
            script.channel,
            steps,
            created_at=created_at,
            referent=self.named_agents.get(script.referent),
            answers=dict(script.answers),
            situation=script.situation,
        )

    def _write_case(
        self,
        procedure: _ProcedureInfo,
        person: _PersonInfo,
        channel: str,
        steps: list[Step],
        *,
        created_at: datetime.datetime,
        referent: _AgentInfo | None = None,
        answers: dict | None = None,
        situation: str | None = None,
    ) -> None:
        rng, emit = self.rng, self.buffers
        org_id, unit = procedure.organisation.id, procedure.unit
        case_id = self.take(Case)
        latitude = longitude = None
        if procedure.box:
            (south, west), (north, east) = procedure.box
            latitude = round(rng.uniform(south, north), 6)
            longitude = round(rng.uniform(west, east), 6)
        if situation is None:
            situation = rng.choice(data.SITUATIONS) if rng.random() < 0.12 else ""
        context = AnswerContext(
            person.given_name,
            person.family_name,
            person.phone,
            person.birth_place,
            created_at.date(),
            latitude,
            longitude,
        )
        form_data = ANSWERS[procedure.spec.form_key](rng, context)
        if answers:
            form_data.update(answers)
        if channel == C.HELPER:
            desk = rng.choice(procedure.organisation.helpers)
        else:
            desk = rng.choice(unit.pool)
        if not steps:  # a draft: only what the person typed so far
            author = desk.user_id if channel == C.HELPER else person.user_id
            updated = min(created_at + datetime.timedelta(minutes=rng.randint(1, 600)), self.now)
            emit["case"].append(
                (
                    case_id,
                    org_id,
                    None,
                    procedure.id,
                    procedure.version_id,
                    person.id,
                    unit.id,
                    None,
                    CaseState.DRAFT,
                    channel,
                    draft_answers(rng, form_data),
                    situation,
                    latitude,
                    longitude,
                    None,
                    None,
                    "",
                    None,
                    None,
                    0,
                    None,
                    None,
                    False,
                    author,
                    created_at,
                    updated,
                )
            )
            return
        result = replay(procedure.rule, steps)
        if result.needs_referent and referent is None:
            referent = rng.choice(unit.pool)
        submitter = person.user_id if channel in SELF_SERVICE and person.user_id else desk.user_id
        citizen_side = person.user_id or desk.user_id
        key = (org_id, result.received_on.year, procedure.spec.code)
        number = self.counters.get(key, 0) + 1
        self.counters[key] = number
        reference = format_reference(
            year=result.received_on.year, prefix=procedure.spec.code, number=number
        )
        for event in result.events:
            if event.actor == Actor.AGENT:
                actor = referent.user_id
            elif event.actor == Actor.SYSTEM:
                actor = None
            elif event.from_state == CaseState.DRAFT:
                actor = submitter
            else:
                actor = citizen_side
            emit["event"].append(
                (
                    self.take(CaseEvent),
                    org_id,
                    case_id,
                    EventKind.TRANSITION,
                    event.transition,
                    event.from_state,
                    event.to_state,
                    actor,
                    event.reason,
                    True,
                    event.data,
                    event.at,
                )
            )
        for decision in result.decisions:
            signer = None if decision.is_implicit else referent
            emit["decision"].append(
                (
                    self.take(Decision),
                    org_id,
                    case_id,
                    decision.outcome,
                    decision.is_implicit,
                    decision.reasons,
                    signer.id if signer else None,
                    signer.name if signer else "",
                    signer.title if signer else "",
                    decision.decided_on,
                    decision.appeal_deadline,
                    decision.at,
                )
            )
        emit["receipt"].append(
            (
                self.take(Receipt),
                org_id,
                case_id,
                result.submitted_at,
                result.received_on,
                result.receipt_due_on,
                procedure.rule.implicit_decision,
                procedure.spec.title,
                person.full_name,
                *procedure.receipt,
            )
        )
        emit["case"].append(
            (
                case_id,
                org_id,
                reference,
                procedure.id,
                procedure.version_id,
                person.id,
                unit.id,
                referent.id if result.needs_referent else None,
                result.state,
                channel,
                form_data,
                situation,
                latitude,
                longitude,
                result.submitted_at,
                result.received_on,
                result.implicit_decision,
                result.decision_due_on,
                result.clock_suspended_on,
                result.suspended_days,
                result.citizen_due_on,
                result.decided_at,
                result.is_appeal,
                submitter,
                created_at,
                result.events[-1].at,
            )
        )

    def reference_counters(self) -> None:
        """New submissions continue each sequence where the demo left it."""
        for (org_id, year, prefix), last in sorted(self.counters.items()):
            self.buffers["reference_counter"].append(
                (self.take(ReferenceCounter), org_id, year, prefix, last)
            )
