"""The appointments of the demo: appointment types for a few procedures of the story
(and one for help at France Services), then slots booked around today, from the units'
opening hours, as the booking rules allow (one seat per person, no hoarding).

The rows go through the generator's sinks like the rest; slots come from the same
calendar code as the site (``parcours.appointments.slots``).
"""

import datetime
import uuid
from dataclasses import dataclass

from parcours.appointments.enums import (
    AppointmentEventKind,
    AppointmentMode,
    AppointmentNeed,
    AppointmentStatus,
    BookingChannel,
    CancelledBy,
)
from parcours.appointments.models import Appointment, AppointmentEvent, AppointmentType
from parcours.appointments.slots import day_grid
from parcours.organisations.models import Unit

from . import story
from .records import PersonInfo
from .timeline import PARIS

DAYS_BEFORE = 10
DAYS_AFTER = 21
MAX_UPCOMING_PER_PERSON = 4


@dataclass(frozen=True)
class TypeSpec:
    organisation: str  # OrganisationSpec.slug
    unit: str  # UnitSpec.slug
    procedure: str | None  # procedure code of the story, or None for no procedure
    mode: str
    name: str
    description: str
    instructions: str
    duration: int
    capacity: int
    reasons: tuple[str, ...]
    fill: float  # share of the slots booked in the coming week


M = AppointmentMode
TYPES = (
    TypeSpec(
        story.VILLE.slug,
        "education",
        "SCO",
        M.COUNTER,
        "Déposer le dossier d'inscription scolaire",
        "Un agent vérifie le dossier avec vous et l'enregistre.",
        "Apportez le livret de famille, un justificatif de domicile de moins de trois mois "
        "et le carnet de vaccination de l'enfant. Accueil au rez-de-chaussée de l'hôtel de ville.",
        30,
        2,
        (
            "Inscrire mon fils en petite section.",
            "Inscription en CP après un déménagement.",
            "Déposer le dossier de ma fille.",
        ),
        0.6,
    ),
    TypeSpec(
        story.VILLE.slug,
        "education",
        "SCO",
        M.PHONE,
        "Poser une question sur l'inscription",
        "Un agent vous appelle au numéro que vous indiquez.",
        "Gardez votre numéro de dossier sous la main, si vous en avez un.",
        15,
        1,
        ("Quelle école pour notre rue ?", "Dérogation de secteur.", "Pièce manquante."),
        0.4,
    ),
    TypeSpec(
        story.VILLE.slug,
        "citoyennete",
        "ACC",
        M.COUNTER,
        "Faire valider une attestation d'accueil",
        "Un agent vérifie l'attestation et les justificatifs.",
        "Apportez une pièce d'identité, un justificatif de domicile et un titre de propriété "
        "ou un bail. Le timbre fiscal s'achète en ligne.",
        20,
        2,
        ("Accueil de ma mère cet été.", "Visite d'un ami pour trois semaines."),
        0.45,
    ),
    TypeSpec(
        story.VILLE.slug,
        "france-services",
        None,
        M.COUNTER,
        "Être accompagné dans une démarche en ligne",
        "Un conseiller France Services fait la démarche avec vous, à votre rythme.",
        "Apportez vos identifiants (impots.gouv.fr, ameli…) si vous les avez, et les "
        "courriers reçus.",
        45,
        3,
        (
            "Déclarer mes revenus en ligne.",
            "Créer mon compte ameli.",
            "Demande de carte grise.",
            "Prime d'activité.",
        ),
        0.55,
    ),
    TypeSpec(
        story.DEPARTEMENT.slug,
        "habitat",
        "LOG",
        M.COUNTER,
        "Préparer sa demande de logement social",
        "Une conseillère relit la demande avec vous et vous dit ce qu'il manque.",
        "Apportez votre dernier avis d'imposition et vos trois derniers bulletins de salaire.",
        45,
        2,
        ("Première demande.", "Renouveler ma demande.", "Logement trop petit depuis la naissance."),
        0.5,
    ),
    TypeSpec(
        story.DEPARTEMENT.slug,
        "habitat",
        "LOG",
        M.VIDEO,
        "Faire le point sur sa demande de logement",
        "Un entretien en visioconférence, depuis un ordinateur ou un téléphone.",
        "Le lien de la visioconférence vous est envoyé par courriel la veille.",
        30,
        1,
        ("Où en est ma demande ?", "Changement de situation familiale."),
        0.35,
    ),
    TypeSpec(
        story.CAISSE.slug,
        "aides-logement",
        "AID",
        M.PHONE,
        "Faire le point sur son aide au logement",
        "Un conseiller vous appelle.",
        "Gardez votre numéro d'allocataire sous la main.",
        20,
        2,
        ("Mon aide a baissé.", "Déménagement le mois prochain.", "Trop-perçu."),
        0.5,
    ),
)

