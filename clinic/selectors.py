"""Reads of the clinic built in one place for the web pages and the API alike."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from auditlog.models import LogEntry
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations.models import User

from .models import Application, Document, Note, Person
from .personal_data import searches_by_personal_data
from .search_terms import search_terms


@dataclass(frozen=True)
class TimelineEntry:
    """One event of a case. The API shows the events' facts; the page shows the title, and the audit
    trail's entries with their changes."""

    at: datetime
    kind: str  # status_change, note, document, deadline_extension, audit
    title: str
    by: User | None
    text: str = ""
    from_status: str | None = None
    to_status: str | None = None
    new_due_on: date | None = None
    document: Document | None = None
    notified_on: date | None = None  # an extension: when the applicant was told
    changes: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def description(self) -> str:
        """The text under the title on the case page (a document is shown as its link instead)."""
        if self.kind == "document":
            return ""
        if self.kind == "deadline_extension" and self.notified_on:
            return _("%(reason)s (applicant told on %(told)s)") % {
                "reason": self.text,
                "told": date_format(self.notified_on, "SHORT_DATE_FORMAT"),
            }
        return self.text


AUDIT_TITLES = {
    LogEntry.Action.CREATE: gettext_lazy("Audit: record created"),
    LogEntry.Action.UPDATE: gettext_lazy("Audit: record changed"),
    LogEntry.Action.DELETE: gettext_lazy("Audit: record deleted"),
}


def _display(value) -> str:
    """An audit value as people read it: auditlog writes "None" for an empty one."""
    return "—" if value in (None, "", "None") else str(value)


def _audit_entries(case: Application, status_changes: Counter[tuple[str, str]]) -> list[TimelineEntry]:
    """The audit trail's entries, without what the status history already shows: a status change the
    history recorded is left out of the entry (and an entry that said nothing else, left out)."""
    status_name = str(Application._meta.get_field("status").verbose_name)
    entries = []
    for entry in LogEntry.objects.get_for_object(case).select_related("actor", "content_type"):
        changes = []
        in_history = False
        if entry.action == LogEntry.Action.UPDATE:
            old_new = entry.changes_dict.get("status")
            if old_new and len(old_new) == 2 and status_changes[(old_new[0], old_new[1])] > 0:
                status_changes[(old_new[0], old_new[1])] -= 1
                in_history = True
            for name, values in entry.changes_display_dict.items():
                if in_history and str(name) == status_name:
                    continue
                old, new = ([_display(value) for value in values] + ["", ""])[:2]
                changes.append((str(name), old, new))
            if in_history and not changes:
                continue
        title = AUDIT_TITLES.get(entry.action, _("Record changed"))
        entries.append(TimelineEntry(entry.timestamp, "audit", str(title), entry.actor, changes=changes))
    return entries


def case_timeline(case: Application, *, with_audit_trail: bool = False) -> list[TimelineEntry]:
    """Status changes, notes, documents and deadline extensions (and, for the page, the audit trail),
    oldest first; one query for each kind, whatever the length."""
    entries = []
    recorded: Counter[tuple[str, str]] = Counter()
    for change in case.status_changes.select_related("changed_by"):
        recorded[(change.from_status or "", change.to_status)] += 1
        title = (
            _("%(from)s → %(to)s")
            % {"from": change.get_from_status_display(), "to": change.get_to_status_display()}
            if change.from_status
            else change.get_to_status_display()
        )
        entries.append(
            TimelineEntry(
                change.changed_at,
                "status_change",
                title,
                change.changed_by,
                change.reason,
                from_status=change.from_status,
                to_status=change.to_status,
            )
        )
    for note in case.notes.select_related("author"):
        entries.append(TimelineEntry(note.created_at, "note", _("Note"), note.author, note.text))
    for document in case.documents.select_related("uploaded_by"):
        entries.append(
            TimelineEntry(
                document.uploaded_at,
                "document",
                _("Document"),
                document.uploaded_by,
                document.original_name,
                document=document,
            )
        )
    for extension in case.extensions.select_related("extended_by"):
        title = _("Deadline extended: %(old)s → %(new)s") % {
            "old": date_format(extension.previous_due_on, "SHORT_DATE_FORMAT"),
            "new": date_format(extension.new_due_on, "SHORT_DATE_FORMAT"),
        }
        entries.append(
            TimelineEntry(
                extension.extended_at,
                "deadline_extension",
                title,
                extension.extended_by,
                extension.reason,
                new_due_on=extension.new_due_on,
                notified_on=extension.applicant_notified_on,
            )
        )
    if with_audit_trail:
        entries += _audit_entries(case, recorded)
    return sorted(entries, key=lambda entry: entry.at)


# The staff's search box


SEARCH_KINDS = ("persons", "cases", "notes")
SEARCH_GROUP_LIMIT = 10


def search_querysets(user: User, text: str) -> dict:
    """What the search box finds for `user`, by kind, each in its list's order: persons (a name in any
    spelling; the start of an IIN or a phone for those who may look persons up by them), cases (by
    number, applicant, employer name or BIN) and notes (their words). All of the user's centers only."""
    terms = search_terms(text)
    if not terms:
        return {kind: Application.objects.none() for kind in SEARCH_KINDS}
    personal_data = searches_by_personal_data(user)
    return {
        "persons": Person.objects.visible_to(user)
        .found_by(terms, personal_data=personal_data)
        .select_related("employer")
        .order_by("full_name", "pk"),
        "cases": Application.objects.visible_to(user)
        .search(terms.text, personal_data=personal_data, user=user)
        .select_related("person", "employer", "lawyer")
        .order_by("-received_on", "-sequence", "-pk"),
        "notes": Note.objects.visible_to(user)
        .containing(terms.text)
        .select_related("application", "application__person", "author")
        .order_by("-created_at", "-pk"),
    }


@dataclass(frozen=True)
class SearchGroup:
    """The first rows of one kind, and whether there are more than those."""

    kind: str
    rows: list
    more: bool


def site_search(user: User, text: str, limit: int = SEARCH_GROUP_LIMIT) -> list[SearchGroup]:
    """The search box's answer: up to `limit` rows of each kind (one query a kind)."""
    groups = []
    for kind, queryset in search_querysets(user, text).items():
        rows = list(queryset[: limit + 1])
        groups.append(SearchGroup(kind, rows[:limit], len(rows) > limit))
    return groups
