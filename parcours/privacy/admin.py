from django.contrib import admin

from .models import OutOfScopeAccess


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
