"""Reads of the clinic built in one place for the web pages and the API alike."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from difflib import SequenceMatcher

from auditlog.models import LogEntry
from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber, Substr
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations.models import User

from . import limitation
from .models import (
    Application,
    DestructionRecord,
    Document,
    LaborDispute,
    LimitationRule,
    Note,
    Person,
    Topic,
    Visit,
)
from .names import name_key, name_similarity
from .personal_data import searches_by_personal_data
from .querysets import PersonQuerySet
from .search_terms import search_terms


@dataclass(frozen=True)
class TimelineEntry:
    """One event of a case. The API shows the events' facts; the page shows the title, and the audit
    trail's entries with their changes."""

    at: datetime
    kind: str  # status_change, note, document, deadline_extension, message, audit
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
    entries += _message_entries(case)
    if with_audit_trail:
        entries += _audit_entries(case, recorded)
    return sorted(entries, key=lambda entry: entry.at)


def _message_entries(case: Application) -> list[TimelineEntry]:
    """The messages to the applicant: when queued, the channel, what about, and what became of them
    (with the gateway's or mail server's error, for the staff)."""
    entries = []
    for message in case.outgoing_messages.order_by("queued_at", "pk"):
        title = _("%(channel)s to the applicant: %(purpose)s (%(status)s)") % {
            "channel": message.get_channel_display(),
            "purpose": message.get_purpose_display(),
            "status": message.get_status_display(),
        }
        if message.sent_at:
            text = _("Sent %s.") % date_format(timezone.localtime(message.sent_at), "SHORT_DATETIME_FORMAT")
        else:
            text = message.last_error
        entries.append(TimelineEntry(message.queued_at, "message", title, None, text))
    return entries


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


# Persons: the desk's search, the duplicate check, a person's history


SEARCH_LIMIT = 10


def persons_found(persons: PersonQuerySet, text: str, *, limit: int = SEARCH_LIMIT) -> list[Person]:
    """The desk's search over `persons` (already visible_to the user): IIN (or its first digits), phone,
    a part of the name; when that finds fewer than `limit`, the names spelt alike ("Нурлн" for
    "Нурлан"), most similar first. At most two queries, each index-backed and limited."""
    key = name_key(text)
    # Names that start as typed first, from their ordered index; then the other matches (IIN, phone,
    # a part of a name), only when those are fewer than the limit.
    found = list(persons.name_starting(key)[:limit]) if key else []
    if len(found) < limit:
        found += persons.search(text).exclude(pk__in=[person.pk for person in found])[: limit - len(found)]
    if len(found) >= limit:
        return found
    similar = persons.similar_names(text).exclude(pk__in=[person.pk for person in found])
    if connection.vendor == "postgresql":
        return found + list(similar[: limit - len(found)])
    candidates = [(name_similarity(key, person.name_key), person) for person in similar[:SIMILAR_CANDIDATES]]
    close = sorted(
        (pair for pair in candidates if pair[0] >= SQLITE_SIMILARITY),
        key=lambda pair: (-pair[0], pair[1].full_name, pair[1].pk),
    )
    return found + [person for _ratio, person in close[: limit - len(found)]]


SIMILAR_CANDIDATES = 200  # SQLite: the names sharing a word's beginning, ordered in Python
SQLITE_SIMILARITY = 0.6
DUPLICATES_SHOWN = 5


@dataclass(frozen=True)
class PossibleDuplicates:
    """Persons already registered in the center who may be the one about to be registered."""

    same_phone: list[Person]
    similar_name: list[Person]

    def __bool__(self) -> bool:
        return bool(self.same_phone or self.similar_name)

    @property
    def all(self) -> list[Person]:
        seen = {person.pk: person for person in (*self.same_phone, *self.similar_name)}
        return list(seen.values())


