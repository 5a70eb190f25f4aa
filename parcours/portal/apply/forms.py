"""The application form, generated from a procedure version's form definition.

The definition is split into steps; each step is a Django form built on the fly. The
fields keep what the person typed, as typed, so that a draft can be saved even when it
is wrong; the definition's own rules (``form_definition.clean_answers``) say what is
wrong and how to fix it, with the same messages as on submission.
"""

from dataclasses import dataclass, field
from itertools import repeat

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.catalog import form_definition
from parcours.catalog.enums import FieldType

FIELDS_PER_STEP = 5
SITUATION_MAX_LENGTH = 5000
SITUATION_SPEC = {
    "name": "situation",
    "type": FieldType.TEXTAREA,
    "label": gettext_lazy("Ce que vous voulez nous dire de votre situation"),
    "help": gettext_lazy(
        "Facultatif. Vous pouvez expliquer ici, avec vos mots, ce qui compte pour votre "
        "demande : la personne qui l'examinera le lira."
    ),
    "max_length": SITUATION_MAX_LENGTH,
}

INPUT_TYPES = {
    FieldType.TEXT: "text",
    FieldType.EMAIL: "email",
    FieldType.PHONE: "tel",
    FieldType.DATE: "date",
    FieldType.INTEGER: "text",
    FieldType.DECIMAL: "text",
}
INPUT_MODES = {FieldType.INTEGER: "numeric", FieldType.DECIMAL: "decimal"}


# ---------------------------------------------------------------------------
# Steps


@dataclass
class Step:
    number: int
    title: str
    names: list[str] = field(default_factory=list)


def steps_of(definition: dict) -> list[Step]:
    """The steps of a form: fields that name a step (``"step": "Votre enfant"``) go
    together, in the order where each step first appears; the others are grouped by
    ``FIELDS_PER_STEP`` in their order."""
    steps: list[Step] = []
    titled: dict[str, Step] = {}
    untitled: Step | None = None
    for spec in definition.get("fields", []):
        title = spec.get("step")
        if title:
            step = titled.get(title)
            if step is None:
                step = titled[title] = Step(number=0, title=title)
                steps.append(step)
            untitled = None
        else:
            if untitled is None or len(untitled.names) >= FIELDS_PER_STEP:
                untitled = Step(number=0, title="")
                steps.append(untitled)
            step = untitled
        step.names.append(spec["name"])
    parts = [step for step in steps if not step.title]
    for position, step in enumerate(parts, start=1):
        if len(steps) == 1:
            step.title = _("Votre demande")
        else:
            step.title = _("Votre demande, partie %(n)s") % {"n": position}
    for number, step in enumerate(steps, start=1):
        step.number = number
    return steps


def visible_names(definition: dict, answers: dict) -> list[str]:
    return [spec["name"] for spec in form_definition.visible_fields(definition, answers)]


# ---------------------------------------------------------------------------
# Forms


class AnswerField(forms.Field):
    """Keeps the value as typed: the definition's rules check it, in ``StepForm.clean``."""

    def __init__(self, spec: dict, **kwargs):
        super().__init__(
            required=False,
            label=spec["label"],
            help_text=spec.get("help", ""),
            widget=widget_for(spec),
            **kwargs,
        )
        self.spec = spec

    def to_python(self, value):
        return value


class GroupWidget(forms.Widget):
    """A repeatable group's lines, read from ``<name>-<line>-<question>`` inputs."""

    def __init__(self, spec: dict):
        super().__init__()
        self.spec = spec

    def value_from_datadict(self, data, files, name):
        rows = []
        for line in range(form_definition.GROUP_MAX_ITEMS + 1):
            keys = [f"{name}-{line}-{item['name']}" for item in self.spec.get("fields", [])]
            if not any(key in data for key in keys):
                continue
            row = {}
            for item, key in zip(self.spec.get("fields", []), keys, strict=True):
                if item["type"] == FieldType.MULTIPLE_CHOICE:
                    row[item["name"]] = data.getlist(key) if hasattr(data, "getlist") else []
                else:
                    row[item["name"]] = data.get(key)
            rows.append(row)
        return rows

    def value_omitted_from_data(self, data, files, name):
        return False


