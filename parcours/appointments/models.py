import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parcours.cases.models import Case
from parcours.catalog.models import Procedure
from parcours.lib.local_time import territory_timezone
from parcours.organisations.models import Agent, Organisation, Unit
from parcours.people.models import Person

from .enums import (
    ACTIVE_WAITING_STATUSES,
    SEAT_HOLDING_STATUSES,
    AppointmentEventKind,
    AppointmentMode,
    AppointmentNeed,
    AppointmentStatus,
    BookingChannel,
    CancelledBy,
    WaitingStatus,
)

MAX_REMINDER_HOURS = 24 * 14


def when_display(moment: datetime.datetime, tz) -> str:
    """« lundi 4 mai 2026 à 09:30 »: a moment on a unit's clocks, in the active language."""
    local = timezone.localtime(moment, tz)
    return gettext("%(date)s à %(time)s") % {
        "date": formats.date_format(local, "l j F Y"),
        "time": formats.time_format(local, "H:i"),
    }


def default_reminder_hours() -> list[int]:
    return [48, 2]


class AppointmentTypeQuerySet(models.QuerySet):
    def bookable(self) -> "AppointmentTypeQuerySet":
        """Types a citizen may book online: active, at an active unit, for a published
        procedure or for no procedure in particular."""
        return self.filter(is_active=True, unit__is_active=True).filter(
            models.Q(procedure__isnull=True) | models.Q(procedure__is_published=True)
        )


