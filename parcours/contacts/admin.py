from django.contrib import admin

from .models import MessageTemplate


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    """The plain-language templates agents start from; also kept by the managers in the
    back-office (``/agents/modeles/``)."""

    list_display = ["title", "organisation", "procedure", "is_active", "updated_at"]
    list_filter = ["organisation", "is_active"]
    search_fields = ["title", "body"]
    autocomplete_fields = ["procedure"]
