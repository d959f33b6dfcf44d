"""The columns of each exportable list, and an export's rows and audit entry.

An export is the list exactly as filtered (the caller passes the list's own filtered queryset, scoped by
visible_to), read as `.values()` rows in chunks (core.db.rows_in_chunks): no model instance, no query
per row, the related names selected with the row. IIN, phone and e-mail are masked by the pages' own rule
(clinic.personal_data.shown). core.exports writes the files.
"""

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.audit import acting_as
from core.db import reading_from_replica, replica_for_reads, rows_in_chunks
from core.exports import csv_stream, xlsx_file
from organizations.models import User

from .filters import ApplicationFilter, LaborDisputeFilter, PersonFilter, VisitFilter
from .forms import PAGE_LISTS
from .models import Application, ExportJob, LaborDispute, Person, Status, Visit
from .personal_data import shown

CHUNK_SIZE = 2000
PROGRESS_EVERY = 5 * CHUNK_SIZE  # rows between two saves of a background export's progress
# The query-string key naming the file's format ("csv" or "xlsx"); the rest of the query are the filters.
FORMAT_PARAMETER = "type"


@dataclass(frozen=True)
class Column:
    label: str | Promise
    # `.values()` paths ("{lang}": the active language's column); several are joined by a space
    paths: tuple[str, ...]
    personal: str = ""  # "iin", "phone" or "email": masked by clinic.personal_data.shown
    choices: dict[str, Any] | None = None  # a stored choice shown by its label


def _col(label, *paths: str, personal: str = "", choices=None) -> Column:
    return Column(label, paths, personal, dict(choices) if choices else None)


@dataclass(frozen=True)
class ListExport:
    name: str  # the list's code, in the file's name and the audit entry
    center_path: str  # whose center's rule masks the row's personal data
    columns: tuple[Column, ...]

    def paths(self, language: str) -> list[str]:
        paths = {self.center_path}
        for column in self.columns:
            paths.update(path.format(lang=language) for path in column.paths)
        return sorted(paths)


PERSON = (
    _col(_("full name"), "person__full_name"),
    _col(_("IIN"), "person__iin", personal="iin"),
    _col(_("phone"), "person__phone", personal="phone"),
)
LAWYER = _col(_("lawyer"), "lawyer__last_name", "lawyer__first_name")

EXPORTS = {
    "cases": ListExport(
        "cases",
        "center_id",
        (
            _col(_("registration number"), "registration_number"),
            _col(_("received on"), "received_on"),
            _col(_("due on"), "due_on"),
            _col(_("status"), "status", choices=Status.choices),
            *PERSON,
            _col(_("employer"), "employer__name"),
            _col(_("service"), "service__name_{lang}"),
            _col(_("topic"), "topic__name_{lang}"),
            LAWYER,
            _col(_("decided on"), "decided_on"),
            _col(_("outcome"), "outcome__name_{lang}"),
            _col(_("territorial center"), "center__name_{lang}"),
        ),
    ),
    "persons": ListExport(
        "persons",
        "center_id",
        (
            _col(_("full name"), "full_name"),
            _col(_("IIN"), "iin", personal="iin"),
            _col(_("phone"), "phone", personal="phone"),
            _col(_("e-mail"), "email", personal="email"),
            _col(_("employer"), "employer__name"),
            _col(_("union member"), "is_union_member"),
            _col(_("territorial center"), "center__name_{lang}"),
        ),
    ),
    "visits": ListExport(
        "visits",
        "center_id",
        (
            _col(_("date and time"), "visited_at"),
            *PERSON,
            _col(_("channel"), "channel__name_{lang}"),
            _col(_("result"), "result", choices=Visit.Result.choices),
            _col(_("territorial center"), "center__name_{lang}"),
        ),
    ),
    "disputes": ListExport(
        "disputes",
        "center_id",
        (
            _col(_("opened on"), "opened_on"),
            _col(_("kind"), "kind", choices=LaborDispute.Kind.choices),
            _col(_("employer"), "employer__name"),
            _col(_("subject"), "subject"),
            _col(_("workers affected"), "workers_affected"),
            _col(_("stage"), "stage", choices=LaborDispute.Stage.choices),
            _col(_("next deadline"), "next_deadline_on"),
            _col(_("resolved on"), "resolved_on"),
            _col(_("result"), "result", choices=LaborDispute.Result.choices),
            LAWYER,
            _col(_("territorial center"), "center__name_{lang}"),
        ),
    ),
}


def header(export: ListExport) -> list[str]:
    return [capfirst(str(column.label)) for column in export.columns]


