"""Pages of a list in the API v1: ``page`` and ``page_size`` (at most ``PAGE_SIZE_MAX``)
in, ``count``, ``pages`` and links to the ``next`` and ``previous`` pages out."""

from collections.abc import Callable, Sequence
from urllib.parse import urlencode

from django.core.paginator import EmptyPage, Paginator
from django.http import HttpRequest

from .errors import not_found

PAGE_SIZE = 25
PAGE_SIZE_MAX = 100


def page_link(request: HttpRequest, number: int) -> str:
    params = request.GET.copy()
    params["page"] = str(number)
    return request.build_absolute_uri(
        f"{request.path}?{urlencode(sorted(params.lists()), doseq=True)}"
    )


def page_of(request: HttpRequest, items: Sequence, filters, render: Callable) -> dict:
    """One page of ``items`` (a list or an ordered queryset), each given by ``render``;
    a page past the last answers 404 naming ``page``."""
    paginator = Paginator(items, filters.page_size, allow_empty_first_page=True)
    try:
        page = paginator.page(filters.page)
    except EmptyPage:
        raise not_found(field="page") from None
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "page_size": filters.page_size,
        "next": page_link(request, page.next_page_number()) if page.has_next() else None,
        "previous": page_link(request, page.previous_page_number())
        if page.has_previous()
        else None,
        "results": [render(item) for item in page],
    }
