from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    """Stable pages by id: ``next`` and ``previous`` carry an opaque cursor; ``limit`` up to 500."""

    ordering = "pk"
    page_size = 100
    page_size_query_param = "limit"
    max_page_size = 500
    cursor_query_description = _("The page cursor (from “next” or “previous” of the previous page).")
    page_size_query_description = _("Rows per page (1–500, default 100).")
