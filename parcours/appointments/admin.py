"""Administrators set appointment types and declare closures here (docs/appointments.md).

Appointments and waiting lists are read-only: every change goes through the services,
which record who did what. A closure is declared through ``closure_create``, which
cancels the appointments booked in it and tells the people.
"""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .errors import AppointmentError
from .models import Appointment, AppointmentEvent, AppointmentType, Closure, WaitingListEntry
from .services import closure_create, may_manage_unit


@admin.register(AppointmentType)
class AppointmentTypeAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "mode",
        "unit",
        "procedure",
        "duration_minutes",
        "capacity",
        "horizon_days",
        "is_active",
    ]
    list_filter = ["organisation", "mode", "is_active"]
    search_fields = ["name", "unit__name", "procedure__title"]
    autocomplete_fields = ["procedure"]
    fieldsets = [
        (None, {"fields": ["unit", "procedure", "mode", "name", "description", "instructions"]}),
        (gettext_lazy("Créneaux"), {"fields": ["duration_minutes", "capacity"]}),
        (
            gettext_lazy("Fenêtre de réservation et équité"),
            {
                "fields": [
                    "min_notice_hours",
                    "horizon_days",
                    "change_notice_hours",
                    "max_upcoming_per_person",
                ]
            },
        ),
        (gettext_lazy("Rappels"), {"fields": ["reminder_hours"]}),
        (None, {"fields": ["is_active"]}),
    ]

    def save_model(self, request, obj, form, change):
        if obj.organisation_id is None:
            obj.organisation_id = obj.unit.organisation_id
        super().save_model(request, obj, form, change)


class ClosureForm(forms.ModelForm):
    class Meta:
        model = Closure
        fields = ["unit", "starts_at", "ends_at", "reason"]

    def clean(self):
        data = super().clean()
        unit = data.get("unit")
        if unit is not None and not may_manage_unit(self.user, unit):
            raise forms.ValidationError(
                _("Seuls les responsables du service peuvent déclarer une fermeture.")
            )
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("La fin de la fermeture doit suivre son début."))
        return data


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    form = ClosureForm
    list_display = ["unit", "starts_at", "ends_at", "reason", "created_by"]
    list_filter = ["organisation", "unit"]
    date_hierarchy = "starts_at"

    def has_change_permission(self, request, obj=None):
        # A closure is declared once; its cancellations cannot be undone by editing it.
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def save_model(self, request, obj, form, change):
        try:
            closure, cancelled = closure_create(
                unit=obj.unit,
                starts_at=obj.starts_at,
                ends_at=obj.ends_at,
                reason=obj.reason,
                by=request.user,
            )
        except AppointmentError as error:  # checked by the form: only a race gets here
            self.message_user(request, error.message, messages.ERROR)
            raise
        obj.pk = closure.pk
        obj.organisation_id = closure.organisation_id
        obj.created_at = closure.created_at
        self.message_user(
            request,
            ngettext(
                "%(count)d rendez-vous annulé ; la personne est prévenue par courriel.",
                "%(count)d rendez-vous annulés ; chaque personne est prévenue par courriel.",
                len(cancelled),
            )
            % {"count": len(cancelled)},
            messages.SUCCESS,
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AppointmentEventInline(admin.TabularInline):
    model = AppointmentEvent
    fields = ["created_at", "kind", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    list_display = ["starts_at", "person", "appointment_type", "unit", "status", "channel"]
    list_filter = ["organisation", "status", "mode", "channel"]
    search_fields = ["person__family_name", "person__given_name", "email"]
    date_hierarchy = "starts_at"
    inlines = [AppointmentEventInline]


@admin.register(WaitingListEntry)
class WaitingListEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "person", "appointment_type", "status", "offered_starts_at"]
    list_filter = ["organisation", "status"]
