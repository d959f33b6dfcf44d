"""What every CSV and XLSX download shares (the outcome reports and the annual statistical report).

- Text never turns into a formula: `cell_value` is the one place a value becomes a cell, for both
  formats. A name a user typed ("=HYPERLINK(...)", "+1", "@SUM(1)") reads as that text, not a formula
  (OWASP, "CSV Injection"); numbers stay numbers, a negative one too, and a phone ("+7 701 ...")
  is written without the quote, as nothing can run from it.
- CSV opens as columns in the user's Excel: UTF-8 with a byte-order mark, ";" between fields where
  the language writes decimals with a comma (Russian, Kazakh: Excel's list separator there), "," in
  English, and decimals with the language's decimal sign, so Excel reads them as numbers.
- XLSX tables have a bold header; the main table of each sheet has its header frozen and filters.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from django.utils.formats import get_format
from django.utils.translation import gettext as _
from openpyxl.cell.cell import TYPE_STRING, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
# A cell whose text starts with one of these is read as a formula by Excel, LibreOffice or Google
# Sheets: a tab or carriage return is skipped over, then = + - @ start the formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What starts like a formula but can hold none, written as it is: a phone ("+7 (701) 123-45-67": "+",
# then at least 7 digits among spaces, dashes and parentheses) and a plain negative number ("-15",
# "-2,5"). At worst a spreadsheet reads them as numbers; no function, reference or command fits.
HARMLESS_STARTS = re.compile(r"\+(?=(?:[ ()\-]*[0-9]){7})[0-9 ()\-]+|-[0-9]+(?:[.,][0-9]+)?")
# Control characters XML cannot hold: openpyxl refuses them, and they mean nothing in a name.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class ExportFile(NamedTuple):
    content: bytes
    filename: str
    content_type: str


def cell_value(value: Any) -> Any:
    """A value as a CSV or XLSX cell holds it: numbers and empty as they are; any other value as text,
    behind a single quote when it starts like a formula, so a spreadsheet shows it and runs nothing
    (a phone or a plain negative number, which can run nothing, without the quote)."""
    if value is None or isinstance(value, int | float | Decimal):
        return value
    text = CONTROL_CHARACTERS.sub("", str(value))
    if text.startswith(FORMULA_STARTS) and not HARMLESS_STARTS.fullmatch(text):
        return f"'{text}"
    return text


def number(value: Any) -> Any:
    """A stored figure as a number: the snapshots keep decimals as strings ("50.0", "-0.6").

    Only for figures the system computed: a name is text, even "+1" or "-2"."""
    return Decimal(value) if isinstance(value, str) else value


# CSV


def csv_field_separator() -> str:
    """The field separator the active language's Excel expects: ";" where the decimal sign is ","."""
    return ";" if get_format("DECIMAL_SEPARATOR") == "," else ","


def _csv_field(value: Any, decimal_sign: str) -> str:
    value = cell_value(value)
    if value is None:
        return ""
    if isinstance(value, float):
        value = Decimal(str(value))
    if isinstance(value, Decimal):
        # No thousands grouping: Excel reads "1234,50" as a number, "1 234,50" as text.
        return format(value, "f").replace(".", decimal_sign)
    return str(value)


def csv_content(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """The header and rows as the active language's Excel reads them: UTF-8 with a byte-order mark (or
    Excel takes the Cyrillic for its ANSI code page), its field separator and decimal sign."""
    decimal_sign = get_format("DECIMAL_SEPARATOR")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=csv_field_separator())
    for row in (header, *rows):
        writer.writerow([_csv_field(value, decimal_sign) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


class FigureLine(NamedTuple):
    """One row of a report's CSV: one figure, what it belongs to, and its code for machines."""

    section: str  # the part of the report, in the user's language
    code: str  # the code of the row's subject (a service, a center, a month...), if any
    name: str  # the subject's name, in the user's language
    figure: str  # the figure's name, in the user's language
    value: Any
    key: str  # the figure's code: "totals.received", "by_service.positive"...


def figures_csv(lines: Iterable[FigureLine]) -> bytes:
    """A report's figures, one a row, under headers in the user's language: easy to filter and pivot."""
    header = [_("Section"), _("Code"), _("Name"), _("Figure"), _("Value"), _("Figure code")]
    return csv_content(header, lines)


# XLSX


def put(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write one cell through cell_value; text is always stored as text, never as a formula."""
    value = cell_value(value)
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        # openpyxl stores any text starting with "=" as a formula; cell_value leaves none, and this
        # keeps it so whatever the text.
        cell.data_type = TYPE_STRING
    elif isinstance(value, Decimal):
        cell.number_format = "#,##0.00" if value.as_tuple().exponent == -2 else "0.0"
    return cell


def write_table(
    sheet: Worksheet,
    header: Sequence[Any],
    rows: Sequence[Sequence[Any]],
    start_row: int = 1,
    *,
    main: bool = False,
    frozen_columns: int = 0,
) -> int:
    """Write a bold header and rows; return the next free row (one left blank). The sheet's main table
    gets filters on its columns and its header frozen, with its first `frozen_columns` (the names)."""
    for column, title in enumerate(header, start=1):
        put(sheet, start_row, column, title).font = Font(bold=True)
    for offset, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            put(sheet, start_row + offset, column, value)
    last_row = start_row + len(rows)
    if main:
        sheet.freeze_panes = sheet.cell(row=start_row + 1, column=frozen_columns + 1).coordinate
        sheet.auto_filter.ref = f"A{start_row}:{get_column_letter(len(header))}{last_row}"
    return last_row + 2


def write_title(sheet: Worksheet, title: str) -> None:
    """The sheet's title in A1, large and bold."""
    put(sheet, 1, 1, title).font = Font(bold=True, size=14)


def autosize(sheet: Worksheet, *, first_row: int = 1) -> None:
    """Each column as wide as its longest value from `first_row` on (a title above may overflow),
    within 10 to 60 characters."""
    for column in sheet.iter_cols(min_row=first_row):
        width = max((len(str(cell.value)) for cell in column if cell.value is not None), default=0)
        sheet.column_dimensions[get_column_letter(column[0].column)].width = min(max(10, width + 2), 60)
