from django.contrib import admin
from django.db import models

from .models import Agent, OpeningHours, Organisation, Unit


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "email", "phone"]
    list_filter = ["kind"]
    search_fields = ["name", "siret"]
    prepopulated_fields = {"slug": ["name"]}
    # A website typed without its scheme is read as https (Django 6's default, said now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    fields = ["weekday", "opens_at", "closes_at"]
    extra = 0


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "city", "phone", "is_active"]
    list_filter = ["organisation", "is_active"]
    search_fields = ["name", "city", "postcode"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OpeningHoursInline]


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organisation", "role", "title", "is_active"]
    list_filter = ["organisation", "role", "is_active"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    filter_horizontal = ["units"]
    autocomplete_fields = ["user"]
