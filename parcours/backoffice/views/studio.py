"""The procedure studio: organisation administrators write, preview and publish their
administration's procedures (docs/procedures.md).

Every view takes the procedure from ``studio.selectors.procedures_for(agent)``: an
administrator of another organisation gets a 404, any other role the back-office's
polite 403. Every change goes to the procedure's draft through ``studio.services``; the
published version is never touched.
"""

import json
from functools import wraps
from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from parcours.catalog.enums import FieldType
from parcours.catalog.form_definition import clean_answers, display_answer, visible_fields
from parcours.catalog.models import Commitment, FrozenVersion, Procedure, delay_display
from parcours.organisations.enums import AgentRole
from parcours.organisations.models import Unit
from parcours.portal.apply.forms import StepForm, changes_lines, error_summary
from parcours.portal.apply.views import Plan
from parcours.portal.catalogue.views import documents_of
from parcours.studio import builder, checklist, exchange, services
from parcours.studio.content import apply_to_procedure, version_content
from parcours.studio.diff import version_diff
from parcours.studio.errors import StudioError
from parcours.studio.readability import analyse
from parcours.studio.routing import unit_for as routing_unit_for
from parcours.studio.selectors import draft_version, procedures_for, published_versions

from ..decorators import agent_required
from ..studio_forms import (
    CommitmentForm,
    DefaultUnitForm,
    DocumentForm,
    FieldAddForm,
    FieldForm,
    ImportForm,
    LegalForm,
    MessagesForm,
    ProcedureCreateForm,
    PublicPageForm,
    RoutingRuleForm,
)

admin_required = agent_required(roles={AgentRole.ORGANISATION_ADMIN})

SECTION_TITLES = {
    "public": gettext_lazy("Page publique"),
    "form": gettext_lazy("Formulaire"),
    "private": gettext_lazy("Champs réservés aux agents"),
    "documents": gettext_lazy("Documents demandés"),
    "routing": gettext_lazy("Orientation des demandes"),
    "legal": gettext_lazy("Cadre légal"),
    "commitments": gettext_lazy("Engagements de service"),
    "messages": gettext_lazy("Messages aux usagers"),
}


def _procedure(request, pk) -> Procedure:
    return get_object_or_404(procedures_for(request.agent), pk=pk)


def _units(procedure):
    return Unit.objects.filter(organisation_id=procedure.organisation_id, is_active=True).order_by(
        "name"
    )


def _section_url(procedure, section: str) -> str:
    return reverse(f"backoffice:studio_{section}", args=[procedure.pk])


def editing_draft(view):
    """For the pages that write the draft: the view gets the procedure (of the
    administrator's organisation, 404 otherwise) and its draft; without a draft, the
    administrator goes back to the overview, told to open one."""

    @wraps(view)
    def wrapper(request, pk, *args, **kwargs):
        procedure = _procedure(request, pk)
        draft = draft_version(procedure)
        if draft is None:
            messages.info(
                request,
                _("La version publiée ne se modifie pas : préparez d'abord une nouvelle version."),
            )
            return redirect("backoffice:studio_procedure", pk=procedure.pk)
        return view(request, procedure, draft, *args, **kwargs)

    return wrapper


def _posted_position(request, items: list, key: str | None = None) -> int:
    """The item a list button names: by its ``key`` (a question's name, a document's
    code) or by its place in the list; any other is a 404."""
    if key is not None:
        try:
            return builder.index_of(items, key, request.POST.get(key, ""))
        except StudioError:
            raise Http404 from None
    position = request.POST.get("position", "")
    if not position.isdecimal() or int(position) >= len(items):
        raise Http404
    return int(position)


def _content_form(request, draft, key: str, form_class, saved_message: str):
    """A form over one section of the draft's content (the public page, the legal
    settings), saved on a valid POST. Returns the form and whether it was saved."""
    content = version_content(draft)
    form = form_class(data=request.POST or None, initial=content[key])
    if request.method == "POST" and form.is_valid():
        content[key].update(form.cleaned_data)
        if _save(request, draft, content=content):
            messages.success(request, saved_message)
            return form, True
    return form, False


