from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .enums import LifeSituation
from .models import Commitment, Procedure, ProcedureVersion


class ProcedureForm(forms.ModelForm):
    """Life situations ticked from the list rather than typed as JSON."""

    life_situations = forms.MultipleChoiceField(
        label=_("situations de vie"),
        choices=LifeSituation.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Les situations dans lesquelles on cherche cette démarche (catalogue)."),
    )

    class Meta:
        model = Procedure
        # The admin shows the fields this form declares (and prepopulates the slug from
        # the title): every field of a procedure; the form only changes life_situations.
        fields = [
            "organisation",
            "code",
            "slug",
            "title",
            "summary",
            "description",
            "who_can_apply",
            "what_happens_next",
            "theme",
            "life_situations",
            "handling_unit",
            "legal_basis",
            "decision_delay",
            "decision_delay_unit",
            "implicit_decision",
            "grants_a_right",
            "retention_months",
            "document_retention_months",
            "retention_basis",
            "is_geolocated",
            "is_published",
        ]


class ProcedureVersionForm(forms.ModelForm):
    """A published version is frozen (``ProcedureVersion.save`` refuses any change): say
    so on the form rather than fail on saving. Procedures are written in the studio."""

    class Meta:
        model = ProcedureVersion
        fields = ["number", "form_definition", "required_documents", "published_at"]

    def clean(self):
        data = super().clean()
        if self.instance.pk and self.instance.published_at is not None and self.has_changed():
            raise forms.ValidationError(
                _(
                    "Cette version est publiée : elle ne peut plus être modifiée. Préparez "
                    "une nouvelle version dans l'atelier des démarches."
                )
            )
        return data


class ProcedureVersionInline(admin.StackedInline):
    model = ProcedureVersion
    form = ProcedureVersionForm
    fields = ["number", "form_definition", "required_documents", "published_at"]
    extra = 0
    # A published version is never deleted: cases point at it.
    can_delete = False


class CommitmentInline(admin.TabularInline):
    model = Commitment
    fields = ["kind", "unit", "target", "target_unit", "wording"]
    extra = 0


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "code",
        "organisation",
        "handling_unit",
        "implicit_decision",
        "is_published",
    ]
    list_filter = ["organisation", "theme", "implicit_decision", "is_published"]
    search_fields = ["title", "code", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    form = ProcedureForm
    inlines = [ProcedureVersionInline, CommitmentInline]

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            instance.organisation_id = form.instance.organisation_id
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = [
        "wording",
        "organisation",
        "unit",
        "procedure",
        "kind",
        "target",
        "target_unit",
    ]
    list_filter = ["organisation", "kind"]
