"""Streaming a list out as CSV or XLSX, in constant memory, whatever the list (no domain model here).

A list is a header and an iterator of rows (sequences of plain values). CSV is written and sent row by
row; XLSX goes through openpyxl's write-only mode, which keeps the rows in a temporary file rather
than in memory, and the finished file is streamed from disk. Every cell goes through
core.spreadsheets (the formula guard, the language's separator and decimal sign).
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils.formats import get_format
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font

from .spreadsheets import CSV_TYPE, XLSX_TYPE, _csv_field, cell_value, csv_field_separator

FORMATS = ("csv", "xlsx")


class _Line:
    """A file-like target for csv.writer that hands back what was written instead of keeping it."""

    def write(self, text: str) -> str:
        return text


def csv_stream(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """The header and rows as CSV lines in UTF-8, the first behind a byte-order mark (core.spreadsheets)."""
    decimal_sign = get_format("DECIMAL_SEPARATOR")
    writer = csv.writer(_Line(), delimiter=csv_field_separator())
    yield writer.writerow([_csv_field(value, decimal_sign) for value in header]).encode("utf-8-sig")
    for row in rows:
        yield writer.writerow([_csv_field(value, decimal_sign) for value in row]).encode()


def _xlsx_cell(sheet, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    value = cell_value(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = TYPE_STRING  # never a formula, whatever the text (core.spreadsheets.put)
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_file(header: Sequence[Any], rows: Iterable[Sequence[Any]], target) -> None:
    """Write the header (bold, frozen) and rows as an XLSX workbook into the binary file `target`."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.freeze_panes = "A2"
    sheet.append([_xlsx_cell(sheet, title, bold=True) for title in header])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    workbook.save(target)


def export_response(
    file_format: str, filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """A download of the rows as `file_format` ("csv" or "xlsx"), named `filename` plus the extension."""
    if file_format == "csv":
        response = StreamingHttpResponse(csv_stream(header, rows), content_type=CSV_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    # Write-only openpyxl keeps the rows in temporary files; the workbook itself is on disk, not in memory.
    target = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    xlsx_file(header, rows, target)
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE)
