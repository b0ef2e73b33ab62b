"""View helpers every app's pages share: service errors onto forms, table exports."""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import translation

from common.exports import csv_chunks, table_rows, write_xlsx


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


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_table(table, export_format: str, name: str, *, prepare=None) -> HttpResponse:
    """A django-tables2 table (every row, not one page) as a download, produced in constant memory:
    CSV streamed with a byte-order mark so that Excel reads Chinese, or an Excel workbook written in
    write-only mode to a temporary file. Text that a spreadsheet would take for a formula is
    neutralised (see ``common.exports``). ``prepare`` is called on each chunk of records.

    List pages call ``exports.views.export_list``, which sends large exports to a background job."""
    rows = table_rows(table, prepare=prepare)
    if export_format == "csv":
        language = translation.get_language()

        def content():
            with translation.override(language):  # the rows are read while the response streams
                yield from csv_chunks(rows)

        response = StreamingHttpResponse(content(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if export_format == "xlsx":
        handle = tempfile.TemporaryFile(suffix=".xlsx")  # deleted when the response closes it
        write_xlsx(rows, handle, title=name)
        handle.seek(0)
        return FileResponse(handle, as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX_TYPE)
    raise ValueError(f"unknown export format {export_format!r}")