def _save(request, version, **changes) -> bool:
    try:
        services.draft_save(version=version, by=request.user, **changes)
    except (StudioError, FrozenVersion) as error:
        messages.error(request, error.message)
        return False
    return True


def _page(request, procedure, draft, section, template, context):
    problems = checklist.problems(draft) if draft is not None else []
    return render(
        request,
        template,
        {
            "procedure": procedure,
            "draft": draft,
            "section": section,
            "section_title": SECTION_TITLES.get(section, ""),
            "sections": [
                {
                    "key": key,
                    "title": title,
                    "url": _section_url(procedure, key),
                    "problems": sum(1 for p in problems if p.section == key),
                }
                for key, title in SECTION_TITLES.items()
            ],
            **context,
        },
    )


# ---------------------------------------------------------------------------
# The list, a new procedure, the overview


@require_http_methods(["GET", "POST"])
@admin_required
def procedure_list(request):
    agent = request.agent
    form = ProcedureCreateForm(data=request.POST or None, organisation=agent.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            procedure = services.procedure_create(
                organisation=agent.organisation, by=request.user, **form.cleaned_data
            )
        except StudioError as error:
            for field, field_errors in error.errors.items():
                for message in field_errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(
                request,
                _(
                    "La démarche « %(title)s » est créée : écrivez sa page, son formulaire et son cadre légal, puis publiez-la."
                )
                % {"title": procedure.title},
            )
            return redirect("backoffice:studio_procedure", pk=procedure.pk)
    procedures = [
        {"procedure": p, "draft": draft_version(p), "current": p.current_version}
        for p in procedures_for(agent).order_by("title")
    ]
    return render(request, "backoffice/studio/list.html", {"procedures": procedures, "form": form})


@admin_required
def procedure_overview(request, pk):
    procedure = _procedure(request, pk)
    draft = draft_version(procedure)
    versions = list(published_versions(procedure))
    current = versions[0] if versions else None
    problems = checklist.problems(draft) if draft is not None else []
    changes = version_diff(current, draft) if draft is not None and current is not None else []
    return _page(
        request,
        procedure,
        draft,
        "overview",
        "backoffice/studio/overview.html",
        {
            "current": current,
            "versions": versions,
            "problems": [
                {
                    "message": p.message,
                    "url": _section_url(procedure, p.section),
                    "section": SECTION_TITLES[p.section],
                }
                for p in problems
            ],
            "changes": changes,
            "change_sections": SECTION_TITLES,
            "comparisons": [
                (versions[i + 1].number, versions[i].number) for i in range(len(versions) - 1)
            ],
        },
    )


@require_POST
@admin_required
def draft_start(request, pk):
    procedure = _procedure(request, pk)
    draft = services.draft_open(procedure=procedure, by=request.user)
    messages.success(
        request,
        _(
            "La version %(n)s est ouverte en brouillon : la version publiée reste en ligne jusqu'à la publication."
        )
        % {"n": draft.number},
    )
    return redirect("backoffice:studio_procedure", pk=procedure.pk)


@require_POST
@admin_required
def publish(request, pk):
    procedure = _procedure(request, pk)
    draft = draft_version(procedure)
    if draft is None:
        messages.info(request, _("Il n'y a pas de brouillon à publier."))
        return redirect("backoffice:studio_procedure", pk=procedure.pk)
    try:
        services.version_publish(version=draft, by=request.user)
    except StudioError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "La version %(n)s est publiée : les nouvelles demandes l'utilisent. Les dossiers déjà déposés gardent leur version."
            )
            % {"n": draft.number},
        )
    return redirect("backoffice:studio_procedure", pk=procedure.pk)


@admin_required
def compare(request, pk, old, new):
    procedure = _procedure(request, pk)
    versions = {v.number: v for v in procedure.versions.filter(number__in=[old, new])}
    if old not in versions or new not in versions:
        raise Http404
    return _page(
        request,
        procedure,
        draft_version(procedure),
        "overview",
        "backoffice/studio/compare.html",
        {
            "old": versions[old],
            "new": versions[new],
            "changes": version_diff(versions[old], versions[new]),
            "change_sections": SECTION_TITLES,
        },
    )


