from django.contrib import admin

from .models import Open311Key, Open311Request


@admin.register(Open311Key)
class Open311KeyAdmin(admin.ModelAdmin):
    """Read-only: keys are made and revoked in the back-office (or with
    ``manage.py open311_key``), where the key is shown once."""

    list_display = [
        "name",
        "prefix",
        "organisation",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["organisation"]
    readonly_fields = [f.name for f in Open311Key._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Open311Request)
class Open311RequestAdmin(admin.ModelAdmin):
    list_display = ["case", "key", "address_string", "created_at"]
    list_select_related = ["case", "key"]
    readonly_fields = [f.name for f in Open311Request._meta.fields]
    search_fields = ["case__reference", "token"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
