"""Forms of the procedure studio (views/studio.py). They read and write the draft's
JSON through plain fields, so every page works without JavaScript."""

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.catalog.enums import (
    CommitmentKind,
    DelayUnit,
    FieldType,
    ImplicitDecision,
    LifeSituation,
    Theme,
)
from parcours.catalog.form_definition import (
    GROUP_ITEM_TYPES,
    GROUP_MAX_ITEMS,
    NO_VALUES,
    YES_VALUES,
)
from parcours.organisations.models import Unit
from parcours.studio.builder import name_from_label
from parcours.studio.content import MessageEvent

PRIVATE_TYPES = [
    (value, label)
    for value, label in FieldType.choices
    if value not in (FieldType.FILE, FieldType.GROUP, FieldType.LOCATION)
]


class HandlingUnitForm(forms.Form):
    """A form that names the unit receiving a new procedure's requests, among the
    active units of the administrator's organisation."""

    handling_unit = forms.ModelChoiceField(
        label=gettext_lazy("Service qui reçoit les demandes"), queryset=Unit.objects.none()
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handling_unit"].queryset = Unit.objects.filter(
            organisation=organisation, is_active=True
        ).order_by("name")


class ProcedureCreateForm(HandlingUnitForm):
    field_order = ("title", "code", "handling_unit")
    title = forms.CharField(
        label=gettext_lazy("Intitulé"),
        max_length=200,
        help_text=gettext_lazy("Dans les mots des habitants : « Inscrire un enfant à l'école »."),
    )
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=3,
        help_text=gettext_lazy(
            "Trois lettres qui figurent dans le numéro des dossiers, par exemple SCO."
        ),
    )


class PublicPageForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Intitulé"), max_length=200)
    summary = forms.CharField(label=gettext_lazy("En une phrase"), max_length=300)
    description = forms.CharField(
        label=gettext_lazy("À quoi sert cette démarche"), widget=forms.Textarea(attrs={"rows": 5})
    )
    who_can_apply = forms.CharField(
        label=gettext_lazy("Qui peut la faire"), widget=forms.Textarea(attrs={"rows": 4})
    )
    what_happens_next = forms.CharField(
        label=gettext_lazy("Ce qui se passe ensuite"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    help = forms.CharField(
        label=gettext_lazy("Aide"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Où trouver de l'aide pour faire cette démarche (guichet, téléphone)."
        ),
    )
    theme = forms.ChoiceField(label=gettext_lazy("Thème"), choices=[("", "—"), *Theme.choices])
    life_situations = forms.MultipleChoiceField(
        label=gettext_lazy("Situations de vie"),
        choices=LifeSituation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    TEXTS = ("title", "summary", "description", "who_can_apply", "what_happens_next", "help")


class LegalForm(forms.Form):
    legal_basis = forms.CharField(
        label=gettext_lazy("Base légale"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Les textes qui fondent la démarche ; ils figurent sur l'accusé de réception."
        ),
    )
    implicit_decision = forms.ChoiceField(
        label=gettext_lazy("Effet du silence à la fin du délai"), choices=ImplicitDecision.choices
    )
    decision_delay = forms.IntegerField(
        label=gettext_lazy("Délai de décision"), min_value=1, max_value=365
    )
    decision_delay_unit = forms.ChoiceField(
        label=gettext_lazy("Unité du délai"), choices=DelayUnit.choices
    )
    grants_a_right = forms.BooleanField(
        label=gettext_lazy(
            "La démarche attribue un droit (une pièce manquante n'arrête pas l'examen)"
        ),
        required=False,
    )
    can_be_rejected = forms.BooleanField(
        label=gettext_lazy("La demande peut être refusée"), required=False
    )
    appeal_routes = forms.CharField(
        label=gettext_lazy("Voies de recours"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Recours gracieux (à qui), recours hiérarchique, tribunal administratif : obligatoires si la demande peut être refusée."
        ),
    )
    is_geolocated = forms.BooleanField(
        label=gettext_lazy("Signalement d'un lieu (une position sur la carte est demandée)"),
        required=False,
    )


class FieldAddForm(forms.Form):
    label = forms.CharField(label=gettext_lazy("Question"), max_length=300)
    type = forms.ChoiceField(label=gettext_lazy("Type de réponse"), choices=FieldType.choices)

    def __init__(self, *args, private=False, **kwargs):
        super().__init__(*args, **kwargs)
        if private:
            self.fields["type"].choices = PRIVATE_TYPES


def parse_choices(text: str) -> list[dict]:
    """One choice a line: « Libellé », or « valeur = Libellé » to choose the stored value."""
    choices, taken = [], set()
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if "=" in line:
            value, label = (part.strip() for part in line.split("=", 1))
        else:
            value, label = slugify(line)[:50] or line, line
        choices.append({"value": value, "label": label})
        taken.add(value)
    return choices


def choices_text(choices: list[dict]) -> str:
    return "\n".join(f"{c.get('value')} = {c.get('label')}" for c in choices or [])


def parse_group_fields(text: str) -> list[dict]:
    """One question a line: « type : Libellé », with « * » at the end when required."""
    fields, taken = [], set()
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        kind, _sep, label = line.partition(":")
        kind, label = kind.strip(), label.strip()
        if not label:
            kind, label = FieldType.TEXT, line
        required = label.endswith("*")
        label = label.rstrip("*").strip()
        name = name_from_label(label, taken)
        taken.add(name)
        field = {"name": name, "label": label, "type": kind}
        if required:
            field["required"] = True
        fields.append(field)
    return fields


def group_fields_text(fields: list[dict]) -> str:
    return "\n".join(
        f"{f.get('type')} : {f.get('label')}{' *' if f.get('required') else ''}"
        for f in fields or []
    )


class FieldForm(forms.Form):
    """One question: its wording, help, whether it is required, its section and, by type,
    its choices, bounds, the questions of a group, and the condition that shows it."""

    label = forms.CharField(label=gettext_lazy("Question"), max_length=300)
    help = forms.CharField(
        label=gettext_lazy("Aide"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    required = forms.BooleanField(label=gettext_lazy("Réponse obligatoire"), required=False)
    step = forms.CharField(
        label=gettext_lazy("Section (page du formulaire)"),
        required=False,
        max_length=120,
        help_text=gettext_lazy("Les questions d'une même section sont posées sur la même page."),
    )
    choices = forms.CharField(
        label=gettext_lazy("Choix proposés"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Un choix par ligne. Pour fixer la valeur enregistrée : « valeur = Libellé »."
        ),
    )
    min = forms.DecimalField(label=gettext_lazy("Minimum"), required=False)
    max = forms.DecimalField(label=gettext_lazy("Maximum"), required=False)
    max_length = forms.IntegerField(
        label=gettext_lazy("Nombre de caractères au plus"),
        required=False,
        min_value=1,
        max_value=5000,
    )
    group_fields = forms.CharField(
        label=gettext_lazy("Questions de chaque ligne"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Une question par ligne, « type : Libellé », avec « * » à la fin si elle est obligatoire. "
            "Par exemple « text : Prénom * » ou « date : Date de naissance »."
        ),
    )
    min_items = forms.IntegerField(
        label=gettext_lazy("Lignes au moins"),
        required=False,
        min_value=0,
        max_value=GROUP_MAX_ITEMS,
    )
    max_items = forms.IntegerField(
        label=gettext_lazy("Lignes au plus"), required=False, min_value=1, max_value=GROUP_MAX_ITEMS
    )
    show_if_field = forms.ChoiceField(
        label=gettext_lazy("Afficher seulement si la question"), required=False
    )
    show_if_value = forms.CharField(
        label=gettext_lazy("a pour réponse"),
        required=False,
        help_text=gettext_lazy(
            "« oui » ou « non », un nombre, ou l'un des choix (son libellé ou sa valeur)."
        ),
    )

    def __init__(self, *args, spec: dict, earlier: list[dict], **kwargs):
        self.spec = spec
        self.earlier = {f["name"]: f for f in earlier}
        initial = {
            "label": spec.get("label", ""),
            "help": spec.get("help", ""),
            "required": bool(spec.get("required")),
            "step": spec.get("step", ""),
            "choices": choices_text(spec.get("choices")),
            "min": spec.get("min"),
            "max": spec.get("max"),
            "max_length": spec.get("max_length"),
            "group_fields": group_fields_text(spec.get("fields")),
            "min_items": spec.get("min_items"),
            "max_items": spec.get("max_items"),
        }
        condition = spec.get("show_if") or {}
        if condition:
            initial["show_if_field"] = condition.get("field", "")
            initial["show_if_value"] = self._condition_text(condition)
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["show_if_field"].choices = [("", _("— toujours afficher —"))] + [
            (f["name"], f["label"]) for f in earlier
        ]
        kind = spec["type"]
        unused = set()
        if kind not in (FieldType.CHOICE, FieldType.MULTIPLE_CHOICE):
            unused.add("choices")
        if kind not in (FieldType.INTEGER, FieldType.DECIMAL):
            unused |= {"min", "max"}
        if kind not in (FieldType.TEXT, FieldType.TEXTAREA, FieldType.ADDRESS):
            unused.add("max_length")
        if kind != FieldType.GROUP:
            unused |= {"group_fields", "min_items", "max_items"}
        for name in unused:
            del self.fields[name]

    def _condition_text(self, condition) -> str:
        value = condition.get("equals")
        if isinstance(value, bool):
            return _("oui") if value else _("non")
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return "" if value is None else str(value)

    def _condition_value(self, target: dict, text: str):
        kind = target["type"]
        folded = text.strip().lower()
        if kind in (FieldType.BOOLEAN, FieldType.YES_NO):
            if folded in YES_VALUES or folded in ("oui", "yes", "coché", "cochée"):
                return True
            if folded in NO_VALUES or folded in ("non", "no"):
                return False
            raise forms.ValidationError(
                _("Pour cette question, la réponse attendue est « oui » ou « non ».")
            )
        if kind == FieldType.INTEGER:
            try:
                return int(folded)
            except ValueError:
                raise forms.ValidationError(
                    _("Pour cette question, la réponse attendue est un nombre entier.")
                ) from None
        if kind in (FieldType.CHOICE, FieldType.MULTIPLE_CHOICE):
            by_label = {c["label"].lower(): c["value"] for c in target.get("choices", [])}
            values = [c["value"] for c in target.get("choices", [])]
            parts = (
                [p.strip() for p in text.split(",")]
                if kind == FieldType.MULTIPLE_CHOICE
                else [text.strip()]
            )
            chosen = []
            for part in parts:
                value = part if part in values else by_label.get(part.lower())
                if value is None:
                    raise forms.ValidationError(
                        _("« %(text)s » n'est pas un des choix de « %(label)s » (%(choices)s).")
                        % {
                            "text": part,
                            "label": target["label"],
                            "choices": ", ".join(c["label"] for c in target.get("choices", [])),
                        }
                    )
                chosen.append(value)
            return (
                [v for v in values if v in chosen]
                if kind == FieldType.MULTIPLE_CHOICE
                else chosen[0]
            )
        return text.strip()

    def clean(self):
        data = super().clean()
        target_name = data.get("show_if_field")
        if target_name:
            target = self.earlier.get(target_name)
            if target is None:
                self.add_error("show_if_field", _("Choisissez une question placée avant celle-ci."))
            elif not (data.get("show_if_value") or "").strip():
                self.add_error(
                    "show_if_value", _("Indiquez la réponse qui fait apparaître cette question.")
                )
            else:
                try:
                    data["show_if"] = {
                        "field": target_name,
                        "equals": self._condition_value(target, data["show_if_value"]),
                    }
                except forms.ValidationError as error:
                    self.add_error("show_if_value", error)
        if "choices" in self.fields:
            data["choices_list"] = parse_choices(data.get("choices", ""))
            if not data["choices_list"]:
                self.add_error("choices", _("Donnez au moins un choix, un par ligne."))
        if "group_fields" in self.fields:
            data["group_list"] = parse_group_fields(data.get("group_fields", ""))
            wrong = [f["type"] for f in data["group_list"] if f["type"] not in GROUP_ITEM_TYPES]
            if not data["group_list"]:
                self.add_error("group_fields", _("Donnez au moins une question, une par ligne."))
            elif wrong:
                self.add_error(
                    "group_fields",
                    _(
                        "Type inconnu ou interdit dans un groupe : %(types)s. Types possibles : %(allowed)s."
                    )
                    % {"types": ", ".join(wrong), "allowed": ", ".join(sorted(GROUP_ITEM_TYPES))},
                )
        low, high = data.get("min"), data.get("max")
        if low is not None and high is not None and low > high:
            self.add_error("max", _("Le maximum doit être au moins égal au minimum."))
        return data

    def updated_spec(self) -> dict:
        data = self.cleaned_data
        spec = {
            "name": self.spec["name"],
            "label": data["label"].strip(),
            "type": self.spec["type"],
        }
        for key in ("help", "step"):
            if (data.get(key) or "").strip():
                spec[key] = data[key].strip()
        if data.get("required"):
            spec["required"] = True
        if "choices_list" in data:
            spec["choices"] = data["choices_list"]
        for key in ("min", "max"):
            if data.get(key) is not None:
                number = data[key]
                spec[key] = int(number) if number == number.to_integral_value() else float(number)
        for key in ("max_length", "min_items", "max_items"):
            if data.get(key) is not None:
                spec[key] = data[key]
        if "group_list" in data:
            spec["fields"] = data["group_list"]
        if data.get("show_if"):
            spec["show_if"] = data["show_if"]
        if self.spec.get("prefill"):
            spec["prefill"] = self.spec["prefill"]
        return spec


class DocumentForm(forms.Form):
    label = forms.CharField(label=gettext_lazy("Document demandé"), max_length=300)
    code = forms.SlugField(
        label=gettext_lazy("Code"),
        max_length=60,
        required=False,
        help_text=gettext_lazy(
            "Le même code d'une démarche à l'autre permet de réutiliser un document déjà fourni "
            "(par exemple proof_of_address). Vide : tiré du libellé."
        ),
    )
    help = forms.CharField(
        label=gettext_lazy("Aide"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    required = forms.BooleanField(
        label=gettext_lazy("Document obligatoire"), required=False, initial=True
    )
    valid_days = forms.IntegerField(
        label=gettext_lazy("Validité d'un document déjà fourni (jours)"),
        min_value=0,
        max_value=3650,
        initial=365,
        help_text=gettext_lazy(
            "90 pour un justificatif de moins de trois mois ; 0 pour toujours en demander un nouveau."
        ),
    )

    def document(self) -> dict:
        data = self.cleaned_data
        code = data["code"] or slugify(data["label"]).replace("-", "_")[:60]
        return {
            "code": code,
            "label": data["label"].strip(),
            "help": (data.get("help") or "").strip(),
            "required": bool(data.get("required")),
            "valid_days": data["valid_days"],
        }


ROUTING_KINDS = [
    ("answer", gettext_lazy("selon une réponse au formulaire")),
    ("postcodes", gettext_lazy("selon le code postal")),
    ("territory", gettext_lazy("selon le territoire du service (ses codes postaux)")),
]


class DefaultUnitForm(forms.Form):
    default_unit = forms.ChoiceField(
        label=gettext_lazy("Service qui reçoit les demandes quand aucune règle ne s'applique")
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_unit"].choices = [(u.slug, u.name) for u in units]


class RoutingRuleForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("La règle porte"), choices=ROUTING_KINDS, widget=forms.RadioSelect
    )
    unit = forms.ChoiceField(label=gettext_lazy("Service qui reçoit la demande"))
    field = forms.ChoiceField(
        label=gettext_lazy("Question lue"),
        required=False,
        help_text=gettext_lazy(
            "Pour un code postal : la question où il figure (une adresse). Vide : l'adresse connue de la personne."
        ),
    )
    value = forms.CharField(
        label=gettext_lazy("Réponse attendue"),
        required=False,
        help_text=gettext_lazy(
            "Pour une règle selon une réponse : « oui », « non », un nombre ou l'un des choix."
        ),
    )
    postcodes = forms.CharField(
        label=gettext_lazy("Codes postaux"),
        required=False,
        help_text=gettext_lazy(
            "Séparés par des virgules ; un début de code vaut pour tous ceux qui commencent ainsi (451)."
        ),
    )

    def __init__(self, *args, units, fields: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.form_fields = {f["name"]: f for f in fields}
        self.fields["unit"].choices = [(u.slug, u.name) for u in units]
        self.fields["field"].choices = [("", "—")] + [(f["name"], f["label"]) for f in fields]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        rule = {"unit": data.get("unit")}
        name = data.get("field") or ""
        if kind == "answer":
            target = self.form_fields.get(name)
            if target is None:
                self.add_error(
                    "field", _("Choisissez la question dont la réponse oriente la demande.")
                )
                return data
            probe = FieldForm(
                data={"label": "x", "show_if_field": name, "show_if_value": data.get("value", "")},
                spec={"name": "probe", "type": FieldType.TEXT},
                earlier=list(self.form_fields.values()),
            )
            if not probe.is_valid():
                for message in probe.errors.get("show_if_value", []):
                    self.add_error("value", message)
                return data
            rule.update(field=name, equals=probe.cleaned_data["show_if"]["equals"])
        elif kind == "postcodes":
            codes = [c.strip() for c in (data.get("postcodes") or "").split(",") if c.strip()]
            if not codes or not all(c.isdigit() and 1 <= len(c) <= 5 for c in codes):
                self.add_error(
                    "postcodes",
                    _("Indiquez des codes postaux (chiffres), séparés par des virgules."),
                )
                return data
            rule["postcodes"] = codes
            if name:
                rule["field"] = name
        elif kind == "territory":
            rule["territory"] = True
            if name:
                rule["field"] = name
        data["rule"] = rule
        return data


class CommitmentForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Objet"), choices=CommitmentKind.choices)
    target = forms.IntegerField(label=gettext_lazy("Délai promis"), min_value=1, max_value=365)
    target_unit = forms.ChoiceField(
        label=gettext_lazy("Unité"), choices=DelayUnit.choices, initial=DelayUnit.WORKING_DAYS
    )
    wording = forms.CharField(
        label=gettext_lazy("Formulation publiée"),
        max_length=300,
        help_text=gettext_lazy(
            "La phrase que lisent les habitants : « Nous répondons à vos messages sous 5 jours ouvrés. »"
        ),
    )


class MessagesForm(forms.Form):
    """A subject and a text per event; empty: the platform's default message."""

    def __init__(self, *args, messages: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for event, label in MessageEvent.choices:
            stored = messages.get(event) or {}
            self.fields[f"{event}_subject"] = forms.CharField(
                label=_("%(event)s : objet") % {"event": label},
                required=False,
                max_length=120,
                initial=stored.get("subject", ""),
            )
            self.fields[f"{event}_body"] = forms.CharField(
                label=_("%(event)s : texte") % {"event": label},
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                initial=stored.get("body", ""),
            )

    def pairs(self):
        return [
            (self[f"{event}_subject"], self[f"{event}_body"], label)
            for event, label in MessageEvent.choices
        ]

    def messages(self) -> dict:
        result = {}
        for event in MessageEvent.values:
            subject = (self.cleaned_data.get(f"{event}_subject") or "").strip()
            body = (self.cleaned_data.get(f"{event}_body") or "").strip()
            if subject or body:
                if not body:
                    self.add_error(
                        f"{event}_body", _("Écrivez le texte du message, ou effacez son objet.")
                    )
                result[event] = {"subject": subject, "body": body}
        return result


class ImportForm(HandlingUnitForm):
    field_order = ("file", "code", "handling_unit")

    file = forms.FileField(
        label=gettext_lazy("Fichier de la démarche (JSON)"),
        help_text=gettext_lazy(
            "Un fichier exporté depuis Parcours, décrit dans la documentation (procedure-format)."
        ),
    )
    code = forms.CharField(label=gettext_lazy("Code de la démarche chez vous"), max_length=3)
