"""The admin shows what was said and answered; the back office's Écoute pages are
where agents act. Anonymous answers and the complaints' history are read-only."""

from django.contrib import admin

from .models import (
    AgentFeedback,
    Complaint,
    ComplaintEvent,
    Experience,
    FeedbackInvitation,
    FeedbackResponse,
    Idea,
    IdeaStatusChange,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FeedbackResponse)
class FeedbackResponseAdmin(ReadOnlyAdmin):
    list_display = [
        "created_on",
        "organisation",
        "unit",
        "procedure",
        "trigger",
        "channel",
        "satisfaction",
        "clarity",
    ]
    list_filter = ["organisation", "trigger", "channel", "satisfaction", "clarity"]


@admin.register(FeedbackInvitation)
class FeedbackInvitationAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "organisation",
        "unit",
        "trigger",
        "status",
        "sent_at",
        "answered_at",
    ]
    list_filter = ["organisation", "trigger", "status"]
    exclude = ["nonce"]


@admin.register(Experience)
class ExperienceAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "organisation",
        "unit",
        "tone",
        "status",
        "published_at",
        "replied_at",
    ]
    list_filter = ["organisation", "status", "tone"]
    search_fields = ["public_title", "public_body"]
    exclude = ["confirmation_nonce"]


class ComplaintEventInline(admin.TabularInline):
    model = ComplaintEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "actor", "visible_to_citizen"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = [
        "reference",
        "organisation",
        "unit",
        "status",
        "due_on",
        "escalated_at",
        "root_cause",
    ]
    list_filter = ["organisation", "status", "root_cause"]
    search_fields = ["reference", "subject"]
    inlines = [ComplaintEventInline]


@admin.register(AgentFeedback)
class AgentFeedbackAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "procedure", "kind", "status", "replied_at"]
    list_filter = ["organisation", "kind", "status"]


class IdeaStatusChangeInline(admin.TabularInline):
    model = IdeaStatusChange
    extra = 0
    can_delete = False
    fields = ["created_at", "from_status", "to_status", "reason", "by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Idea)
class IdeaAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "organisation",
        "procedure",
        "author_kind",
        "status",
        "support_count",
        "is_published",
    ]
    list_filter = ["organisation", "status", "author_kind", "is_published"]
    search_fields = ["title", "body"]
    inlines = [IdeaStatusChangeInline]