# ---------------------------------------------------------------------------
# The public page and the legal settings


def _readability(form, names):
    return {name: analyse(form[name].value() or "") for name in names}


@require_http_methods(["GET", "POST"])
@admin_required
@editing_draft
def public_page(request, procedure, draft):
    form, saved = _content_form(
        request, draft, "public", PublicPageForm, _("La page publique est enregistrée.")
    )
    if saved:
        return redirect("backoffice:studio_public", pk=procedure.pk)
    fields = [
        {
            "field": form[name],
            "readability": analyse(form[name].value() or "")
            if name in PublicPageForm.TEXTS
            else None,
        }
        for name in form.fields
    ]
    return _page(
        request,
        procedure,
        draft,
        "public",
        "backoffice/studio/public.html",
        {"form": form, "fields": fields},
    )


@require_http_methods(["GET", "POST"])
@admin_required
@editing_draft
def legal(request, procedure, draft):
    form, saved = _content_form(
        request, draft, "legal", LegalForm, _("Le cadre légal est enregistré.")
    )
    if saved:
        return redirect("backoffice:studio_legal", pk=procedure.pk)
    return _page(
        request,
        procedure,
        draft,
        "legal",
        "backoffice/studio/simple_form.html",
        {"form": form, "court": procedure.organisation.administrative_court},
    )


# ---------------------------------------------------------------------------
# Questions: the form, and the fields private to agents


def _fields_of(draft, scope: str) -> list[dict]:
    if scope == "private":
        return version_content(draft)["private_fields"]
    return list((draft.form_definition or {}).get("fields", []))


def _save_fields(request, draft, scope: str, fields: list[dict]) -> bool:
    if scope == "private":
        content = version_content(draft)
        content["private_fields"] = fields
        return _save(request, draft, content=content)
    return _save(
        request, draft, form_definition={**(draft.form_definition or {}), "fields": fields}
    )


@require_http_methods(["GET", "POST"])
@admin_required
@editing_draft
def questions(request, procedure, draft, scope="form"):
    fields = _fields_of(draft, scope)
    here = reverse(f"backoffice:studio_{scope}", args=[procedure.pk])
    form = FieldAddForm(
        data=request.POST if request.POST.get("action") == "add" else None,
        private=scope == "private",
    )
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "add":
            if form.is_valid():
                step = fields[-1].get("step", "") if fields else ""
                fields, added = builder.add_field(
                    fields,
                    label=form.cleaned_data["label"],
                    kind=form.cleaned_data["type"],
                    step=step,
                )
                if _save_fields(request, draft, scope, fields):
                    messages.success(
                        request,
                        _("La question « %(label)s » est ajoutée : précisez-la.")
                        % {"label": added["label"]},
                    )
                    return redirect(
                        reverse(
                            f"backoffice:studio_{scope}_field", args=[procedure.pk, added["name"]]
                        )
                    )
        else:
            if action not in builder.LIST_ACTIONS:
                raise Http404
            position = _posted_position(request, fields, "name")
            name = fields[position]["name"]
            label = fields[position].get("label", name)
            blocking = builder.dependants(fields, name) if action == "remove" else []
            if blocking:
                messages.error(
                    request,
                    _(
                        "« %(label)s » ne peut pas être retirée : « %(others)s » n'apparaît que selon sa réponse. Changez d'abord cette condition."
                    )
                    % {"label": label, "others": ", ".join(f["label"] for f in blocking)},
                )
                return redirect(here)
            fields = builder.rearranged(fields, position, action)
            done = (
                _("La question « %(label)s » est retirée.")
                if action == "remove"
                else _("La question « %(label)s » est déplacée.")
            )
            if _save_fields(request, draft, scope, fields):
                messages.success(request, done % {"label": label})
            return redirect(here + f"#q-{name}")
    return _page(
        request,
        procedure,
        draft,
        scope,
        "backoffice/studio/questions.html",
        {
            "fields": [
                {
                    **f,
                    "type_label": FieldType(f["type"]).label
                    if f.get("type") in FieldType.values
                    else f.get("type"),
                    "condition_label": _condition_label(fields, f),
                }
                for f in fields
            ],
            "form": form,
            "scope": scope,
        },
    )


