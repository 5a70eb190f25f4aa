"""The person's data: who reached it and why (the access journal), a copy of all of it,
the retention of each case, and requests to correct, object or erase."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from parcours.cases.models import Case
from parcours.privacy import rights
from parcours.privacy import selectors as privacy_selectors
from parcours.privacy.errors import AccessError
from parcours.privacy.models import RightsRequest

from .forms import RightsRequestForm

JOURNAL_PAGE_SIZE = 25


@never_cache
@login_required
def my_data(request):
    """What we hold and for how long, and the person's rights over it."""
    people = list(rights.people_of(request.user))
    form = RightsRequestForm(data=request.POST if request.method == "POST" else None, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            created = rights.rights_request_create(
                user=request.user,
                person_id=form.cleaned_data.get("organisation"),
                kind=form.cleaned_data["kind"],
                details=form.cleaned_data["details"],
                case_reference=form.cleaned_data["case_reference"],
            )
        except AccessError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("Votre demande est enregistrée. Nous vous répondrons au plus tard le %(date)s.")
                % {"date": created.due_on.strftime("%d/%m/%Y")},
            )
            return redirect("portal:my_data")
    cases = [
        {"case": case, "retention": rights.retention_of(case)}
        for case in Case.objects.filter(person__in=people)
        .exclude(reference=None)
        .select_related("procedure")
        .order_by("-created_at")
    ]
    return render(
        request,
        "portal/mydata/my_data.html",
        {
            "people": people,
            "cases": cases,
            "form": form,
            "requests": RightsRequest.objects.filter(person__in=people)
            .select_related("organisation", "case")
            .prefetch_related("events"),
            "journal_count": privacy_selectors.journal_of(request.user).count(),
        },
    )


@never_cache
@login_required
def export_json(request):
    """Every piece of data we hold about the person, machine-readable (GDPR art. 20)."""
    data = rights.person_data(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="mes-donnees-{stamp}.json"'
    return response


@never_cache
@login_required
def export_html(request):
    """The same, in plain French, as a page to read or print."""
    return render(
        request, "portal/mydata/export.html", {"data": rights.readable_copy(request.user)}
    )


@never_cache
@login_required
def export_pdf(request):
    """The readable copy as a PDF (WeasyPrint, as the receipts)."""
    from weasyprint import HTML

    html = render_to_string(
        "portal/mydata/export_pdf.html",
        {
            "data": rights.readable_copy(request.user),
            "site_name": settings.PARCOURS_SITE_NAME,
        },
        request=request,
    )
    content = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    response = HttpResponse(content, content_type="application/pdf")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="mes-donnees-{stamp}.pdf"'
    return response


@never_cache
@login_required
def journal(request):
    """Every access to the person's data by an agent, a helper, the API or a job,
    newest first, in plain language, a page at a time."""
    paginator = Paginator(privacy_selectors.journal_of(request.user), JOURNAL_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    entries = [
        {
            "entry": entry,
            "sentence": privacy_selectors.journal_sentence(entry),
        }
        for entry in page.object_list
    ]
    return render(request, "portal/mydata/journal.html", {"page": page, "entries": entries})
