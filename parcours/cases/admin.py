"""Cases are read-only in the admin: every change goes through the life-cycle services,
which record who did what and why. The admin is for looking, not for editing."""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from .models import Case, CaseCorrection, CaseEvent, Decision, MarginUse, Receipt
from .prefill import origins


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    fields = ["created_at", "kind", "transition", "from_state", "to_state", "actor", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = [
        "reference",
        "procedure",
        "person",
        "unit",
        "state",
        "channel",
        "decision_due_on",
    ]
    list_filter = ["organisation", "state", "channel", "procedure"]
    search_fields = ["reference", "person__family_name", "person__email"]
    list_select_related = ["procedure", "person", "unit"]
    date_hierarchy = "created_at"
    inlines = [CaseEventInline]
    readonly_fields = ["prefilled_origins"]

    @admin.display(description=_("réponses reprises de ce que l'administration savait"))
    def prefilled_origins(self, case):
        definition = case.procedure_version.form_definition or {}
        labels = {field.get("name"): field.get("label") for field in definition.get("fields", [])}
        found = [
            (labels.get(name) or name, origin.agent_text)
            for name, origin in origins(
                definition=definition, offered={}, records=case.prefilled, values=case.form_data
            ).items()
        ]
        return format_html_join("", "<p>{} : {}</p>", found) or "—"


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["case", "outcome", "is_implicit", "decided_on", "signer_name"]
    list_filter = ["outcome", "is_implicit"]
    list_select_related = ["case"]
    # A private file has no URL to link to: the letter is read on the portal.
    exclude = ["letter_pdf"]


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ["case", "received_on", "decision_due_on", "implicit_decision"]
    list_select_related = ["case"]
    exclude = ["pdf"]  # private, without a URL, like the decision letter


@admin.register(CaseCorrection)
class CaseCorrectionAdmin(ReadOnlyAdmin):
    """The person's corrections of their answers, each with the answers it replaced."""

    list_display = ["case", "by", "created_at"]
    list_filter = ["organisation"]
    search_fields = ["case__reference"]
    list_select_related = ["case", "by"]
    date_hierarchy = "created_at"
    fields = ["case", "organisation", "by", "created_at", "explanation", "changes"]
    readonly_fields = fields


@admin.register(MarginUse)
class MarginUseAdmin(ReadOnlyAdmin):
    """The margins of manoeuvre agents used, with their reasons (``margins.py``)."""

    list_display = ["case", "kind", "agent", "unit", "created_at"]
    list_filter = ["organisation", "kind", "unit"]
    search_fields = ["case__reference", "reason"]
    list_select_related = ["case", "agent__user", "unit"]
    date_hierarchy = "created_at"
    fields = ["case", "organisation", "unit", "kind", "agent", "by", "reason", "details"]
    readonly_fields = fields