def widget_for(spec: dict) -> forms.Widget:
    kind = spec["type"]
    if kind == FieldType.GROUP:
        return GroupWidget(spec)
    if kind == FieldType.FILE:
        return forms.ClearableFileInput
    if kind == FieldType.YES_NO:
        return forms.RadioSelect(choices=[("yes", _("Oui")), ("no", _("Non"))])
    choices = [(c["value"], c["label"]) for c in spec.get("choices", [])]
    if kind in (FieldType.TEXTAREA, FieldType.ADDRESS):
        return forms.Textarea
    if kind == FieldType.BOOLEAN:
        return forms.CheckboxInput
    if kind == FieldType.CHOICE:
        return forms.RadioSelect(choices=choices)
    if kind == FieldType.MULTIPLE_CHOICE:
        return forms.CheckboxSelectMultiple(choices=choices)
    if kind == FieldType.LOCATION:
        return forms.MultiWidget(widgets={"lat": forms.TextInput, "lng": forms.TextInput})
    return forms.TextInput


def as_stored(spec: dict, value):
    """What is saved in the draft for a value read from the page, even if it is wrong."""
    kind = spec["type"]
    if kind == FieldType.BOOLEAN:
        return bool(value)
    if kind == FieldType.YES_NO:
        return {"yes": True, "no": False}.get(value, "" if value is None else str(value))
    if kind == FieldType.FILE:
        # The file itself is attached by the view; the answer names the document.
        return value if isinstance(value, dict) else ""
    if kind == FieldType.GROUP:
        return [
            {
                item["name"]: as_stored(item, row.get(item["name"]))
                for item in spec.get("fields", [])
            }
            for row in value or []
            if isinstance(row, dict)
        ]
    if kind == FieldType.MULTIPLE_CHOICE:
        return [str(v) for v in value or []]
    if kind == FieldType.LOCATION:
        lat, lng = ((str(v or "").strip().replace(",", ".")) for v in (value or ["", ""]))
        return {"lat": lat, "lng": lng} if lat or lng else ""
    return "" if value is None else str(value)


def without_condition(spec: dict) -> dict:
    return {key: value for key, value in spec.items() if key != "show_if"}


