"""Reading a register (XLSX or CSV) into rows of canonical columns: headers in Russian, Kazakh or
English, dates as dd.mm.yyyy or yyyy-mm-dd, reference names by code or by name in any language. The
writes are clinic.services.imports; this module only reads and never touches the database except to
load the reference lists once."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from .models import ApplicationKind, Channel, ImportJob, Outcome, Service, Status, Topic

# Each column: its key and its header in each language; a header is matched in any of them, and the
# template is written in the user's.
COLUMNS: dict[str, dict[str, str]] = {
    "external_key": {"ru": "№ в реестре", "kk": "Тізілімдегі №", "en": "Registration number"},
    "full_name": {"ru": "ФИО", "kk": "Аты-жөні", "en": "Full name"},
    "iin": {"ru": "ИИН", "kk": "ЖСН", "en": "IIN"},
    "phone": {"ru": "Телефон", "kk": "Телефон", "en": "Phone"},
    "email": {"ru": "Эл. почта", "kk": "Эл. пошта", "en": "E-mail"},
    "date": {"ru": "Дата", "kk": "Күні", "en": "Date"},
    "service": {"ru": "Услуга", "kk": "Қызмет", "en": "Service"},
    "kind": {"ru": "Вид обращения", "kk": "Өтініш түрі", "en": "Kind"},
    "topic": {"ru": "Тема", "kk": "Тақырып", "en": "Topic"},
    "channel": {"ru": "Канал", "kk": "Арна", "en": "Channel"},
    "summary": {"ru": "Суть обращения", "kk": "Өтініштің мәні", "en": "Summary"},
    "status": {"ru": "Статус", "kk": "Мәртебесі", "en": "Status"},
    "outcome": {"ru": "Результат", "kk": "Нәтижесі", "en": "Outcome"},
    "decided_on": {"ru": "Дата решения", "kk": "Шешім күні", "en": "Decided on"},
    "recovered_kzt": {"ru": "Взыскано, тенге", "kk": "Өндірілді, теңге", "en": "Recovered, KZT"},
    "decision": {"ru": "Ответ заявителю", "kk": "Өтініш берушіге жауап", "en": "Decision"},
}
PERSON_COLUMNS = ["full_name", "iin", "phone", "email"]
KIND_COLUMNS: dict[str, list[str]] = {
    ImportJob.Kind.PERSONS: PERSON_COLUMNS,
    ImportJob.Kind.VISITS: ["external_key", *PERSON_COLUMNS, "date", "channel", "topic", "summary"],
    ImportJob.Kind.APPLICATIONS: [
        "external_key",
        *PERSON_COLUMNS,
        "date",
        "service",
        "kind",
        "topic",
        "channel",
        "summary",
        "status",
        "outcome",
        "decided_on",
        "recovered_kzt",
        "decision",
    ],
}
REQUIRED: dict[str, set[str]] = {
    ImportJob.Kind.PERSONS: {"full_name"},
    ImportJob.Kind.VISITS: {"external_key", "full_name", "date", "channel", "topic"},
    ImportJob.Kind.APPLICATIONS: {"external_key", "full_name", "date", "service", "kind", "topic", "channel"},
}
EXAMPLE = {
    "external_key": "2019/125",
    "full_name": "Ахметов Ерлан Серикович",
    "iin": "900101300126",
    "phone": "+7 701 123 45 67",
    "email": "",
    "date": "15.03.2019",
    "service": "Юридическая клиника",
    "kind": "written_application",
    "topic": "wages",
    "channel": "in_person",
    "summary": "",
    "status": "decided",
    "outcome": "satisfied",
    "decided_on": "02.04.2019",
    "recovered_kzt": "150000",
    "decision": "",
}

_HEADER_KEYS = {header.casefold(): key for key, headers in COLUMNS.items() for header in headers.values()}
_HEADER_KEYS.update({key: key for key in COLUMNS})


def header(key: str, language: str) -> str:
    return COLUMNS[key].get(language[:2], COLUMNS[key]["en"])


class RowError(Exception):
    """One refused cell: its column key and the message."""

    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message


@dataclass
class Sheet:
    """A file read: the column keys in the order of its headers, and its rows (number, cells)."""

    keys: list[str | None]
    rows: Iterator[tuple[int, list[Any]]]
    unknown_headers: list[str] = field(default_factory=list)


def _cell(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def read_sheet(file: IO[bytes], file_name: str) -> Sheet:
    """The rows of an XLSX (read-only: a large register is streamed) or a CSV (UTF-8 with or without
    BOM, ';' as Russian Excel writes it, or ','). Row numbers are those the user sees (header = 1)."""
    if file_name.lower().endswith(".xlsx"):
        try:
            book = load_workbook(file, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
            raise ValidationError({"file": _("The file is not an Excel workbook (.xlsx).")}) from error
        rows: Iterator[Any] = book.worksheets[0].iter_rows(values_only=True)
    elif file_name.lower().endswith(".csv"):
        try:
            text = file.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError({"file": _("Save the CSV file in UTF-8.")}) from error
        first_line = text.split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
        rows = iter(csv.reader(io.StringIO(text), delimiter=delimiter))
    else:
        raise ValidationError({"file": _("Upload an .xlsx or .csv file.")})
    headers = next(rows, None)
    if not headers:
        raise ValidationError({"file": _("The file is empty.")})
    keys = [_HEADER_KEYS.get(str(_cell(h) or "").casefold()) for h in headers]
    unknown = [str(h) for h, key in zip(headers, keys, strict=True) if h and key is None]

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        for number, row in enumerate(rows, start=2):
            cells = [_cell(value) for value in row]
            if any(value not in (None, "") for value in cells):
                yield number, cells

    return Sheet(keys=keys, rows=numbered(), unknown_headers=unknown)


def check_headers(sheet: Sheet, kind: str, language: str) -> None:
    missing = [key for key in KIND_COLUMNS[kind] if key in REQUIRED[kind] and key not in sheet.keys]
    if missing:
        raise ValidationError(
            {
                "file": _("The file lacks the columns: %(columns)s.")
                % {"columns": ", ".join(header(key, language) for key in missing)}
            }
        )


def row_values(sheet: Sheet, cells: list[Any]) -> dict[str, Any]:
    return {key: value for key, value in zip(sheet.keys, cells, strict=False) if key is not None}


def parse_date(value: Any, column: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(str(value).strip(), pattern).date()  # noqa: DTZ007  (a date only)
        except ValueError:
            continue
    raise RowError(column, _("“%(value)s” is not a date: write it as dd.mm.yyyy.") % {"value": value})


def parse_money(value: Any, column: str) -> Decimal:
    if value in (None, ""):
        return Decimal(0)
    try:
        amount = Decimal(str(value).replace(" ", "").replace("\xa0", "").replace(",", "."))
    except InvalidOperation as error:
        raise RowError(column, _("“%(value)s” is not an amount of money.") % {"value": value}) from error
    if amount < 0:
        raise RowError(column, _("“%(value)s” is not an amount of money.") % {"value": value})
    return amount


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an IIN or a phone typed into a number cell
    return str(value).strip()


class References:
    """The reference lists, loaded once per import, matched by code or by name in any language."""

    MODELS = {
        "service": Service,
        "kind": ApplicationKind,
        "topic": Topic,
        "channel": Channel,
        "outcome": Outcome,
    }

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}
        for column, model in self.MODELS.items():
            found: dict[str, Any] = {}
            for item in model._default_manager.all():
                for name in (item.code, item.name_ru, item.name_kk, item.name_en):
                    if name:
                        found.setdefault(name.strip().casefold(), item)
            self.items[column] = found
        self.statuses = {}
        for status in Status:
            self.statuses[status.value] = status
            for language in ("ru", "kk", "en"):
                with translation.override(language):
                    self.statuses[str(status.label).casefold()] = status

    def get(self, column: str, value: Any, *, required: bool = True) -> Any:
        name = text(value)
        if not name:
            if required:
                raise RowError(column, _("This column must be filled in."))
            return None
        item = self.items[column].get(name.casefold())
        if item is None:
            raise RowError(column, _("“%(value)s” is not in the list.") % {"value": name})
        return item

    def status(self, value: Any, column: str = "status") -> str:
        name = text(value)
        if not name:
            return Status.REGISTERED
        try:
            return self.statuses[name.casefold()]
        except KeyError:
            raise RowError(column, _("“%(value)s” is not in the list.") % {"value": name}) from None


def template(kind: str, language: str) -> bytes:
    """An XLSX with the kind's headers in the language and one example row."""
    book = Workbook()
    sheet = book.active
    sheet.title = str(ImportJob.Kind(kind).label)[:31]
    columns = KIND_COLUMNS[kind]
    sheet.append([header(key, language) for key in columns])
    sheet.append([EXAMPLE[key] for key in columns])
    for index, _key in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = 22
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_response(kind: str, language: str) -> HttpResponse:
    response = HttpResponse(
        template(kind, language),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.xlsx"'
    return response