def _condition_label(fields, spec) -> str:
    condition = spec.get("show_if")
    if not condition:
        return ""
    target = next((f for f in fields if f.get("name") == condition.get("field")), None)
    value = condition.get("equals")
    if isinstance(value, bool):
        value = _("oui") if value else _("non")
    elif target and target.get("choices"):
        labels = {c["value"]: c["label"] for c in target["choices"]}
        value = (
            ", ".join(labels.get(v, v) for v in value)
            if isinstance(value, list)
            else labels.get(value, value)
        )
    return _("si « %(question)s » = %(value)s") % {
        "question": target["label"] if target else condition.get("field"),
        "value": value,
    }


@require_http_methods(["GET", "POST"])
@admin_required
@editing_draft
def question(request, procedure, draft, name, scope="form"):
    fields = _fields_of(draft, scope)
    try:
        position = builder.index_of(fields, "name", name)
    except StudioError:
        raise Http404 from None
    spec = fields[position]
    form = FieldForm(data=request.POST or None, spec=spec, earlier=fields[:position])
    if request.method == "POST" and form.is_valid():
        fields = builder.replace_item(fields, position, form.updated_spec())
        if _save_fields(request, draft, scope, fields):
            messages.success(
                request,
                _("La question « %(label)s » est enregistrée.")
                % {"label": form.cleaned_data["label"]},
            )
            return redirect(
                reverse(f"backoffice:studio_{scope}", args=[procedure.pk]) + f"#q-{name}"
            )
    return _page(
        request,
        procedure,
        draft,
        scope,
        "backoffice/studio/question.html",
        {
            "form": form,
            "spec": spec,
            "type_label": FieldType(spec["type"]).label
            if spec.get("type") in FieldType.values
            else spec.get("type"),
            "scope": scope,
            "readability": {name: analyse(form[name].value() or "") for name in ("label", "help")},
        },
    )


# ---------------------------------------------------------------------------
# Documents, routing, commitments, messages


@require_http_methods(["GET", "POST"])
@admin_required
@editing_draft
def documents(request, procedure, draft):
    items = list(draft.required_documents or [])
    here = reverse("backoffice:studio_documents", args=[procedure.pk])
    action = request.POST.get("action", "")
    form = DocumentForm(data=request.POST if action == "add" else None)
    if request.method == "POST":
        if action == "add":
            if form.is_valid():
                document = form.document()
                if any(d.get("code") == document["code"] for d in items):
                    form.add_error(
                        "code", _("Ce code est déjà utilisé pour un autre document de la démarche.")
                    )
                elif _save(request, draft, required_documents=[*items, document]):
                    messages.success(
                        request,
                        _("Le document « %(label)s » est ajouté.") % {"label": document["label"]},
                    )
                    return redirect(here)
        else:
            if action not in builder.LIST_ACTIONS:
                raise Http404
            items = builder.rearranged(items, _posted_position(request, items, "code"), action)
            if _save(request, draft, required_documents=items):
                messages.success(request, _("La liste des documents est enregistrée."))
            return redirect(here)
    return _page(
        request,
        procedure,
        draft,
        "documents",
        "backoffice/studio/documents.html",
        {"items": items, "form": form},
    )