def _plain(value: Any) -> Any:
    """A value as a cell holds it: a moment in local time without its zone (XLSX has none), yes/no."""
    if isinstance(value, datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return moment.replace(tzinfo=None, microsecond=0)
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    return value


def _reader(export: ListExport, user: User, language: str) -> Callable[[dict], list[Any]]:
    def read(row: dict) -> list[Any]:
        center_id = row[export.center_path]
        cells = []
        for column in export.columns:
            values = [row[path.format(lang=language)] for path in column.paths]
            if len(values) > 1:
                value: Any = " ".join(str(each) for each in values if each)
            else:
                value = values[0]
            if column.personal and value:
                value = shown(user, center_id, column.personal, value)
            elif column.choices is not None and value:
                value = column.choices.get(value, value)
            cells.append(_plain(value))
        return cells

    return read


def export_rows(
    export: ListExport, queryset: QuerySet, *, user: User, filters: str, file_format: str
) -> Iterator[list[Any]]:
    """The list's rows, read in chunks (core.db.rows_in_chunks: a server-side cursor, or behind a
    transaction pooler the keys first); the export is written to the audit trail (who, which list,
    which filters, how many rows) once the last row is out."""
    # A read replica if one is fit (core.db), chosen now: a streamed response reads its rows after the
    # view and the middleware (a page right after a change reads the primary) returned.
    return _export_rows(
        export, queryset.using(replica_for_reads()), user=user, filters=filters, file_format=file_format
    )


def _export_rows(
    export: ListExport, queryset: QuerySet, *, user: User, filters: str, file_format: str
) -> Iterator[list[Any]]:
    language = (get_language() or "en").split("-")[0]
    if language not in ("en", "ru", "kk"):
        language = "en"
    read = _reader(export, user, language)
    rows = queryset.prefetch_related(None).values(*export.paths(language))
    count = 0
    for row in rows_in_chunks(rows, CHUNK_SIZE):
        count += 1
        yield read(row)
    log_export(user, export.name, filters, file_format, count)


def log_export(user: User, name: str, filters: str, file_format: str, count: int) -> None:
    """An "access" entry on the exporting staff member: the list, its filters, the format, the rows."""
    with acting_as(user):
        LogEntry.objects.log_create(
            user,
            force_log=True,
            action=LogEntry.Action.ACCESS,
            changes={},
            actor=user,
            additional_data={"export": name, "filters": filters, "format": file_format, "rows": count},
        )


def filename(export: ListExport) -> str:
    return f"{export.name}-{timezone.localdate():%Y-%m-%d}"


def export_filters(query) -> str:
    """The query string without the format and the page: the filters, as the audit trail keeps them."""
    filters = query.copy()
    for key in (FORMAT_PARAMETER, "page", "page_size", "cursor"):
        filters.pop(key, None)
    return filters.urlencode()


# Large exports: built in the background (clinic.tasks.build_export) into a private file.

API_LISTS = {
    # The API list's own queryset (its view set's `get_queryset`, ordering included) and filter set.
    "cases": (
        lambda user: Application.objects.visible_to(user).order_by("-received_on", "-sequence"),
        ApplicationFilter,
    ),
    "persons": (
        lambda user: Person.objects.visible_to(user).active().order_by("full_name", "pk"),
        PersonFilter,
    ),
    "visits": (lambda user: Visit.objects.visible_to(user).order_by("-visited_at", "-pk"), VisitFilter),
    "disputes": (
        lambda user: LaborDispute.objects.visible_to(user).order_by("-opened_on", "-pk"),
        LaborDisputeFilter,
    ),
}


def api_list(name: str, user: User, query: QueryDict) -> QuerySet:
    """The API list `name` as `user` sees it filtered by `query`, outside a request (a background export)."""
    base, filterset_class = API_LISTS[name]
    filterset = filterset_class(data=query, queryset=base(user), request=SimpleNamespace(user=user))
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


def too_large(queryset: QuerySet) -> bool:
    """Whether the list has more rows than an export streamed while the user waits (a bounded count)."""
    limit = settings.EXPORT_SYNC_MAX_ROWS
    return queryset.order_by().values("pk")[: limit + 1].count() > limit


def export_later(
    *, user: User, name: str, filters: str, file_format: str, source: str = ExportJob.Source.API
) -> ExportJob:
    """Record a background export and hand it to Celery once the record is saved. `source` says whose
    filters `filters` are: the API list's filter set, or the web page's filter form."""
    from .tasks import build_export  # the tasks module imports this one

    job = ExportJob.objects.create(
        user=user,
        list_name=name,
        source=source,
        filters=filters,
        file_format=file_format,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    transaction.on_commit(lambda: build_export.delay(job.pk))
    return job


def export_build(job: ExportJob) -> ExportJob:
    """Write the job's file: the list as its owner sees it now, masked and audited as a streamed one."""
    export = EXPORTS[job.list_name]
    # The rows from a read replica that has replayed everything committed before the build began.
    with translation.override(job.language), reading_from_replica(caught_up=True):
        if job.source == ExportJob.Source.PAGE:
            _filters, queryset = PAGE_LISTS[job.list_name](QueryDict(job.filters), user=job.user)
        else:
            queryset = api_list(job.list_name, job.user, QueryDict(job.filters))
        rows = export_rows(export, queryset, user=job.user, filters=job.filters, file_format=job.file_format)
        counted = _Counted(rows, job)
        with tempfile.TemporaryFile() as target:
            if job.file_format == "csv":
                for chunk in csv_stream(header(export), counted):
                    target.write(chunk)
            else:
                xlsx_file(header(export), counted, target)
            target.seek(0)
            job.file.save(f"{filename(export)}-{job.pk}.{job.file_format}", File(target), save=False)
    job.status, job.row_count, job.finished_at = ExportJob.State.DONE, counted.count, timezone.now()
    job.rows_done = counted.count
    job.save(update_fields=["file", "status", "row_count", "rows_done", "finished_at"])
    return job


class _Counted:
    """The rows, counted; the job's progress saved every PROGRESS_EVERY rows for its page and the API."""

    def __init__(self, rows, job: ExportJob):
        self.rows, self.count, self.job = rows, 0, job

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            if self.count % PROGRESS_EVERY == 0:
                ExportJob.objects.filter(pk=self.job.pk).update(rows_done=self.count)
            yield row


def exports_delete_old() -> int:
    """Delete the background exports older than settings.EXPORT_KEEP_DAYS, their files first."""
    cutoff = timezone.now() - timedelta(days=settings.EXPORT_KEEP_DAYS)
    old = list(ExportJob.objects.filter(created_at__lt=cutoff))
    for job in old:
        if job.file:
            job.file.delete(save=False)
        job.delete()
    return len(old)
