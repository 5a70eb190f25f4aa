"""The administration's message templates, kept by its managers: list, create, edit."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parcours.contacts import services as contacts
from parcours.contacts.errors import ContactError
from parcours.contacts.models import TEMPLATE_PLACEHOLDERS, MessageTemplate

from ..case_forms import MessageTemplateForm
from ..decorators import manager_required


def _templates(agent):
    return MessageTemplate.objects.filter(organisation_id=agent.organisation_id).select_related(
        "procedure"
    )


@manager_required
def template_list(request):
    return render(
        request,
        "backoffice/message_templates/list.html",
        {"templates": _templates(request.agent).order_by("-is_active", "title", "pk")},
    )


@require_http_methods(["GET", "POST"])
@manager_required
def template_edit(request, pk=None):
    agent = request.agent
    template = get_object_or_404(_templates(agent), pk=pk) if pk is not None else None
    form = MessageTemplateForm(
        data=request.POST or None, instance=template, organisation=agent.organisation
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = contacts.message_template_save(
                organisation=agent.organisation,
                by=request.user,
                template=template,
                **{
                    name: form.cleaned_data[name]
                    for name in ("title", "body", "procedure", "is_active")
                },
            )
        except ContactError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request, _("Le modèle « %(title)s » est enregistré.") % {"title": saved.title}
            )
            return redirect("backoffice:message_templates")
    return render(
        request,
        "backoffice/message_templates/edit.html",
        {"form": form, "template": template, "placeholders": TEMPLATE_PLACEHOLDERS},
    )
