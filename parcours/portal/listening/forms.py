from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.lib.forms import LongTextField
from parcours.listening.enums import Clarity, Satisfaction

COMMENT_MAX_LENGTH = 2_000


def long_text(label, help_text, *, required=True, max_length=COMMENT_MAX_LENGTH, rows=5, **kwargs):
    return LongTextField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "max_length": _(
                "Votre texte compte %(show_value)d caractères : raccourcissez-le à "
                "%(limit_value)d caractères au plus."
            ),
            **kwargs.pop("error_messages", {}),
        },
        **kwargs,
    )


class FeedbackForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("Dans l'ensemble, comment cela s'est-il passé pour vous ?"),
        choices=[(value, label) for value, label in reversed(Satisfaction.choices)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choisissez une réponse, de « Très content » à « Très mécontent ».")
        },
    )
    clarity = forms.ChoiceField(
        label=_("Les informations reçues étaient-elles claires ?"),
        choices=Clarity.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Dites-nous si les informations étaient claires.")},
    )
    comment = long_text(
        _("Voulez-vous ajouter quelque chose ? (facultatif)"),
        _(
            "Ce qui a bien marché, ce qui serait à améliorer. N'indiquez pas de données "
            "personnelles : elles seraient masquées. 2 000 caractères au plus."
        ),
        required=False,
    )


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return f"{unit.organisation.name} — {unit.name}"


class ExperienceForm(forms.Form):
    unit = UnitChoiceField(
        label=_("Le service concerné"),
        queryset=None,
        empty_label=_("Choisissez un service"),
        error_messages={"required": _("Choisissez le service concerné par votre expérience.")},
    )
    procedure = forms.ModelChoiceField(
        label=_("La démarche concernée (facultatif)"),
        queryset=None,
        required=False,
        empty_label=_("Aucune en particulier"),
    )
    channel = forms.ChoiceField(
        label=_("Comment étiez-vous en contact ?"),
        choices=[],
        widget=forms.RadioSelect,
        error_messages={"required": _("Dites-nous comment vous étiez en contact avec le service.")},
    )
    tone = forms.ChoiceField(
        label=_("Votre expérience était plutôt…"),
        choices=[],
        widget=forms.RadioSelect,
        error_messages={"required": _("Dites-nous si l'expérience était bonne ou mauvaise.")},
    )
    happened_on = forms.DateField(
        label=_("Quand cela s'est-il passé ? (facultatif)"),
        help_text=_("Par exemple 12/11/2026."),
        required=False,
        error_messages={
            "invalid": _("Écrivez la date sous la forme jj/mm/aaaa, par exemple 12/11/2026.")
        },
    )
    title = forms.CharField(
        label=_("Un titre pour votre expérience"),
        max_length=150,
        error_messages={
            "required": _("Donnez un titre à votre expérience."),
            "max_length": _("Le titre compte %(show_value)d caractères : 150 au plus."),
        },
    )
    body = long_text(
        _("Racontez ce qui s'est passé"),
        _(
            "Ce qui a bien ou mal marché, et ce qui aurait pu être mieux. Ne donnez pas de "
            "nom, d'adresse ni de numéro : nous les masquons avant publication. "
            "4 000 caractères au plus."
        ),
        max_length=4_000,
        rows=8,
        error_messages={"required": _("Racontez votre expérience en quelques mots.")},
    )
    pseudonym = forms.CharField(
        label=_("Signature publique (facultatif)"),
        help_text=_("Par exemple « Une mère de famille » ou « Un retraité ». Jamais votre nom."),
        max_length=60,
        required=False,
    )
    email = forms.EmailField(
        label=_("Votre adresse électronique"),
        help_text=_("Pour confirmer votre expérience et recevoir la réponse. Jamais publiée."),
        required=False,
        error_messages={
            "invalid": _("Écrivez une adresse électronique complète, par exemple nom@exemple.fr.")
        },
    )

    def __init__(self, *args, signed_in: bool, **kwargs):
        from parcours.catalog.models import Procedure
        from parcours.listening.enums import ExperienceTone
        from parcours.organisations.models import Unit
        from parcours.people.enums import Channel

        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (
            Unit.objects.filter(is_active=True)
            .select_related("organisation")
            .order_by("organisation__name", "name")
        )
        self.fields["procedure"].queryset = Procedure.objects.published().order_by("title")
        self.fields["channel"].choices = [
            (c.value, c.label)
            for c in (
                Channel.ONLINE,
                Channel.COUNTER,
                Channel.PHONE,
                Channel.EMAIL,
                Channel.POST,
                Channel.HELPER,
            )
        ]
        self.fields["tone"].choices = ExperienceTone.choices
        if signed_in:
            del self.fields["email"]
        else:
            self.fields["email"].required = True
            self.fields["email"].error_messages["required"] = _(
                "Indiquez votre adresse électronique : nous vous enverrons un lien pour confirmer."
            )


