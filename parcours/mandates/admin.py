from django.contrib import admin

from .models import Mandate, MandateAct


class MandateActInline(admin.TabularInline):
    model = MandateAct
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "description", "case", "actor"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Mandate)
class MandateAdmin(admin.ModelAdmin):
    """Read-only: mandates are created with the person present and revoked by them."""

    list_display = ["person_name", "helper", "starts_on", "ends_on", "confirmed_at", "revoked_at"]
    list_filter = ["organisation"]
    search_fields = ["family_name", "given_name", "email"]
    exclude = ["code_hash", "signature"]
    inlines = [MandateActInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in self.exclude] + [
            "procedures"
        ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
