from django.contrib import admin

from .models import DataSharingConsent, IdentityDispute, Person


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "organisation", "email", "phone", "preferred_channel"]
    list_filter = ["organisation", "preferred_channel", "kind"]
    search_fields = ["family_name", "usual_name", "given_name", "email", "phone"]
    autocomplete_fields = ["user"]


@admin.register(IdentityDispute)
class IdentityDisputeAdmin(admin.ModelAdmin):
    list_display = ["person", "field", "proposed_value", "organisation", "status", "created_at"]
    list_filter = ["status", "field", "organisation"]
    search_fields = ["person__family_name", "person__given_name", "proposed_value"]
    raw_id_fields = ["person", "user"]
    readonly_fields = ["created_at"]


@admin.register(DataSharingConsent)
class DataSharingConsentAdmin(admin.ModelAdmin):
    """Evidence of what each person agreed to pass on: looked at, never edited."""

    list_display = ["person", "what", "organisation", "given_at", "withdrawn_at"]
    list_filter = ["organisation"]
    search_fields = ["person__family_name", "person__given_name", "what"]
    list_select_related = ["person", "organisation"]
    raw_id_fields = ["person", "user", "source_case", "target_case", "document"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
