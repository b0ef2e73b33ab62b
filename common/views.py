"""View helpers every app's pages share: service errors onto forms, table exports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django_tables2.export import TableExport


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


def export_table(table, export_format: str, name: str) -> HttpResponse:
    """A django-tables2 table as a download (CSV with a byte-order mark so Excel reads Chinese)."""
    exporter = TableExport(export_format, table)
    if export_format == "csv":
        response = HttpResponse("\ufeff" + exporter.export(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    return exporter.response(filename=f"{name}.{export_format}")
