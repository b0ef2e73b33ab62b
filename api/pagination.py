from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    """Stable pages by id: ``next`` and ``previous`` carry an opaque cursor; ``limit`` up to 500."""

    ordering = "pk"
    page_size = 100
    page_size_query_param = "limit"
    max_page_size = 500
    cursor_query_description = _("The page cursor (from “next” or “previous” of the previous page).")
    page_size_query_description = _("Rows per page (1–500, default 100).")

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size or raw.strip() != str(size):
            raise ValidationError({self.page_size_query_param: [_("Give a whole number from 1 to 500.")]})
        return size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return parameters
