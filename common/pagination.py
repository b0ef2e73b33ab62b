"""Bounded pagination, the one way every list page splits its rows into pages.

``?per_page=`` is clamped to 1–:data:`MAX_PER_PAGE`; ``?page=`` that is not a number shows the
first page and one beyond the end the last page (never a 404 or a 500).
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django_tables2 import RequestConfig

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100


def _number(raw: str | None) -> int | None:
    try:
        return int(str(raw).strip())
    except (TypeError, ValueError, OverflowError):
        return None


def clamp_per_page(raw: str | None, default: int = DEFAULT_PER_PAGE) -> int:
    """``raw`` as a page size between 1 and MAX_PER_PAGE; ``default`` when it is not a number."""
    number = _number(raw)
    if number is None:
        number = default
    return max(1, min(MAX_PER_PAGE, number))


def page_number(raw: str | None, last: int) -> int:
    """``raw`` as a page number between 1 and ``last``; 1 when it is not a number."""
    number = _number(raw)
    if number is None or number < 1:
        return 1
    return min(number, max(last, 1))


def paginate(request: HttpRequest, table, *, default: int = DEFAULT_PER_PAGE):
    """Sort ``table`` as the request asks and show one page of it (a django-tables2 table)."""
    RequestConfig(request, paginate=False).configure(table)  # the ordering only
    per_page = clamp_per_page(request.GET.get(table.prefixed_per_page_field), default)
    table.paginate(per_page=per_page, page=1)
    table.page = table.paginator.page(page_number(request.GET.get(table.prefixed_page_field), table.paginator.num_pages))
    return table


def paginate_rows(request: HttpRequest, rows, *, per_page: int = DEFAULT_PER_PAGE, param: str = "page") -> Page:
    """One page of a queryset or list, for pages that render their own rows (no table)."""
    paginator = Paginator(rows, clamp_per_page(str(per_page), DEFAULT_PER_PAGE))
    return paginator.page(page_number(request.GET.get(param), paginator.num_pages))