class StepForm(forms.Form):
    """One step of the application: its fields, built from their definition."""

    def __init__(
        self,
        *args,
        specs: list[dict],
        checked: set[str] | None = None,
        origins: dict | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.specs = specs
        # The fields checked on this submission: those still shown after the answers
        # given. None checks every field of the step.
        self.checked = checked
        # Where the values shown come from, by field name ("tell us once", see
        # ``cases.prefill.origins``): said next to the field; a certified identity is
        # shown read-only.
        self.origins = origins or {}
        # Answers the view sets itself: a file question's document, once attached.
        self.overrides: dict = {}
        for spec in specs:
            self.fields[spec["name"]] = AnswerField(spec)

    def answers(self) -> dict:
        """The values typed, as they are saved in the draft; less a group's line when its
        "remove" button was the one pressed."""
        answers = {spec["name"]: as_stored(spec, self[spec["name"]].data) for spec in self.specs}
        name, line = removed_line(self.data.get("action", "") if self.is_bound else "")
        rows = answers.get(name)
        if isinstance(rows, list) and line.isdigit() and int(line) < len(rows):
            answers[name] = rows[: int(line)] + rows[int(line) + 1 :]
        return {**answers, **{k: v for k, v in self.overrides.items() if k in answers}}

    def clean(self):
        answers = self.answers()
        specs = [
            without_condition(spec)
            for spec in self.specs
            if self.checked is None or spec["name"] in self.checked
        ]
        try:
            form_definition.clean_answers(
                {"fields": specs}, {spec["name"]: answers[spec["name"]] for spec in specs}
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        return self.cleaned_data

    def show_errors(self, errors: dict) -> None:
        """Show errors found elsewhere (on submission) on this unbound form."""
        self.full_clean()
        for name, messages in errors.items():
            if name in self.fields:
                self._errors[name] = self.error_class(messages)

    def items(self) -> list[dict]:
        """What the template needs to draw each field accessibly, whatever its type."""
        return [self._item(spec) for spec in self.specs]

    def _item(self, spec: dict) -> dict:
        bound = self[spec["name"]]
        value = bound.data if self.is_bound else self.initial.get(spec["name"])
        field_id = bound.auto_id
        hint_id = f"{field_id}-hint" if spec.get("help") else ""
        error_id = f"{field_id}-error" if bound.errors else ""
        origin = self.origins.get(spec["name"])
        origin_id = f"{field_id}-origin" if origin else ""
        readonly = bool(origin and origin.certified)
        if readonly:
            value = origin.value
        kind = spec["type"]
        item = {
            "bound": bound,
            "kind": kind,
            "name": bound.html_name,
            "id": field_id,
            "label": spec["label"],
            "help": spec.get("help", ""),
            "required": bool(spec.get("required")),
            "errors": bound.errors,
            "hint_id": hint_id,
            "error_id": error_id,
            "describedby": " ".join(filter(None, [hint_id, origin_id, error_id])),
            "origin": origin,
            "origin_id": origin_id,
            "readonly": readonly,
            "input_type": INPUT_TYPES.get(kind, "text"),
            "input_mode": INPUT_MODES.get(kind, ""),
            "is_group": kind
            in (FieldType.CHOICE, FieldType.MULTIPLE_CHOICE, FieldType.LOCATION, FieldType.YES_NO),
            "anchor": field_id,
            "value": "",
        }
        if kind == FieldType.BOOLEAN:
            item["checked"] = value in (True, "true", "on", "1", 1)
        elif kind == FieldType.YES_NO:
            item["choices"] = [
                {
                    "id": f"{field_id}_{position}",
                    "value": code,
                    "label": label,
                    "checked": value
                    in (form_definition.YES_VALUES if code == "yes" else form_definition.NO_VALUES),
                }
                for position, (code, label) in enumerate([("yes", _("Oui")), ("no", _("Non"))])
            ]
            item["anchor"] = f"{field_id}_0"
        elif kind == FieldType.FILE:
            item["file"] = value if isinstance(value, dict) else None
        elif kind == FieldType.GROUP:
            item["lines"] = self._lines(
                spec, value, field_id, bound.html_name, with_errors=bool(bound.errors)
            )
            item["can_add"] = len(item["lines"]) < spec.get(
                "max_items", form_definition.GROUP_MAX_ITEMS
            )
            # Wrong lines are said next to their questions (and in the page's summary):
            # the group itself is then not marked, which would mark its right lines too.
            item["errors_in_lines"] = any(
                sub["errors"] for line in item["lines"] for sub in line["items"]
            )
            if item["errors_in_lines"]:
                item["error_id"] = ""
                item["describedby"] = hint_id
                # The summary's links lead to each wrong question, in the group's order.
                anchors = [
                    sub["anchor"]
                    for line in item["lines"]
                    for sub in line["items"]
                    for _message in sub["errors"]
                ]
                if len(anchors) == len(bound.errors):
                    item["error_anchors"] = anchors
            item["anchor"] = field_id
        elif kind in (FieldType.CHOICE, FieldType.MULTIPLE_CHOICE):
            selected = value if isinstance(value, list) else [value]
            selected = [str(v) for v in selected if v not in (None, "")]
            item["choices"] = [
                {
                    "id": f"{field_id}_{position}",
                    "value": choice["value"],
                    "label": choice["label"],
                    "checked": str(choice["value"]) in selected,
                }
                for position, choice in enumerate(spec["choices"])
            ]
            item["anchor"] = f"{field_id}_0"
        elif kind == FieldType.LOCATION:
            if isinstance(value, dict):
                lat, lng = value.get("lat", ""), value.get("lng", "")
            elif isinstance(value, list | tuple) and len(value) == 2:
                lat, lng = value
            else:
                lat = lng = ""
            item["lat"] = {"id": f"{field_id}_lat", "name": f"{bound.html_name}_lat", "value": lat}
            item["lng"] = {"id": f"{field_id}_lng", "name": f"{bound.html_name}_lng", "value": lng}
            item["anchor"] = item["lat"]["id"]
        else:
            item["value"] = "" if value is None else str(value)
        return item

    def _lines(
        self, spec: dict, value, field_id: str, html_name: str, *, with_errors: bool
    ) -> list[dict]:
        """A group's lines as typed, and one spare line to add another (within the
        maximum): each question of a line drawn like a field of its own (by the same
        template), with what is wrong in it next to it when the group has errors."""
        rows = [row for row in value if isinstance(row, dict)] if isinstance(value, list) else []
        # What was typed is read as it is saved; what comes from the draft already is.
        answers = as_stored(spec, rows) if self.is_bound else rows
        wrong = form_definition.group_line_errors(spec, answers) if with_errors else {}
        high = spec.get("max_items", form_definition.GROUP_MAX_ITEMS)
        count = min(max(len(rows) + 1, spec.get("min_items", 0), 1), high)
        lines = []
        for line in range(count):
            row = rows[line] if line < len(rows) else {}
            items = []
            for sub in spec.get("fields", []):
                sub_id = f"{field_id}-{line}-{sub['name']}"
                sub_value = row.get(sub["name"])
                sub_errors = wrong.get(line, {}).get(sub["name"], [])
                sub_hint_id = f"{sub_id}-hint" if sub.get("help") else ""
                sub_error_id = f"{sub_id}-error" if sub_errors else ""
                sub_item = {
                    "kind": sub["type"],
                    "id": sub_id,
                    "name": f"{html_name}-{line}-{sub['name']}",
                    "label": sub["label"],
                    "help": sub.get("help", ""),
                    "hint_id": sub_hint_id,
                    "error_id": sub_error_id,
                    "describedby": " ".join(filter(None, [sub_hint_id, sub_error_id])),
                    "required": bool(sub.get("required")),
                    "input_type": INPUT_TYPES.get(sub["type"], "text"),
                    "input_mode": INPUT_MODES.get(sub["type"], ""),
                    "value": "" if sub_value is None else str(sub_value),
                    "checked": sub_value in (True, "true", "on", "1", 1),
                    "errors": sub_errors,
                    # Drawn by the same template as the step's own fields.
                    "is_group": sub["type"]
                    in (FieldType.CHOICE, FieldType.MULTIPLE_CHOICE, FieldType.YES_NO),
                    "anchor": sub_id,
                    "origin": None,
                    "origin_id": "",
                    "readonly": False,
                }
                if sub["type"] in (FieldType.CHOICE, FieldType.MULTIPLE_CHOICE, FieldType.YES_NO):
                    options = (
                        [("yes", _("Oui")), ("no", _("Non"))]
                        if sub["type"] == FieldType.YES_NO
                        else [(c["value"], c["label"]) for c in sub.get("choices", [])]
                    )
                    chosen = sub_value if isinstance(sub_value, list) else [sub_value]
                    if sub["type"] == FieldType.YES_NO:
                        chosen = [
                            "yes"
                            if sub_value in form_definition.YES_VALUES
                            else "no"
                            if sub_value in form_definition.NO_VALUES
                            else ""
                        ]
                    sub_item["anchor"] = f"{sub_id}_0"
                    sub_item["choices"] = [
                        {
                            "id": f"{sub_id}_{position}",
                            "value": option,
                            "label": option_label,
                            "checked": str(option)
                            in [str(c) for c in chosen if c not in (None, "")],
                        }
                        for position, (option, option_label) in enumerate(options)
                    ]
                items.append(sub_item)
            lines.append(
                {
                    "number": line + 1,
                    "items": items,
                    # A line already typed can be taken out (the spare line is left blank).
                    "remove": f"{REMOVE_LINE}{spec['name']}:{line}" if line < len(rows) else "",
                }
            )
        return lines


ADD_LINE = "add_row"  # the value of the add button in _field.html
REMOVE_LINE = "remove_row:"


def removed_line(action: str) -> tuple[str, str]:
    """``(group name, line)`` when the button pressed takes a group's line out
    (``remove_row:<name>:<line>``), else empty strings."""
    if not action.startswith(REMOVE_LINE):
        return "", ""
    name, _sep, line = action.removeprefix(REMOVE_LINE).rpartition(":")
    return name, line


def changes_lines(action: str) -> bool:
    """The button pressed adds a line to a group or takes one out: the page comes back
    with the answers saved, nothing checked yet."""
    return action == ADD_LINE or action.startswith(REMOVE_LINE)


def error_summary(items) -> list[dict]:
    """The page's summary of what to correct: each message and the address of the input
    it is about (a group's wrong lines, the question of each)."""
    return [
        {"anchor": anchor, "message": message}
        for item in items
        for message, anchor in zip(
            item["errors"], item.get("error_anchors") or repeat(item["anchor"]), strict=False
        )
    ]


# ---------------------------------------------------------------------------
# The review page


def answer_display(spec: dict, value) -> str:
    """An answer as the person will read it on the review page (and the agents on the
    case): ``form_definition.display_answer``."""
    return form_definition.display_answer(spec, value)
