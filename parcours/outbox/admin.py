from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import OutboxMessage
from .services import masked_arguments, outbox_retry


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """What left, what waits, what failed for good: read-only, with one action."""

    list_display = ["idempotency_key", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["idempotency_key", "request_id"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    # The arguments are shown with their secrets (one-time codes) masked.
    fields = readonly_fields = [
        "shown_arguments" if field.name == "arguments" else field.name
        for field in OutboxMessage._meta.fields
        if field.name != "id"
    ]

    @admin.display(description=_("arguments"))
    def shown_arguments(self, obj):
        return masked_arguments(obj)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Renvoyer les envois en échec définitif"), permissions=["retry"])
    def retry(self, request, queryset):
        count = outbox_retry(queryset=queryset)
        self.message_user(
            request,
            ngettext("%(count)d envoi remis en file.", "%(count)d envois remis en file.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def has_retry_permission(self, request):
        return request.user.is_superuser
