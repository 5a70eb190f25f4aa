from django.contrib import admin

from .models import AccessLogEntry, OutOfScopeAccess, RightsRequest, RightsRequestEvent


@admin.register(OutOfScopeAccess)
class OutOfScopeAccessAdmin(admin.ModelAdmin):
    """Read-only: the journal of accesses is evidence."""

    list_display = ["created_at", "agent_name", "person", "case", "reason", "expires_at"]
    list_filter = ["reason", "organisation"]
    search_fields = ["agent_name", "case__reference", "person__family_name"]
    readonly_fields = [field.name for field in OutOfScopeAccess._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RightsRequestEventInline(admin.TabularInline):
    model = RightsRequestEvent
    fields = ["created_at", "kind", "actor_name", "message"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RightsRequest)
class RightsRequestAdmin(admin.ModelAdmin):
    """The persons' requests about their data and their steps, read-only: they are
    answered in the agents' space (*Demandes sur les données*), where each step is
    told to the person; changing them here would tell them nothing."""

    list_display = ["created_at", "person", "kind", "status", "due_on", "organisation"]
    list_filter = ["status", "kind", "organisation"]
    search_fields = ["person__family_name", "person__email", "details"]
    fields = [
        "organisation",
        "person",
        "case",
        "kind",
        "details",
        "created_at",
        "due_on",
        "status",
        "handler",
        "taken_at",
        "extended_at",
        "extension_reason",
        "refusal_ground",
        "answer",
        "answered_at",
        "answered_by",
    ]
    readonly_fields = fields
    inlines = [RightsRequestEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    """The access journal, read-only: it is evidence (see manage.py verify_journal)."""

    list_display = ["created_at", "actor_name", "action", "person_id", "case_reference", "via"]
    list_filter = ["action", "via", "purpose"]
    search_fields = ["case_reference", "actor_name"]
    readonly_fields = [field.name for field in AccessLogEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
