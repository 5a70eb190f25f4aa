"""« Mes informations et leur origine »: what each administration holds about the
person, where it came from, the documents and until when they count, the transfers
the person agreed to, and taking one back (tell us once, CRPA L113-12)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from parcours.people import provenance


@never_cache
@login_required
def information(request):
    return render(
        request,
        "portal/information.html",
        {
            "records": provenance.held_records(request.user),
            "documents": provenance.held_documents(request.user),
            "consents": provenance.consents_of(request.user),
        },
    )


@login_required
@require_POST
def consent_withdraw(request, pk):
    consent = get_object_or_404(provenance.consents_of(request.user), pk=pk)
    already = consent.withdrawn_at is not None
    provenance.consent_withdraw(consent=consent, by=request.user)
    if already:
        messages.info(request, _("Vous aviez déjà retiré cet accord."))
    else:
        messages.success(
            request,
            _(
                "Votre accord est retiré : %(organisation)s ne peut plus utiliser cette "
                "information. Elle vous la redemandera si elle en a besoin."
            )
            % {"organisation": consent.organisation.name},
        )
    return redirect("portal:information")