def possible_duplicates(
    *, center_id: int, full_name: str, phone: str, exclude_pk: int | None = None
) -> PossibleDuplicates:
    """The same phone, or a similar name (any spelling), among the center's persons: what the desk and
    the API show before a person is created. Tombstones of merged persons are left out."""
    persons = Person.objects.active().filter(center_id=center_id)
    if exclude_pk is not None:
        persons = persons.exclude(pk=exclude_pk)
    same_phone = list(persons.filter(phone=phone).order_by("pk")[:DUPLICATES_SHOWN]) if phone else []
    similar = persons.similar_full_names(full_name, threshold=DUPLICATE_SIMILARITY)
    if connection.vendor == "postgresql":
        # The % operator's threshold, for this transaction (one of its own, or the setting would end
        # with the statement): the index then prunes the names that share a few common trigrams only,
        # instead of handing thousands to the similarity filter.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(DUPLICATE_SIMILARITY)]
            )
            similar_name = list(similar[:DUPLICATES_SHOWN])
    else:
        key = name_key(full_name)
        similar_name = [
            person
            for person in similar.order_by("pk")[:SIMILAR_CANDIDATES]
            if person.name_key == key
            or SequenceMatcher(None, key, person.name_key).ratio() >= SQLITE_DUPLICATE_SIMILARITY
        ][:DUPLICATES_SHOWN]
    return PossibleDuplicates(same_phone, similar_name)


SQLITE_DUPLICATE_SIMILARITY = 0.75
DUPLICATE_SIMILARITY = 0.5


def describe_persons(persons: list[Person]) -> str:
    """Persons named in a warning: "Нурлан Сериков (record 12), ..."."""
    return ", ".join(
        _("%(name)s (record %(id)s)") % {"name": person.full_name, "id": person.pk} for person in persons
    )


@dataclass(frozen=True)
class HistorySummary:
    """What the desk shows of a found person: how often they came, and their latest cases."""

    visits: int = 0
    cases: int = 0
    latest_cases: list[Application] = field(default_factory=list)

    @property
    def open_cases(self) -> list[Application]:
        return [case for case in self.latest_cases if case.is_open]


LATEST_CASES = 3


