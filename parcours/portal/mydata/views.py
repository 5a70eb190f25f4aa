"""The person's data: who reached it and why (the access journal), and their rights."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from parcours.privacy import selectors as privacy_selectors

JOURNAL_PAGE_SIZE = 25


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
