"""The DSFR theme's settings (django-dsfr) in the admin, with their web addresses read
as https when typed without a scheme (Django 6's default, said now: django-dsfr's own
admin leaves the form fields to warn about it)."""

from django.contrib import admin
from django.db import models
from dsfr.admin import DsfrConfigAdmin, DsfrSocialMediaInline
from dsfr.models import DsfrConfig

URL_AS_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class SocialMediaInline(DsfrSocialMediaInline):
    formfield_overrides = URL_AS_HTTPS


class ThemeSettingsAdmin(DsfrConfigAdmin):
    formfield_overrides = URL_AS_HTTPS
    inlines = [SocialMediaInline]


if admin.site.is_registered(DsfrConfig):
    admin.site.unregister(DsfrConfig)
admin.site.register(DsfrConfig, ThemeSettingsAdmin)