NEEDS_NOTE = {
    AppointmentNeed.INTERPRETER: "arabe",
    AppointmentNeed.SIGN_LANGUAGE: "",
    AppointmentNeed.REDUCED_MOBILITY: "",
}


class AppointmentWriterMixin:
    """The appointment part of the generator's builder (see ``generator._Builder``): it
    uses ``rng``, ``now``, ``today``, ``orgs``, ``by_code``, ``pools``, ``story_people``,
    ``logins``, and writes through ``buffers``, ``take`` and ``flush``."""

    def appointments(self) -> None:
        self.appointment_types = []
        emit = self.buffers
        for spec in TYPES:
            org = self.orgs.get(spec.organisation)
            if org is None or spec.unit not in org.units:
                continue
            procedure = self.by_code.get(spec.procedure) if spec.procedure else None
            unit = org.units[spec.unit]
            type_id = self.take(AppointmentType)
            emit["appointment_type"].append(
                (
                    type_id,
                    org.id,
                    unit.id,
                    procedure.id if procedure else None,
                    spec.mode,
                    spec.name,
                    spec.description,
                    spec.instructions,
                    spec.duration,
                    spec.capacity,
                    24,
                    30,
                    2,
                    1,
                    [48, 2],
                    True,
                )
            )
            self.appointment_types.append((type_id, spec, org, unit, procedure))
        self.flush("appointment_type")
        self.seats_held: dict[tuple[int, datetime.datetime], set[int]] = {}
        upcoming: dict[int, int] = {}  # person id -> upcoming appointments
        held: set[tuple[int, object]] = set()  # (person id, procedure or type) upcoming
        for type_id, spec, org, unit, procedure in self.appointment_types:
            self._book_slots(type_id, spec, org, unit, procedure, upcoming, held)
        self._story_appointments(upcoming, held)

    def _grid(self, spec: TypeSpec, unit_info, day: datetime.date):
        periods: dict[int, list[tuple[datetime.time, datetime.time]]] = {}
        for weekday, opens, closes in unit_info.spec.hours:
            periods.setdefault(weekday, []).append(
                (datetime.time.fromisoformat(opens), datetime.time.fromisoformat(closes))
            )
        shape = AppointmentType(
            unit=Unit(holiday_subdivision=""), duration_minutes=spec.duration, mode=spec.mode
        )
        return day_grid(shape, day, periods)

    def _book_slots(self, type_id, spec, org, unit, procedure, upcoming, held) -> None:
        rng = self.rng
        people = self.pools[org.id].everyone
        key_of = procedure.id if procedure else ("type", type_id)
        for offset in range(-DAYS_BEFORE, DAYS_AFTER + 1):
            day = self.today + datetime.timedelta(days=offset)
            if offset < 0:
                fill = 0.65
            elif offset <= 7:
                fill = spec.fill
            else:
                fill = spec.fill * 0.4
            for starts_at, ends_at in self._grid(spec, unit, day):
                for seat in range(1, spec.capacity + 1):
                    if rng.random() >= fill:
                        continue
                    person = rng.choice(people)
                    future = starts_at > self.now
                    if future and (
                        (person.id, key_of) in held
                        or upcoming.get(person.id, 0) >= MAX_UPCOMING_PER_PERSON
                    ):
                        continue
                    status = self._status(future)
                    if future and status == AppointmentStatus.BOOKED:
                        held.add((person.id, key_of))
                        upcoming[person.id] = upcoming.get(person.id, 0) + 1
                    self._appointment(
                        type_id,
                        spec,
                        org,
                        unit,
                        procedure,
                        person,
                        starts_at,
                        ends_at,
                        seat,
                        status,
                    )
        self.flush("appointment", "appointment_event")

    def _status(self, future: bool) -> str:
        draw = self.rng.random()
        if future:
            return AppointmentStatus.CANCELLED if draw < 0.08 else AppointmentStatus.BOOKED
        if draw < 0.8:
            return AppointmentStatus.CHECKED_IN
        if draw < 0.92:
            return AppointmentStatus.NO_SHOW
        return AppointmentStatus.CANCELLED

    def _appointment(
        self,
        type_id: int,
        spec: TypeSpec,
        org,
        unit,
        procedure,
        person: PersonInfo,
        starts_at: datetime.datetime,
        ends_at: datetime.datetime,
        seat: int,
        status: str,
        *,
        channel: str | None = None,
        reason: str | None = None,
    ) -> int:
        rng, emit = self.rng, self.buffers
        appointment_id = self.take(Appointment)
        lead = datetime.timedelta(hours=rng.randint(26, 24 * 12))
        booked_at = min(starts_at - lead, self.now - datetime.timedelta(minutes=30))
        if channel is None:
            channel = rng.choices(
                (BookingChannel.ONLINE, BookingChannel.PHONE, BookingChannel.COUNTER),
                (70, 20, 10),
            )[0]
        agent = rng.choice(unit.pool) if unit.pool else None
        booked_by = (
            person.user_id
            if channel == BookingChannel.ONLINE
            else (agent.user_id if agent else None)
        )
        needs, language = [], ""
        if rng.random() < 0.08:
            need = rng.choice(list(NEEDS_NOTE))
            needs, language = [str(need)], NEEDS_NOTE[need]
        cancelled_at = cancelled_by = None
        cancel_reason = ""
        if status == AppointmentStatus.CANCELLED:
            cancelled_at = booked_at + (min(starts_at, self.now) - booked_at) * rng.random()
            cancelled_by = CancelledBy.PERSON
            cancel_reason = rng.choice(("", "Empêchée ce jour-là.", "Démarche faite en ligne."))
        checked_in_at = None
        if status == AppointmentStatus.CHECKED_IN:
            checked_in_at = starts_at - datetime.timedelta(minutes=rng.randint(0, 10))
        if status != AppointmentStatus.CANCELLED:
            self.seats_held.setdefault((type_id, starts_at), set()).add(seat)
        email = person.email
        emit["appointment"].append(
            (
                appointment_id,
                org.id,
                uuid.UUID(int=rng.getrandbits(128), version=4),
                type_id,
                unit.id,
                procedure.id if procedure else None,
                person.id,
                spec.mode,
                starts_at,
                ends_at,
                seat,
                status,
                channel,
                reason or rng.choice(spec.reasons),
                needs,
                language,
                email,
                person.phone,
                bool(email),
                agent.id if agent and status == AppointmentStatus.CHECKED_IN else None,
                booked_by,
                checked_in_at,
                cancelled_at,
                cancelled_by or "",
                cancel_reason,
                booked_at,
                booked_at,
                cancelled_at or checked_in_at or booked_at,
            )
        )
        events = [(AppointmentEventKind.BOOKED, booked_by, booked_at, "")]
        if status == AppointmentStatus.CHECKED_IN:
            events.append(
                (
                    AppointmentEventKind.CHECKED_IN,
                    agent.user_id if agent else None,
                    checked_in_at,
                    "",
                )
            )
        elif status == AppointmentStatus.NO_SHOW:
            noted = starts_at + datetime.timedelta(minutes=20)
            events.append(
                (AppointmentEventKind.NO_SHOW, agent.user_id if agent else None, noted, "")
            )
        elif status == AppointmentStatus.CANCELLED:
            events.append(
                (AppointmentEventKind.CANCELLED, person.user_id, cancelled_at, cancel_reason)
            )
        for kind, actor, at, note in events:
            emit["appointment_event"].append(
                (self.take(AppointmentEvent), org.id, appointment_id, kind, actor, note, {}, at)
            )
        return appointment_id

    def _free_seat_from(self, type_id, spec, unit, in_days: int):
        """The first slot with a free seat from ``in_days`` days on, at 10:00 or later."""
        for offset in range(in_days, DAYS_AFTER + 1):
            day = self.today + datetime.timedelta(days=offset)
            for starts_at, ends_at in self._grid(spec, unit, day):
                if starts_at.astimezone(PARIS).hour < 10:
                    continue
                taken = self.seats_held.get((type_id, starts_at), set())
                free = [seat for seat in range(1, spec.capacity + 1) if seat not in taken]
                if free:
                    return starts_at, ends_at, free[0]
        return None

    def _story_appointments(self, upcoming, held) -> None:
        """The demo's citizens each have an appointment coming: Alice at the counter for
        the school enrolment, Bruno by video about his housing request."""
        wanted = [(story.ALICE, "SCO", M.COUNTER, 3), (story.BRUNO, "LOG", M.VIDEO, 5)]
        for citizen, code, mode, in_days in wanted:
            found = [
                t
                for t in self.appointment_types
                if t[4] is not None and t[4].spec.code == code and t[1].mode == mode
            ]
            if not found:
                continue
            type_id, spec, org, unit, procedure = found[0]
            person = self.story_people.get((citizen.email, org.id))
            if person is None or (person.id, procedure.id) in held:
                continue
            slot = self._free_seat_from(type_id, spec, unit, in_days)
            if slot is None:
                continue
            starts_at, ends_at, seat = slot
            self._appointment(
                type_id,
                spec,
                org,
                unit,
                procedure,
                person,
                starts_at,
                ends_at,
                seat,
                AppointmentStatus.BOOKED,
                channel=BookingChannel.ONLINE,
                reason=spec.reasons[0],
            )
            held.add((person.id, procedure.id))
        self.flush("appointment", "appointment_event")