@require_http_methods(["GET", "POST"])
@admin_required
@editing_draft
def routing(request, procedure, draft):
    content = version_content(draft)
    units = list(_units(procedure))
    fields = [
        f
        for f in (draft.form_definition or {}).get("fields", [])
        if f.get("type") not in (FieldType.FILE, FieldType.GROUP)
    ]
    action = request.POST.get("action", "")
    here = reverse("backoffice:studio_routing", args=[procedure.pk])
    default_form = DefaultUnitForm(
        data=request.POST if action == "default" else None,
        units=units,
        initial={"default_unit": content["routing"].get("default_unit")},
    )
    rule_form = RoutingRuleForm(
        data=request.POST if action == "add" else None, units=units, fields=fields
    )
    rules = list(content["routing"].get("rules") or [])
    if request.method == "POST":
        if action == "default" and default_form.is_valid():
            content["routing"]["default_unit"] = default_form.cleaned_data["default_unit"]
            if _save(request, draft, content=content):
                messages.success(request, _("Le service par défaut est enregistré."))
                return redirect(here)
        elif action == "add" and rule_form.is_valid():
            content["routing"]["rules"] = [*rules, rule_form.cleaned_data["rule"]]
            if _save(request, draft, content=content):
                messages.success(request, _("La règle d'orientation est ajoutée."))
                return redirect(here)
        elif action in builder.LIST_ACTIONS:
            rules = builder.rearranged(rules, _posted_position(request, rules), action)
            content["routing"]["rules"] = rules
            if _save(request, draft, content=content):
                messages.success(request, _("Les règles d'orientation sont enregistrées."))
            return redirect(here)
    unit_names = {u.slug: u.name for u in units}
    field_labels = {f["name"]: f for f in fields}
    described = [
        {
            "position": i,
            "unit": unit_names.get(r.get("unit"), r.get("unit")),
            "text": _rule_text(r, field_labels),
        }
        for i, r in enumerate(rules)
    ]
    return _page(
        request,
        procedure,
        draft,
        "routing",
        "backoffice/studio/routing.html",
        {"default_form": default_form, "rule_form": rule_form, "rules": described},
    )


def _rule_text(rule: dict, fields: dict) -> str:
    spec = fields.get(rule.get("field")) or {}
    question = spec.get("label") or rule.get("field") or ""
    if "equals" in rule:
        return _("si la réponse à « %(question)s » est « %(value)s »") % {
            "question": question,
            "value": _condition_label(
                [spec] if spec else [],
                {"show_if": {"field": rule.get("field"), "equals": rule["equals"]}},
            ).split(" = ", 1)[-1],
        }
    where = (
        _("dans « %(question)s »") % {"question": question}
        if question
        else _("dans l'adresse de la personne")
    )
    if "postcodes" in rule:
        return _("si le code postal %(where)s commence par %(codes)s") % {
            "where": where,
            "codes": ", ".join(rule["postcodes"]),
        }
    return _("si le code postal %(where)s est sur le territoire du service") % {"where": where}


@require_http_methods(["GET", "POST"])
@admin_required
@editing_draft
def commitments(request, procedure, draft):
    content = version_content(draft)
    items = list(content["commitments"])
    action = request.POST.get("action", "")
    form = CommitmentForm(data=request.POST if action == "add" else None)
    here = reverse("backoffice:studio_commitments", args=[procedure.pk])
    if request.method == "POST":
        if action == "add" and form.is_valid():
            content["commitments"] = [*items, dict(form.cleaned_data)]
            if _save(request, draft, content=content):
                messages.success(request, _("L'engagement est ajouté."))
                return redirect(here)
        elif action == "remove":
            content["commitments"] = builder.remove_item(items, _posted_position(request, items))
            if _save(request, draft, content=content):
                messages.success(request, _("L'engagement est retiré."))
            return redirect(here)
    shown = [
        {
            **c,
            "position": i,
            "delay": delay_display(c.get("target", 0), c.get("target_unit", "")),
            "kind_label": dict(CommitmentForm.base_fields["kind"].choices).get(
                c.get("kind"), c.get("kind")
            ),
        }
        for i, c in enumerate(items)
    ]
    return _page(
        request,
        procedure,
        draft,
        "commitments",
        "backoffice/studio/commitments.html",
        {"items": shown, "form": form},
    )