class AppointmentType(models.Model):
    """A kind of appointment a unit offers: where (or how), how long, how many at once,
    how far ahead, and for which procedure."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="appointment_types",
        verbose_name=_("service qui reçoit"),
    )
    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointment_types",
        verbose_name=_("démarche"),
        help_text=_("Vide pour un rendez-vous sans démarche particulière (une question)."),
    )
    mode = models.CharField(_("modalité"), max_length=16, choices=AppointmentMode.choices)
    name = models.CharField(
        _("intitulé"),
        max_length=200,
        help_text=_("Ce que la personne lit, par exemple « Déposer le dossier d'inscription »."),
    )
    description = models.TextField(
        _("déroulé"), blank=True, help_text=_("Ce qui se passe pendant le rendez-vous.")
    )
    instructions = models.TextField(
        _("à savoir avant de venir"),
        blank=True,
        help_text=_(
            "Repris dans la confirmation : pièces à apporter, étage du guichet, lien de la "
            "visioconférence…"
        ),
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("durée (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacité"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_(
            "Nombre de personnes reçues en même temps : agents ou guichets consacrés à ce "
            "type de rendez-vous."
        ),
    )
    min_notice_hours = models.PositiveSmallIntegerField(
        _("réservable jusqu'à (heures avant)"),
        default=24,
        validators=[MaxValueValidator(24 * 30)],
        help_text=_("En ligne, un créneau se réserve au plus tard ce nombre d'heures avant."),
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("réservable à l'avance (jours)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Jusqu'à combien de jours à l'avance les créneaux sont ouverts."),
    )
    change_notice_hours = models.PositiveSmallIntegerField(
        _("modifiable jusqu'à (heures avant)"),
        default=2,
        validators=[MaxValueValidator(24 * 30)],
        help_text=_(
            "La personne peut annuler ou déplacer son rendez-vous en ligne jusqu'à ce nombre "
            "d'heures avant."
        ),
    )
    max_upcoming_per_person = models.PositiveSmallIntegerField(
        _("rendez-vous à venir par personne"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_(
            "Pour cette démarche (ou ce type, sans démarche) : personne ne peut retenir plus "
            "de créneaux que ce nombre."
        ),
    )
    reminder_hours = models.JSONField(
        _("rappels (heures avant)"),
        default=default_reminder_hours,
        blank=True,
        help_text=_("Par exemple [48, 2] : un rappel deux jours avant et un deux heures avant."),
    )
    is_active = models.BooleanField(_("ouvert à la réservation"), default=True)

    objects = AppointmentTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("type de rendez-vous")
        verbose_name_plural = _("types de rendez-vous")
        ordering = ["unit", "procedure", "mode", "name"]
        indexes = [models.Index(fields=["organisation", "unit", "is_active"])]

    def __str__(self):
        return f"{self.name} — {self.get_mode_display()} ({self.unit})"

    def save(self, *args, **kwargs):
        if self.organisation_id is None and self.unit_id:
            self.organisation_id = self.unit.organisation_id
        super().save(*args, **kwargs)

    def clean(self):
        if self.unit_id and self.organisation_id is None:
            self.organisation_id = self.unit.organisation_id
        if self.unit_id and self.unit.organisation_id != self.organisation_id:
            raise ValidationError({"unit": _("Le service doit relever de cette administration.")})
        if self.procedure_id and self.procedure.organisation_id != self.organisation_id:
            raise ValidationError(
                {
                    "procedure": _(
                        "La démarche doit relever de la même administration que le service."
                    )
                }
            )
        hours = self.reminder_hours
        if not isinstance(hours, list) or not all(
            isinstance(h, int) and not isinstance(h, bool) and 1 <= h <= MAX_REMINDER_HOURS
            for h in hours
        ):
            raise ValidationError(
                {
                    "reminder_hours": _(
                        "Écrivez une liste de nombres d'heures entre 1 et %(max)d, par exemple "
                        "[48, 2], ou [] pour aucun rappel."
                    )
                    % {"max": MAX_REMINDER_HOURS}
                }
            )
        self.reminder_hours = sorted(set(hours), reverse=True)

    @property
    def duration(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.duration_minutes)

    @property
    def timezone(self):
        return territory_timezone(self.unit.holiday_subdivision)

    @property
    def is_at_counter(self) -> bool:
        return self.mode == AppointmentMode.COUNTER


class Closure(models.Model):
    """An exceptional closure of a unit (works, strike, training day): no slot is open,
    and the appointments already booked in it are cancelled and the people told."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="closures", verbose_name=_("service")
    )
    starts_at = models.DateTimeField(_("fermé à partir du"))
    ends_at = models.DateTimeField(_("jusqu'au"))
    reason = models.CharField(
        _("motif"),
        max_length=300,
        help_text=_("Dit aux personnes dont le rendez-vous est annulé, par exemple « travaux »."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fermeture exceptionnelle")
        verbose_name_plural = _("fermetures exceptionnelles")
        ordering = ["unit", "starts_at"]
        indexes = [models.Index(fields=["organisation", "unit", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="closure_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.unit} — {self.reason}"


class AppointmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AppointmentQuerySet":
        """The appointments a user may see: their own as a citizen, their units' as an agent."""
        from parcours.organisations.selectors import agent_for

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        own = models.Q(person__user=user)
        agent = agent_for(user)
        if agent is None:
            return self.filter(own)
        units = models.Q(organisation_id=agent.organisation_id, unit__in=agent.units.all())
        return self.filter(own | units)

    def holding_seats(self) -> "AppointmentQuerySet":
        return self.filter(status__in=SEAT_HOLDING_STATUSES)

    def upcoming(self, now: datetime.datetime | None = None) -> "AppointmentQuerySet":
        return self.filter(status=AppointmentStatus.BOOKED, starts_at__gt=now or timezone.now())

    def overlapping(
        self, starts_at: datetime.datetime, ends_at: datetime.datetime
    ) -> "AppointmentQuerySet":
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)


class Appointment(models.Model):
    """A booked slot: one person, one seat of one appointment type, at one time."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    appointment_type = models.ForeignKey(
        AppointmentType,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("type de rendez-vous"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("service")
    )
    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("démarche"),
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("dossier"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("usager")
    )
    mode = models.CharField(_("modalité"), max_length=16, choices=AppointmentMode.choices)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    seat = models.PositiveSmallIntegerField(
        _("place"), help_text=_("Le guichet ou l'agent, de 1 à la capacité du type.")
    )
    status = models.CharField(
        _("état"),
        max_length=16,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.BOOKED,
    )
    channel = models.CharField(
        _("pris"), max_length=16, choices=BookingChannel.choices, default=BookingChannel.ONLINE
    )
    reason = models.TextField(_("motif du rendez-vous"))
    needs = models.JSONField(_("besoins pour l'accueil"), default=list, blank=True)
    interpreter_language = models.CharField(_("langue de l'interprète"), max_length=100, blank=True)
    accessibility_note = models.TextField(_("précisions sur l'accueil"), blank=True)
    documents = models.JSONField(_("pièces apportées"), default=list, blank=True)
    documents_note = models.TextField(_("autres documents apportés"), blank=True)
    email = models.EmailField(_("courriel pour la confirmation"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=32, blank=True)
    remind_by_email = models.BooleanField(_("rappel par courriel"), default=True)
    remind_by_sms = models.BooleanField(
        _("rappel par SMS souhaité"),
        default=False,
        help_text=_("Sur un téléphone mobile, aux mêmes moments que le rappel par courriel."),
    )
    agent = models.ForeignKey(
        Agent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("agent qui reçoit"),
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pris par"),
    )
    checked_in_at = models.DateTimeField(_("arrivé à"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    cancelled_by = models.CharField(
        _("annulé"), max_length=16, choices=CancelledBy.choices, blank=True
    )
    cancel_reason = models.TextField(_("motif de l'annulation"), blank=True)
    # Calendar clients replace an event with the same UID and a higher SEQUENCE.
    ics_sequence = models.PositiveIntegerField(default=0)
    # When this time was set (booked or moved): reminders due before it are not sent.
    scheduled_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(_("pris le"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("rendez-vous")
        verbose_name_plural = _("rendez-vous")
        ordering = ["starts_at", "seat"]
        constraints = [
            # Two people never hold the same seat of the same slot, whatever the
            # concurrency: the database refuses the second one.
            models.UniqueConstraint(
                fields=["appointment_type", "starts_at", "seat"],
                condition=models.Q(status__in=SEAT_HOLDING_STATUSES),
                name="appointment_one_person_per_seat",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="appointment_ends_after_start",
            ),
            models.CheckConstraint(condition=models.Q(seat__gte=1), name="appointment_seat_from_1"),
        ]
        indexes = [
            models.Index(fields=["organisation", "unit", "starts_at"]),
            models.Index(fields=["appointment_type", "starts_at"]),
            models.Index(fields=["organisation", "person", "status", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]

    def __str__(self):
        return f"{self.person} — {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def timezone(self):
        return territory_timezone(self.unit.holiday_subdivision)

    @property
    def local_starts_at(self) -> datetime.datetime:
        return timezone.localtime(self.starts_at, self.timezone)

    @property
    def local_ends_at(self) -> datetime.datetime:
        return timezone.localtime(self.ends_at, self.timezone)

    @property
    def is_booked(self) -> bool:
        return self.status == AppointmentStatus.BOOKED

    def when_display(self) -> str:
        """« lundi 4 mai 2026 à 09:30 », on the unit's clocks, in the active language."""
        return when_display(self.starts_at, self.timezone)

    def time_range_display(self) -> str:
        return f"{formats.time_format(self.local_starts_at, 'H:i')} – " + formats.time_format(
            self.local_ends_at, "H:i"
        )

    def get_needs_display(self) -> list[str]:
        labels = dict(AppointmentNeed.choices)
        lines = []
        for need in self.needs:
            if need not in labels:
                continue
            label = str(labels[need])
            if need == AppointmentNeed.INTERPRETER and self.interpreter_language:
                label = f"{label} ({self.interpreter_language})"
            lines.append(label)
        return lines

    def can_be_changed_online(self, now: datetime.datetime | None = None) -> bool:
        """May the person still cancel or move it themself?"""
        now = now or timezone.now()
        limit = self.starts_at - datetime.timedelta(hours=self.appointment_type.change_notice_hours)
        return self.is_booked and now < limit


class AppointmentEvent(models.Model):
    """Append-only history of an appointment, agents' notes included."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("nature"), max_length=16, choices=AppointmentEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Vide quand c'est la personne par son lien, ou le système."),
    )
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("événement de rendez-vous")
        verbose_name_plural = _("historique des rendez-vous")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.appointment} — {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Appointment events are append-only.")
        super().save(*args, **kwargs)


class AppointmentReminder(models.Model):
    """A reminder sent, once per appointment time and delay: the periodic job can run
    any number of times, the unique constraint keeps it from sending twice."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="reminders")
    starts_at = models.DateTimeField()
    hours_before = models.PositiveSmallIntegerField()
    sent = models.BooleanField(
        default=True, help_text=_("Faux quand un rappel plus proche l'a remplacé.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rappel de rendez-vous")
        verbose_name_plural = _("rappels de rendez-vous")
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "starts_at", "hours_before"],
                name="appointment_reminder_once",
            )
        ]

    def __str__(self):
        return f"{self.appointment} — {self.hours_before} h"


class WaitingListEntryQuerySet(models.QuerySet):
    def active(self) -> "WaitingListEntryQuerySet":
        return self.filter(status__in=ACTIVE_WAITING_STATUSES)

    def holding(self, now: datetime.datetime) -> "WaitingListEntryQuerySet":
        """Entries whose offer still holds a seat of its slot."""
        return self.filter(status=WaitingStatus.OFFERED, offer_expires_at__gt=now)


class WaitingListEntry(models.Model):
    """A person waits for a slot of a type to free up. Freed slots are offered in the
    order people joined, each for a limited time, by email."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    appointment_type = models.ForeignKey(
        AppointmentType,
        on_delete=models.CASCADE,
        related_name="waiting_list",
        verbose_name=_("type de rendez-vous"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="waiting_list", verbose_name=_("usager")
    )
    email = models.EmailField(_("courriel"))
    earliest_on = models.DateField(_("à partir du"), null=True, blank=True)
    latest_on = models.DateField(_("jusqu'au"), null=True, blank=True)
    # What the person said when joining, so that taking an offer is one click.
    details = models.JSONField(_("détails du rendez-vous"), default=dict)
    status = models.CharField(
        _("état"), max_length=16, choices=WaitingStatus.choices, default=WaitingStatus.WAITING
    )
    offered_starts_at = models.DateTimeField(_("créneau proposé"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("proposition valable jusqu'à"), null=True, blank=True)
    appointment = models.ForeignKey(
        Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("inscrit le"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WaitingListEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription en liste d'attente")
        verbose_name_plural = _("listes d'attente")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["appointment_type", "status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment_type", "person"],
                condition=models.Q(status__in=ACTIVE_WAITING_STATUSES),
                name="waiting_list_once_per_person",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=WaitingStatus.OFFERED)
                | models.Q(offered_starts_at__isnull=False, offer_expires_at__isnull=False),
                name="waiting_list_offer_has_slot",
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.appointment_type}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_WAITING_STATUSES


class EmailCode(models.Model):
    """A short code sent by email, to book without an account: whoever types it back
    owns the address. Only a hash of the code is kept."""

    email = models.EmailField()
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("code de vérification")
        verbose_name_plural = _("codes de vérification")
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self):
        return self.email