def history_summaries(persons: list[Person], user: User) -> dict[int, HistorySummary]:
    """For each person, the visits and cases the user may see: counts and the latest cases. Three
    queries whatever the number of persons."""
    pks = [person.pk for person in persons]
    if not pks:
        return {}
    visits = dict(
        Visit.objects.visible_to(user)
        .filter(person__in=pks)
        .values_list("person")
        .annotate(count=Count("pk"))
        .order_by()
    )
    cases_count = dict(
        Application.objects.visible_to(user)
        .filter(person__in=pks)
        .values_list("person")
        .annotate(count=Count("pk"))
        .order_by()
    )
    latest: dict[int, list[Application]] = {}
    ranked = (
        Application.objects.visible_to(user)
        .filter(person__in=pks)
        .select_related("topic", "outcome")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("person_id")],
                order_by=[F("received_on").desc(), F("sequence").desc()],
            )
        )
        .filter(rank__lte=LATEST_CASES)
        .order_by("person_id", "rank")
    )
    for case in ranked:
        latest.setdefault(case.person_id, []).append(case)
    return {
        pk: HistorySummary(visits.get(pk, 0), cases_count.get(pk, 0), latest.get(pk, []))
        for pk in pks
        if visits.get(pk) or cases_count.get(pk)
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


@dataclass(frozen=True)
class PersonHistory:
    """A person's earlier visits and cases, newest first, as far as the user may see them."""

    visits: list[Visit]
    cases: list[Application]


HISTORY_LIMIT = 100


def person_history(
    person: Person, user: User, *, exclude_case: Application | None = None, visits: bool = True
) -> PersonHistory:
    """The person's visits (with their topics and the case opened) and cases (topic, status, outcome),
    newest first, each list up to HISTORY_LIMIT: three queries whatever their length (one for the
    cases alone, `visits=False`)."""
    earlier_visits = []
    if visits:
        earlier_visits = list(
            Visit.objects.visible_to(user)
            .filter(person=person)
            .select_related("channel", "application")
            .prefetch_related("topics")
            .order_by("-visited_at", "-pk")[:HISTORY_LIMIT]
        )
    cases = (
        Application.objects.visible_to(user)
        .filter(person=person)
        .select_related("topic", "outcome", "service")
        .order_by("-received_on", "-sequence")
    )
    if exclude_case is not None:
        cases = cases.exclude(pk=exclude_case.pk)
    return PersonHistory(earlier_visits, list(cases[:HISTORY_LIMIT]))


def open_cases_on_topic(person: Person, topic: Topic | None) -> list[Application]:
    """The person's open cases on this topic: a second one is opened only when the user confirms."""
    if topic is None or person.pk is None:
        return []
    return list(Application.objects.filter(person=person, topic=topic).open().order_by("received_on"))


# The federation's list of possible duplicates across centers


@dataclass(frozen=True)
class CrossCenterDuplicate:
    """Two persons of different centers who may be one: the same IIN, or a like name and birth date."""

    first: Person
    second: Person
    reason: str  # "same_iin" or "similar_name_and_birth_date"


def cross_center_duplicates(user: User, *, limit: int = 50) -> list[CrossCenterDuplicate]:
    """Persons registered in two centers, for federation staff: the same IIN, or the same name in any
    spelling (the spelling key: "Нұрлан", "Нурлан", "Nurlan") with the same birth date (the IIN's first
    six digits) but another IIN. Two grouped queries and one for the persons, whatever the number of
    persons; the caller masks IIN and phone as it shows them."""
    persons = Person.objects.visible_to(user).active().exclude(iin="")
    same_iin = list(
        persons.values("iin")
        .annotate(centers=Count("center", distinct=True))
        .filter(centers__gt=1)
        .order_by("iin")
        .values_list("iin", flat=True)[:limit]
    )
    alike = list(
        persons.annotate(born=Substr("iin", 1, 6))
        .values("born", "name_key")
        .annotate(centers=Count("center", distinct=True), iins=Count("iin", distinct=True))
        .filter(centers__gt=1, iins__gt=1)
        .order_by("born", "name_key")
        .values_list("born", "name_key")[:limit]
    )
    if not same_iin and not alike:
        return []
    condition = Q(iin__in=same_iin)
    for born, key in alike:
        condition |= Q(iin__startswith=born, name_key=key)
    found = list(persons.filter(condition).select_related("center").order_by("pk"))
    pairs = []
    for reason, groups in (
        ("same_iin", _grouped(found, lambda person: person.iin if person.iin in same_iin else None)),
        ("similar_name_and_birth_date", _grouped(found, lambda person: (person.iin[:6], person.name_key))),
    ):
        for group in groups:
            first = group[0]
            second = next(
                (
                    other
                    for other in group[1:]
                    if other.center_id != first.center_id and (reason == "same_iin" or other.iin != first.iin)
                ),
                None,
            )
            if second is not None:
                pairs.append(CrossCenterDuplicate(first, second, reason))
    return pairs[:limit]


def _grouped(persons: list[Person], key) -> list[list[Person]]:
    groups: dict = {}
    for person in persons:
        value = key(person)
        if value is not None:
            groups.setdefault(value, []).append(person)
    return [group for group in groups.values() if len(group) > 1]


def destruction_records() -> QuerySet[DestructionRecord]:
    """Every destruction record with its run, newest run first: what the retention rules destroyed."""
    return DestructionRecord.objects.select_related("run").order_by("-run__started_at", "-run_id", "pk")


def limitation_rules_for(dispute: LaborDispute) -> list[LimitationRule]:
    """The active limitation rules that give this dispute its dates (the first per date, as the clock
    reads them: clinic.limitation.deadlines), for the dispute page to name the period and its basis."""
    facts = dispute.limitation_facts()
    chosen: dict[str, LimitationRule] = {}
    for rule in LimitationRule.objects.filter(is_active=True).order_by("sort_order", "code"):
        if rule.counted_from not in chosen and limitation.applies(rule, facts):
            chosen[rule.counted_from] = rule
    return list(chosen.values())