@require_http_methods(["GET", "POST"])
@admin_required
@editing_draft
def messages_page(request, procedure, draft):
    content = version_content(draft)
    form = MessagesForm(data=request.POST or None, messages=content["messages"])
    if request.method == "POST" and form.is_valid():
        written = form.messages()
        if not form.errors:
            content["messages"] = written
            if _save(request, draft, content=content):
                messages.success(request, _("Les messages sont enregistrés."))
                return redirect("backoffice:studio_messages", pk=procedure.pk)
    return _page(
        request, procedure, draft, "messages", "backoffice/studio/messages.html", {"form": form}
    )


# ---------------------------------------------------------------------------
# Export and import


@admin_required
def export(request, pk):
    procedure = _procedure(request, pk)
    number = request.GET.get("version", "")
    version = (
        procedure.versions.filter(number=int(number)).first()
        if number.isdecimal() and len(number) < 6
        else draft_version(procedure) or procedure.current_version
    )
    if version is None:
        raise Http404
    data = exchange.export_version(version)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2) + "\n",
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{procedure.slug}-v{version.number}.json"'
    )
    return response


@require_http_methods(["GET", "POST"])
@admin_required
def import_procedure(request):
    agent = request.agent
    form = ImportForm(
        data=request.POST or None, files=request.FILES or None, organisation=agent.organisation
    )
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            procedure = exchange.import_procedure(
                organisation=agent.organisation,
                by=request.user,
                raw=form.cleaned_data["file"].read(),
                code=form.cleaned_data["code"],
                handling_unit=form.cleaned_data["handling_unit"],
            )
        except StudioError as error:
            problems = [m for messages_ in error.errors.values() for m in messages_] or [
                error.message
            ]
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _(
                    "La démarche « %(title)s » est importée en brouillon : relisez-la, puis publiez-la."
                )
                % {"title": procedure.title},
            )
            return redirect("backoffice:studio_procedure", pk=procedure.pk)
    return render(request, "backoffice/studio/import.html", {"form": form, "problems": problems})


# ---------------------------------------------------------------------------
# Preview: the citizen's pages, drawn with the portal's own templates, nothing saved

PREVIEW_KEY = "studio:preview:{pk}"


def _preview_procedure(procedure, draft) -> Procedure:
    """The procedure as the draft would publish it, in memory only."""
    shown = Procedure.objects.select_related("organisation", "handling_unit").get(pk=procedure.pk)
    return apply_to_procedure(shown, version_content(draft))


def _preview_version(request, procedure):
    draft = draft_version(procedure)
    number = request.GET.get("version", "")
    if number.isdecimal() and len(number) < 6:
        draft = procedure.versions.filter(number=int(number)).first()
    if draft is None:
        draft = procedure.current_version
    if draft is None:
        raise Http404
    return draft


@admin_required
def preview(request, pk):
    procedure = _procedure(request, pk)
    version = _preview_version(request, procedure)
    shown = _preview_procedure(procedure, version)
    content = version_content(version)
    unit = shown.handling_unit
    messages.info(
        request,
        _(
            "Aperçu de la version %(n)s, telle que les habitants la verront. Rien n'est enregistré ni publié."
        )
        % {"n": version.number},
    )
    request.session.pop(PREVIEW_KEY.format(pk=procedure.pk), None)
    return render(
        request,
        "portal/catalogue/procedure.html",
        {
            "procedure": shown,
            "documents": documents_of(version.required_documents or []),
            "commitments": [
                Commitment(organisation_id=procedure.organisation_id, **c)
                for c in content["commitments"]
                if isinstance(c, dict)
            ],
            "measured": {"enough": False},
            "unit": unit,
            "opening_hours": unit.opening_hours.all(),
            "apply_url": reverse("backoffice:studio_preview_step", args=[procedure.pk, 1])
            + (f"?version={version.number}" if request.GET.get("version") else ""),
            "situations": [],
            "is_preview": True,
        },
    )


