"""Demo data at any volume: one code path for ``load_demo`` (2,000 cases) and ``seed``
(a million and more).

The story (``story``, ``catalogue``) is written once; the population and the cases are
drawn from a seeded random generator, so the same seed and the same day give the same
data. Cases are generated in the order they were submitted, so their references
follow each other like real ones, and every case goes through ``timeline.replay``,
which applies the life-cycle rules the services apply.
"""

import datetime
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from random import Random

from dateutil.relativedelta import relativedelta
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.models import User
from parcours.cases.enums import CaseChannel
from parcours.catalog.models import Commitment, Procedure, ProcedureVersion
from parcours.organisations.enums import AgentRole
from parcours.organisations.models import Agent, OpeningHours, Organisation, Unit
from parcours.people.enums import AccessibilityNeed, Channel, Language, PersonKind
from parcours.people.models import Person
from parcours.studio.models import VersionContent

from . import data, story
from .appointment_writer import AppointmentWriterMixin
from .case_writer import CHANNEL_WEIGHTS, SELF_SERVICE, CaseWriterMixin
from .catalogue import GENERAL_COMMITMENTS, procedure_specs
from .records import (
    AgentInfo,
    OrganisationInfo,
    PersonInfo,
    Pool,
    ProcedureInfo,
    ProcedureReasons,
    UnitInfo,
    share,
)
from .sinks import analyze, make_sink, next_ids, reset_sequences
from .tables import table_specs
from .timeline import (
    PARIS,
    DemoRandom,
    Rule,
    local_midnight,
)

HISTORY_MONTHS = 14


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
        if self.agents_per_unit < 1:
            raise ValueError(_("Il faut au moins un agent généré par service."))
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
    specs = table_specs()
    builder = _Builder(volume, seed=seed, now=now or timezone.now(), specs=specs, sink=sink)
    builder.chunk_size = chunk_size
    builder.log = log or (lambda message: None)
    model_list = [spec.model for spec in specs.values()]
    with transaction.atomic():
        builder.ids = next_ids(model_list)
        with sink.session(specs.values()):
            builder.run()
        reset_sequences(model_list)
    builder.log(_("Statistiques du planificateur (ANALYZE)…"))
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


def _mobile(n: int) -> str:
    return f"06 39 98 {n // 100 % 100:02d} {n % 100:02d}"


def _landline(n: int) -> str:
    return f"02 61 91 {n // 100 % 100:02d} {n % 100:02d}"


