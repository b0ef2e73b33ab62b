"""View helpers every app's pages share: service errors onto forms, table exports."""

from __future__ import annotations

import html

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.html import strip_tags
from django.utils.safestring import SafeData

from common.exports import csv_text, xlsx_bytes


def add_errors(form, exc: ValidationError, request: HttpRequest) -> None:
    """Put a service's ValidationError on the form's fields, or as a message."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                if form is not None and field in form.fields:
                    form.add_error(field, error)
                else:
                    messages.error(request, " ".join(error.messages))
    else:
        for message in exc.messages:
            messages.error(request, message)


EXPORT_FORMATS = ("csv", "xlsx")


def requested_export(request: HttpRequest) -> str | None:
    """The export format a list page is asked for (``?_export=csv`` or ``xlsx``), or None.

    Other formats django-tables2 knows (ods, tsv, json …) are not offered: they would need their
    own formula guard, and nobody asked for them.
    """
    export_format = request.GET.get("_export")
    return export_format if export_format in EXPORT_FORMATS else None


def _as_text(value):
    """A cell of an export: HTML that a column renders (badges, links) as its text."""
    if isinstance(value, SafeData):
        return html.unescape(strip_tags(value))
    return value


def export_table(table, export_format: str, name: str) -> HttpResponse:
    """A django-tables2 table (every row, not one page) as a download: CSV with a byte-order mark
    so that Excel reads Chinese, or an Excel workbook. Text that a spreadsheet would take for a
    formula is neutralised (see ``common.exports``)."""
    rows = ([_as_text(value) for value in row] for row in table.as_values())
    if export_format == "csv":
        response = HttpResponse("\ufeff" + csv_text(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if export_format == "xlsx":
        response = HttpResponse(
            xlsx_bytes(rows, title=name),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    raise ValueError(f"unknown export format {export_format!r}")
