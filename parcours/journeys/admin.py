from django.contrib import admin

from .models import Journey, JourneyCase, JourneyEvent, LifeEvent, LifeEventStep, Suggestion


class LifeEventStepInline(admin.StackedInline):
    model = LifeEventStep
    fk_name = "life_event"
    extra = 1
    fields = [
        "position",
        "procedure",
        "explanation",
        "condition",
        "after_step",
        "answer_field",
        "answer_value",
    ]
    autocomplete_fields = ["procedure"]
    ordering = ["position"]


@admin.register(LifeEvent)
class LifeEventAdmin(admin.ModelAdmin):
    """Define a life event: its steps across administrations, their order and
    conditions, and the unit that coordinates its journeys (docs/journeys.md)."""

    list_display = ["title", "organisation", "referent_unit", "is_published"]
    list_filter = ["is_published", "organisation"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [LifeEventStepInline]

    def save_formset(self, request, form, formset, change):
        for step in formset.save(commit=False):
            step.organisation_id = form.instance.organisation_id
            step.save()
        for step in formset.deleted_objects:
            step.delete()
        formset.save_m2m()


class JourneyCaseInline(admin.TabularInline):
    model = JourneyCase
    extra = 0
    fields = ["step", "case"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class JourneyEventInline(admin.TabularInline):
    """The journey's history: append-only, read here."""

    model = JourneyEvent
    extra = 0
    fields = ["created_at", "kind", "actor", "reason"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Journey)
class JourneyAdmin(admin.ModelAdmin):
    list_display = ["life_event", "user", "referent", "started_at", "closed_at", "outcome"]
    list_filter = ["life_event", "outcome"]
    # Ending a journey goes through its services (the person's or the referent's page),
    # which record the event: the dates and outcome are read-only here.
    readonly_fields = [
        "life_event",
        "user",
        "started_at",
        "organisation",
        "closed_at",
        "outcome",
        "closing_reason",
    ]
    fields = [
        "organisation",
        "life_event",
        "user",
        "referent",
        "started_at",
        "closed_at",
        "outcome",
        "closing_reason",
    ]
    inlines = [JourneyCaseInline, JourneyEventInline]

    def has_add_permission(self, request):
        return False


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["procedure", "user", "decided_case", "created_at", "dismissed_at"]
    readonly_fields = [
        "organisation",
        "user",
        "decided_case",
        "step",
        "journey",
        "procedure",
        "explanation",
        "dismissed_at",
    ]

    def has_add_permission(self, request):
        return False