class _Builder(CaseWriterMixin, AppointmentWriterMixin):
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
        self.log(_("Administrations, services et comptes…"))
        self.organisations()
        self.accounts()
        self.catalogue()
        self.flush()
        self.log(_("%(n)s usagers…") % {"n": self.volume.people})
        self.people()
        self.flush()
        self.log(_("%(n)s dossiers…") % {"n": self.volume.cases})
        self.cases()
        self.flush()
        self.reference_counters()
        self.flush()
        self.log(_("Rendez-vous…"))
        self.appointments()
        self.flush()

    # -- organisations, accounts, catalogue -----------------------------------

    def organisations(self) -> None:
        self.orgs: dict[str, OrganisationInfo] = {}
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
                units[unit.slug] = UnitInfo(unit_id, org_id, unit)
            self.orgs[spec.slug] = OrganisationInfo(org_id, spec, units)

    def _user(self, email, password, given, family, joined, *, superuser=False) -> int:
        user_id = self.take(User)
        self.buffers["user"].append(
            (user_id, password, None, superuser, email, given, family, superuser, True, joined)
        )
        return user_id

    def _agent(self, user_id, org, unit_slugs, role, title, name, phone) -> AgentInfo:
        agent_id = self.take(Agent)
        self.buffers["agent"].append((agent_id, user_id, org.id, role, title, phone, True))
        info = AgentInfo(agent_id, user_id, name, title, role)
        for slug in unit_slugs:
            unit = org.units[slug]
            self.buffers["agent_units"].append((self.take(Agent.units.through), agent_id, unit.id))
            unit.agents.append(info)
            # Helpers (aidants) act for citizens, never for the administration: they
            # neither review nor decide. Organisation admins supervise.
            if role in (AgentRole.AGENT, AgentRole.UNIT_MANAGER):
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
        self.named_agents: dict[str, AgentInfo] = {}
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
            if not org.helpers:
                org.helpers = [a for u in org.units.values() for a in u.pool]

    def catalogue(self) -> None:
        emit = self.buffers
        created = local_midnight(self.window_start - datetime.timedelta(days=200))
        created += datetime.timedelta(hours=10)
        published = created + datetime.timedelta(days=170)
        self.procedures: list[ProcedureInfo] = []
        for org in self.orgs.values():
            for kind, target, unit, wording in GENERAL_COMMITMENTS:
                emit["commitment"].append(
                    (self.take(Commitment), org.id, None, None, kind, target, unit, wording)
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
                    list(spec.life_situations),
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
            # The rest of the file (legal settings, appeal routes, private fields,
            # routing, messages), as the studio's import keeps it with the version.
            emit["version_content"].append(
                (self.take(VersionContent), org.id, version_id, spec.content, published)
            )
            for kind, target, target_unit, wording in spec.commitments:
                emit["commitment"].append(
                    (
                        self.take(Commitment),
                        org.id,
                        None,
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
                (str(CaseChannel.ONLINE), 1.0)
            ]
            box = None
            if spec.is_geolocated:
                (south, west), (north, east) = data.BELLERIVE_BOX
                shift_lat = 0.08 * (org.spec.variant % 10)
                shift_lng = 0.12 * (org.spec.variant // 10 % 10)
                box = ((south + shift_lat, west + shift_lng), (north + shift_lat, east + shift_lng))
            self.procedures.append(
                ProcedureInfo(
                    id=procedure_id,
                    version_id=version_id,
                    spec=spec,
                    organisation=org,
                    unit=unit,
                    rule=rule,
                    usual_days=(due - self.today).days if due else spec.usual_days,
                    reasons=ProcedureReasons(spec, unit.spec.phone),
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
        self.month_tables: dict[int, tuple[list[float], list[ProcedureInfo]]] = {}
        for month in range(1, 13):
            cumulative, total = [], 0.0
            for procedure in self.procedures:
                total += procedure.spec.weight * dict(procedure.spec.season).get(month, 1.0)
                cumulative.append(total)
            self.month_tables[month] = (cumulative, self.procedures)

    # -- people -----------------------------------------------------------------

    def people(self) -> None:
        emit = self.buffers
        self.pools: dict[int, Pool] = {org.id: Pool() for org in self.orgs.values()}
        self.story_people: dict[tuple[str, int], PersonInfo] = {}
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
                self.story_people[(citizen.email, org.id)] = PersonInfo(
                    person_id,
                    self.logins[citizen.email],
                    f"{citizen.given_name} {citizen.family_name}",
                    citizen.given_name,
                    citizen.family_name,
                    citizen.phone,
                    citizen.birth_place,
                    birth_date=datetime.date.fromisoformat(citizen.birth_date),
                    email=citizen.email,
                    street=citizen.street,
                    postcode=citizen.postcode,
                    city=citizen.city,
                )
        orgs = list(self.orgs.values())
        remaining = self.volume.people - len(self.story_people)
        shares = share(remaining, [org.spec.weight for org in orgs])
        index = 0
        for org, count in zip(orgs, shares, strict=True):
            for n in range(count):
                index += 1
                self._person(org, index, force_account=n == 0)
                if len(emit["person"]) >= self.chunk_size:
                    self.flush("user", "person")

    def _person(self, org: OrganisationInfo, index: int, *, force_account: bool) -> None:
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
        info = PersonInfo(
            person_id,
            user_id,
            f"{given} {usual or family}",
            given,
            family,
            phone,
            birth_place,
            birth_date=birth,
            email=email,
            street=street,
            postcode=postcode,
            city=city,
        )
        pool = self.pools[org.id]
        pool.everyone.append(info)
        if user_id:
            pool.online.append(info)

    # -- cases ------------------------------------------------------------------
