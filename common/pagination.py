"""Bounded pagination, the one way every list page splits its rows into pages.

``?per_page=`` is clamped to 1–:data:`MAX_PER_PAGE`; ``?page=`` that is not a number shows the
first page and one beyond the end the last page (never a 404 or a 500).

Pages past the middle of a long list are read from its end (:class:`TailPaginator`): the database
walks the sort index backwards and skips fewer rows, so the last page of 800,000 reports costs what
the first one does instead of an OFFSET over every row before it.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django_tables2 import RequestConfig
from django_tables2.rows import BoundRows

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


def total_order(queryset: QuerySet) -> QuerySet:
    """``queryset`` with the primary key as the last sort key, so that no two rows tie: a row is on
    one page only, and the reversed order is exactly the reverse."""
    order = list(queryset.query.order_by) or list(queryset.query.get_meta().ordering or [])
    if not order:
        return queryset.order_by("pk")
    last = str(order[-1]).lstrip("-")
    if last in ("pk", queryset.model._meta.pk.attname, queryset.model._meta.pk.name):
        return queryset
    return queryset.order_by(*order, "pk")


def _ordered_queryset(rows) -> QuerySet | None:
    """The ordered queryset behind ``rows`` (a queryset, or a django-tables2 table's rows), if any."""
    data = rows.data.data if isinstance(rows, BoundRows) and hasattr(rows.data, "data") else rows
    if isinstance(data, QuerySet) and data.ordered and not data.query.distinct and data.query.low_mark == 0 and data.query.high_mark is None:
        return data
    return None


class TailPaginator(Paginator):
    """A paginator that reads the pages past the middle from the end, in reverse order, and turns
    them round: ``ORDER BY … DESC OFFSET small`` instead of ``ORDER BY … ASC OFFSET large``.

    Only for querysets with a total order (the list pages end their ordering with the primary
    key), so that the reversed order is exactly the reverse.

    ``count``: the number of rows, when the caller has it from a cheaper query than counting
    ``object_list`` (the same rows without their per-row figures)."""

    def __init__(self, *args, count: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if count is not None:
            self.__dict__["count"] = count  # Paginator.count is a cached_property

    def page(self, number):
        number = self.validate_number(number)
        if not self.count:
            # A filter that matches nothing: an empty page without writing the rows' query (for a
            # list with per-row figures, writing it was a quarter of the empty page's time).
            return self._get_page(self._records([]), number, self)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        queryset = _ordered_queryset(self.object_list)
        if queryset is None or bottom <= self.count // 2 or self.orphans:
            return super().page(number)
        records = list(queryset.reverse()[self.count - top : self.count - bottom])[::-1]
        return self._get_page(self._records(records), number, self)

    def _records(self, records: list):
        """``records`` as the pages of ``object_list`` hold them (a table's rows stay its rows)."""
        if isinstance(self.object_list, BoundRows):
            return BoundRows(data=records, table=self.object_list.table, pinned_data=self.object_list.pinned_data)
        return records


def paginate(request: HttpRequest, table, *, default: int = DEFAULT_PER_PAGE, count: int | None = None):
    """Sort ``table`` as the request asks and show one page of it (a django-tables2 table).
    ``count``: the table's number of rows, if the caller can count them more cheaply."""
    RequestConfig(request, paginate=False).configure(table)  # the ordering only
    if isinstance(getattr(table.data, "data", None), QuerySet):
        table.data.data = total_order(table.data.data)
    per_page = clamp_per_page(request.GET.get(table.prefixed_per_page_field), default)
    table.paginate(paginator_class=TailPaginator, per_page=per_page, page=1, count=count)
    table.page = table.paginator.page(page_number(request.GET.get(table.prefixed_page_field), table.paginator.num_pages))
    return table


def paginate_rows(request: HttpRequest, rows, *, per_page: int = DEFAULT_PER_PAGE, param: str = "page") -> Page:
    """One page of a queryset or list, for pages that render their own rows (no table)."""
    if isinstance(rows, QuerySet):
        rows = total_order(rows)
    paginator = TailPaginator(rows, clamp_per_page(str(per_page), DEFAULT_PER_PAGE))
    return paginator.page(page_number(request.GET.get(param), paginator.num_pages))