class ComplaintForm(forms.Form):
    unit = UnitChoiceField(
        label=_("Le service concerné"),
        queryset=None,
        empty_label=_("Choisissez un service"),
        error_messages={"required": _("Choisissez le service concerné par votre réclamation.")},
    )
    cases = forms.ModelMultipleChoiceField(
        label=_("Les dossiers concernés (facultatif)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    subject = forms.CharField(
        label=_("L'objet de votre réclamation"),
        max_length=200,
        error_messages={"required": _("Indiquez en quelques mots l'objet de votre réclamation.")},
    )
    description = long_text(
        _("Ce qui s'est passé"),
        _("Les faits, les dates, les personnes rencontrées. 4 000 caractères au plus."),
        max_length=4_000,
        rows=8,
        error_messages={"required": _("Décrivez ce qui s'est passé.")},
    )
    expected = long_text(
        _("Ce que vous attendez de nous (facultatif)"),
        _("Une correction, des excuses, une explication… 2 000 caractères au plus."),
        required=False,
        rows=3,
    )

    def __init__(self, *args, user, **kwargs):
        from parcours.cases.models import Case
        from parcours.organisations.models import Unit

        super().__init__(*args, **kwargs)
        organisations = user.people.values("organisation")
        self.fields["unit"].queryset = (
            Unit.objects.filter(is_active=True, organisation__in=organisations)
            .select_related("organisation")
            .order_by("organisation__name", "name")
        )
        self.fields["cases"].queryset = (
            Case.objects.filter(person__user=user, reference__isnull=False)
            .select_related("procedure")
            .order_by("-submitted_at")
        )
        self.fields["cases"].label_from_instance = lambda case: (
            f"{case.reference} — {case.procedure.title}"
        )


class IdeaForm(forms.Form):
    procedure = forms.ModelChoiceField(
        label=_("La démarche à améliorer (facultatif)"),
        queryset=None,
        required=False,
        empty_label=_("Le service en général"),
    )
    title = forms.CharField(
        label=_("Votre idée en une phrase"),
        max_length=150,
        error_messages={"required": _("Donnez un titre à votre idée.")},
    )
    body = long_text(
        _("Expliquez votre idée"),
        _("Ce qui gêne aujourd'hui, ce que vous proposez. 4 000 caractères au plus."),
        max_length=4_000,
        rows=6,
        error_messages={"required": _("Expliquez votre idée en quelques mots.")},
    )

    def __init__(self, *args, organisation, **kwargs):
        from parcours.catalog.models import Procedure

        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = Procedure.objects.published().filter(
            organisation=organisation
        )


class CommentForm(forms.Form):
    body = long_text(
        _("Votre commentaire"),
        _("2 000 caractères au plus. Les noms, adresses et numéros sont masqués."),
        rows=3,
        error_messages={"required": _("Écrivez votre commentaire.")},
    )