@require_http_methods(["GET", "POST"])
@admin_required
def preview_step(request, pk, step):
    """The form's steps as the citizen fills them in: answers are checked with the same
    rules and kept in the session for the preview only."""
    procedure = _procedure(request, pk)
    version = _preview_version(request, procedure)
    shown = _preview_procedure(procedure, version)
    plan = Plan(SimpleNamespace(procedure_version=version))
    key = PREVIEW_KEY.format(pk=procedure.pk)
    answers = request.session.get(key, {})
    query = (
        f"?version={request.GET['version']}" if request.GET.get("version", "").isdecimal() else ""
    )

    def here(number):
        return reverse("backoffice:studio_preview_step", args=[procedure.pk, number]) + query

    if not 1 <= step < plan.situation_step:
        if step == plan.situation_step or not plan.steps:
            return _preview_end(request, procedure, shown, version, plan, answers)
        raise Http404
    specs = plan.visible_specs(step, answers)
    if not specs:
        return redirect(here(plan.following(step, answers)))
    if request.method == "GET":
        form = StepForm(specs=specs, initial=answers)
        return _render_preview_step(request, shown, plan, step, form, answers)
    form = StepForm(data=request.POST, specs=specs)
    for spec in specs:
        if spec["type"] == FieldType.FILE:
            upload = request.FILES.get(spec["name"])
            form.overrides[spec["name"]] = (
                {"document": 0, "name": upload.name}
                if upload is not None
                else answers.get(spec["name"], "")
            )
    typed = form.answers()
    merged = {**answers, **typed}
    request.session[key] = merged
    action = request.POST.get("action", "next")
    if action == "previous":
        previous = plan.preceding(step, merged)
        return redirect(here(previous or step))
    if changes_lines(action):
        return redirect(here(step))
    still_shown = {spec["name"] for spec in plan.visible_specs(step, merged)}
    form.checked = still_shown
    if not form.is_valid():
        for name in set(form.fields) - still_shown:
            del form.fields[name]
        form.specs = [spec for spec in specs if spec["name"] in still_shown]
        return _render_preview_step(request, shown, plan, step, form, merged)
    if still_shown - {spec["name"] for spec in specs}:
        return redirect(here(step))
    return redirect(here(plan.following(step, merged)))


def _render_preview_step(request, shown, plan, step, form, answers):
    visible = plan.shown_steps(answers)
    items = form.items()
    error_list = error_summary(items)
    non_field_errors = form.non_field_errors() if form.is_bound else []
    messages.info(request, _("Aperçu du formulaire : rien n'est enregistré ni envoyé."))
    return render(
        request,
        "portal/apply/step.html",
        {
            "procedure": shown,
            "form": form,
            "items": items,
            "error_list": error_list,
            "non_field_errors": non_field_errors,
            "error_count": len(error_list) + len(non_field_errors),
            "step": step,
            "step_title": plan.title(step),
            "position": visible.index(step) + 1 if step in visible else step,
            "total": len(visible) + 1,
            "is_first": plan.preceding(step, answers) is None,
            "is_situation": False,
            "from_review": False,
            "has_file": any(spec["type"] == FieldType.FILE for spec in form.specs),
            "is_preview": True,
            "case": None,
        },
    )


def _preview_end(request, procedure, shown, version, plan, answers):
    """What the citizen would review: the answers kept, with the routing they give."""
    definition = version.form_definition or {"fields": []}
    try:
        cleaned = clean_answers(definition, answers)
        errors = {}
    except ValidationError as error:
        cleaned, errors = (
            {},
            error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages},
        )
    unit = routing_unit_for(
        organisation_id=procedure.organisation_id,
        routing=version_content(version)["routing"],
        answers=cleaned or answers,
        person=None,
    )
    return _page(
        request,
        procedure,
        draft_version(procedure),
        "overview",
        "backoffice/studio/preview_end.html",
        {
            "shown": shown,
            "version": version,
            "answers": [
                {
                    "label": spec["label"],
                    "value": display_answer(spec, (cleaned or answers).get(spec["name"])),
                }
                for spec in visible_fields(definition, answers)
            ],
            "errors": [m for ms in errors.values() for m in ms],
            "unit": unit,
        },
    )
