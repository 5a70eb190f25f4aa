"""API tokens in the admin: make one for an agent (shown once), see when each was last
used, revoke. The token itself is never stored, so never shown again."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import ApiToken
from .services import ApiTokenError, api_token_check, api_token_create, api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "agent", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["organisation", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "agent__user__email", "agent__user__last_name"]
    list_select_related = ["agent__user"]
    autocomplete_fields = ["agent"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["agent", "name"]
        return ["agent", "name", "prefix", "created_at", "last_used_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["agent", "prefix", "created_at", "last_used_at", "revoked_at"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None:

            class CreateForm(form):
                def clean(self):
                    cleaned = super().clean()
                    try:
                        api_token_check(agent=cleaned.get("agent"), name=cleaned.get("name", ""))
                    except ApiTokenError as error:
                        raise ValidationError({error.field or "agent": error.message}) from None
                    return cleaned

            return CreateForm
        return form

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        record, token = api_token_create(agent=obj.agent, name=obj.name)
        obj.pk = record.pk
        obj.refresh_from_db()
        messages.warning(
            request,
            _(
                "Jeton « %(name)s » créé pour %(agent)s. Copiez-le maintenant, il ne sera "
                "plus jamais affiché : %(token)s"
            )
            % {"name": record.name, "agent": record.agent, "token": token},
        )

    def has_delete_permission(self, request, obj=None):
        # Revoked, not deleted: its last use stays on record.
        return False

    @admin.action(description=gettext_lazy("Révoquer les jetons choisis"))
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(token=token)
        messages.success(request, _("Jetons révoqués."))
