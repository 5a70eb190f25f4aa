from django.contrib import admin

from .models import Person


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "organisation", "email", "phone", "preferred_channel"]
    list_filter = ["organisation", "preferred_channel", "kind"]
    search_fields = ["family_name", "usual_name", "given_name", "email", "phone"]
    autocomplete_fields = ["user"]
