"""Reads of the clinic's records; access scoping comes from CenterScopedQuerySet.visible_to."""

import re
from datetime import date, datetime, time, timedelta
from typing import Self

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection, connections, models
from django.db.models import Case, CharField, Q, Value, When
from django.db.models.functions import Collate, Lower
from django.utils import timezone

from organizations.identifiers import normalize_identifier
from organizations.querysets import CenterScopedQuerySet

from .names import name_key
from .search_terms import SearchTerms, search_terms
from .validators import normalize_phone

# The start of a registration number: the center's code and a dash (clinic.services.applications).
_NUMBER_START = re.compile(r"^[A-Z]{2,4}-")
# Digits with the separators people type in a phone number: "8 701 234-56-78", "+7 (701) 234".
_PHONE_LIKE = re.compile(r"\+?[\d\s()\-]+")


class PersonQuerySet(CenterScopedQuerySet):
    def active(self) -> Self:
        """Persons not merged into another: a merged record is a tombstone, out of every search and list."""
        return self.filter(merged_into__isnull=True)

    def matching(self, *, iin: str = "", phone: str = "") -> Self:
        """Persons with this IIN or this phone: the look-up done before creating a person."""
        # Normalised as person_create stores them, so a number typed at the desk finds the person.
        iin, phone = normalize_identifier(iin or ""), normalize_phone(phone or "")
        condition = Q()
        if iin:
            condition |= Q(iin=iin)
        if phone:
            condition |= Q(phone=phone)
        return self.active().filter(condition) if condition else self.none()

    def search(self, text: str) -> Self:
        """The reception desk's search: an IIN or its first digits (4+) as they are typed, a phone
        (typed any way; 5+ digits match a part of the number) or a part of the name in any spelling
        (clinic.names). Nothing for an empty text. A misspelt name: `similar_names`."""
        text = " ".join((text or "").split())
        if not text:
            return self.none()
        key = name_key(text)
        condition = Q(name_key__contains=key) if key else Q(pk__in=[])
        iin = normalize_identifier(text)
        if 4 <= len(iin) <= 12 and iin.isascii() and iin.isdigit():
            # LIKE 'prefix%', served by the (center_id, iin varchar_pattern_ops) index on PostgreSQL.
            condition |= Q(iin=iin) if len(iin) == 12 else Q(iin__startswith=iin)
        if _PHONE_LIKE.fullmatch(text):
            phone = normalize_phone(text)
            if phone.startswith("+7") and len(phone) == 12:
                condition |= Q(phone=phone)
            else:
                # A number still being typed: drop the country prefix (8, 7 or +7) and match the rest.
                digits = re.sub(r"\D", "", text)
                digits = digits[1:] if digits[:1] in ("7", "8") else digits
                if len(digits) >= 5:
                    condition |= Q(phone__contains=digits)
        return self.active().filter(condition)

    def name_starting(self, key: str) -> Self:
        """Persons whose name (its clinic.names key) starts with `key`, in the key's order: what the
        desk's search shows first as a name is typed. On PostgreSQL in the key's byte order, which the
        (center_id, name_key COLLATE "C") index gives ready sorted: ten rows read, whatever the number
        of "Иванов"s."""
        starting = self.active().filter(name_key__startswith=key)
        if connections[self.db].vendor == "postgresql":
            return starting.order_by(Collate("name_key", "C"), "pk")
        return starting.order_by("name_key", "pk")

    def similar_names(self, text: str) -> Self:
        """Persons whose name is like the typed one though spelt differently ("Нурлн Сериков"), most
        similar first. PostgreSQL: pg_trgm's word similarity on the spelling key (the GIN index serves
        the %> operator). SQLite: the names with a word that begins like a typed word, unordered (the
        caller orders them by clinic.names.name_similarity)."""
        key = name_key(text)
        if len(key.replace(" ", "")) < 3:
            return self.none()
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import TrigramWordSimilarity

            return (
                self.active()
                .filter(name_key__trigram_word_similar=key)
                .annotate(similarity=TrigramWordSimilarity(key, "name_key"))
                .order_by("-similarity", "full_name", "pk")
            )
        condition = Q()
        for word in key.split():
            if len(word) >= 3:
                condition |= Q(name_key__startswith=word[:3]) | Q(name_key__contains=f" {word[:3]}")
        return self.active().filter(condition) if condition else self.none()

    def similar_full_names(self, full_name: str, *, threshold: float = 0.5) -> Self:
        """Persons whose whole name is close to this one: the duplicate check before creating a person.
        PostgreSQL: trigram similarity of the spelling keys (the % operator, through the GIN index).
        SQLite: the same key, or a name sharing a whole word (the caller keeps the close ones)."""
        key = name_key(full_name)
        if not key:
            return self.none()
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import TrigramSimilarity

            return (
                self.active()
                .filter(name_key__trigram_similar=key)
                .annotate(similarity=TrigramSimilarity("name_key", key))
                .filter(similarity__gte=threshold)
                .order_by("-similarity", "pk")
            )
        condition = Q(name_key=key)
        for word in key.split():
            if len(word) >= 3:
                condition |= (
                    Q(name_key=word)
                    | Q(name_key__startswith=f"{word} ")
                    | Q(name_key__endswith=f" {word}")
                    | Q(name_key__contains=f" {word} ")
                )
        return self.active().filter(condition)

    def found_by(self, terms: SearchTerms, *, personal_data: bool) -> Self:
        """Persons whose name (any spelling) contains the text, or, for those who may look persons up
        by personal data, whose IIN or phone starts with the number typed. Each through an index on
        PostgreSQL: the name key's trigrams, the IIN's and the phone's prefixes."""
        condition = Q(name_key__contains=terms.name_key) if terms.name_key else Q(pk__in=[])
        if personal_data:
            if terms.iin_prefix:
                condition |= Q(iin__startswith=terms.iin_prefix)
            for prefix in terms.phone_prefixes:
                condition |= Q(phone__startswith=prefix)
        return self.active().filter(condition)


class VisitQuerySet(CenterScopedQuerySet):
    def on_day(self, day: date) -> Self:
        """Visits of a local calendar day (the active time zone's)."""
        # A range of the column itself, which the index on (center, visited_at) finds; not
        # visited_at__date, a cast of every row's timestamp that reads all of the center's visits.
        zone = timezone.get_current_timezone()
        start = timezone.make_aware(datetime.combine(day, time.min), zone)
        end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), zone)
        return self.filter(visited_at__gte=start, visited_at__lt=end)

    def with_list_relations(self) -> Self:
        """What a list of visits shows, in a fixed number of queries."""
        return self.select_related(
            "person", "channel", "registered_by", "application", "online_submission"
        ).prefetch_related("topics")

    def online_pending(self) -> Self:
        """Questions sent online that nobody at the reception has dealt with yet, oldest first."""
        return self.filter(online_submission__isnull=False, result="pending").order_by("visited_at")


class ApplicationQuerySet(CenterScopedQuerySet):
    def open(self) -> Self:
        from .models import OPEN_STATUSES

        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: date | None = None) -> Self:
        """Not decided after the due date."""
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def not_overdue(self, today: date | None = None) -> Self:
        """Everything `overdue()` leaves out: decided or closed cases, and open ones still in time."""
        from .models import OPEN_STATUSES

        # One exclude() with both conditions excludes rows matching both: NOT (open AND late).
        return self.exclude(status__in=OPEN_STATUSES, due_on__lt=today or timezone.localdate())

    def due_between(self, start: date, end: date) -> Self:
        return self.open().filter(due_on__gte=start, due_on__lte=end)

    def assigned_to(self, user) -> Self:
        return self.filter(lawyer=user)

    def search(self, text: str, *, personal_data: bool = False, user=None) -> Self:
        """Cases whose registration number contains the text, whose applicant is found by it (a name in
        any spelling; with `personal_data`, the start of an IIN or a phone number typed any way) or
        whose employer's name contains it or BIN is it. With `user`, the applicants looked at are the
        user's centers' only (the cases must be scoped by visible_to all the same)."""
        terms = search_terms(text)
        if not terms:
            return self
        from organizations.models import Employer

        from .models import Application, Person

        # One index per key, their rows united, then narrowed and sorted by the list: an OR across the
        # joined tables would read every case of the center instead.
        cases = Application._default_manager.order_by()
        persons = Person._default_manager.order_by()
        employers = Employer._default_manager.order_by()
        if user is not None:
            # A center's applicants, not the federation's: a common surname then leads to a few hundred
            # cases through the index on their applicant, not to a scan of every case. (Not so the
            # employers: a case may name another center's employer.)
            persons = persons.visible_to(user)
        persons = persons.found_by(terms, personal_data=personal_data)
        employer = Q(name_lower__contains=terms.text.lower())
        if terms.bin:
            employer |= Q(bin=terms.bin)
        employers = employers.alias(name_lower=Lower("name")).filter(employer)
        # A number typed from its start (the center's code first: "ALA-2021-000") is a prefix, read from
        # the number's pattern-order index; a part of one ("2021-00012") goes through its trigrams.
        number = (
            Q(registration_number__startswith=terms.number)
            if _NUMBER_START.match(terms.number)
            else Q(registration_number__contains=terms.number)
        )
        matches = (
            cases.filter(number)
            .values("pk")
            .union(
                # A register's own number, kept by the import, as typed.
                cases.filter(external_key=terms.text).values("pk"),
                cases.filter(person__in=persons.values("pk")).values("pk"),
                cases.filter(employer__in=employers.values("pk")).values("pk"),
            )
        )
        return self.filter(pk__in=matches)

    def with_deadline_state(self, today: date, soon_until: date) -> Self:
        """Annotate `deadline_state`: "overdue", "due_soon" (due by `soon_until`) or "" (in time, or done)."""
        from .models import OPEN_STATUSES

        return self.annotate(
            deadline_state=Case(
                When(status__in=OPEN_STATUSES, due_on__lt=today, then=Value("overdue")),
                When(status__in=OPEN_STATUSES, due_on__lte=soon_until, then=Value("due_soon")),
                default=Value(""),
                output_field=CharField(),
            )
        )

    def with_list_relations(self) -> Self:
        """What a list of cases shows (applicant, service, topic, kind, lawyer, center) in one query."""
        return self.select_related("person", "service", "topic", "kind", "lawyer", "center")


class ApplicationRelatedQuerySet(CenterScopedQuerySet):
    """Notes, documents, status changes and extensions belong to a center through their application."""

    center_lookup = "application__center"


class NoteQuerySet(ApplicationRelatedQuerySet):
    def containing(self, text: str) -> Self:
        """Notes with the words of `text`: PostgreSQL's full-text search in the Russian configuration (any
        form of a word: "уволен" finds "уволена"), through its GIN index; elsewhere (SQLite) each word as
        a part of the text, case-insensitive (core.sqlite's lower())."""
        text = " ".join((text or "").split())
        if not text:
            return self.none()
        if connections[self.db].vendor == "postgresql":
            return self.alias(document=SearchVector("text", config="russian")).filter(
                document=SearchQuery(text, config="russian", search_type="websearch")
            )
        # Every word somewhere in the note, as the full-text search asks.
        words = Q(*[Q(text_lower__contains=word) for word in text.lower().split()])
        return self.alias(text_lower=Lower("text")).filter(words)


class OnlineAttachmentQuerySet(CenterScopedQuerySet):
    """Documents sent online belong to a center through their submission."""

    center_lookup = "submission__center"


class LaborDisputeQuerySet(CenterScopedQuerySet):
    def resolved(self) -> Self:
        return self.exclude(result="")

    def deadline_passed(self, today: date) -> Self:
        """Unresolved disputes whose awaited date (the last day to file, or the commission's decision)
        is past: `next_deadline_on` is empty once resolved."""
        return self.filter(next_deadline_on__lt=today)

    def deadline_between(self, start: date, end: date) -> Self:
        """Unresolved disputes whose awaited date falls within [start, end]."""
        return self.filter(next_deadline_on__gte=start, next_deadline_on__lte=end)

    def assigned_to(self, user) -> Self:
        return self.filter(lawyer=user)

    def nearest_deadline_first(self) -> Self:
        """The lists' order: the nearest awaited date first, disputes awaiting none last (the index on
        center or lawyer, next_deadline_on, id). Field names, for keyset paging (core.api.common.Keyset),
        which puts the NULLs last on every database."""
        return self.order_by("next_deadline_on", "pk")


class LetterTemplateQuerySet(models.QuerySet):
    """The federation's letter templates (no center) are offered to every center; a center's own, to
    its staff only."""

    def visible_to(self, user) -> Self:
        """The federation's templates and the own center's; every one for federation-level staff."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.sees_all_centers:
            return self
        return self.for_center(user.center_id)

    def for_center(self, center_id: int) -> Self:
        """What a case of this center may be written from: the federation's templates and its own."""
        return self.filter(Q(center__isnull=True) | Q(center_id=center_id))

    def offered(self) -> Self:
        """The active templates as the case page offers them, without their files (read when used)."""
        return (
            self.filter(is_active=True)
            .defer("content", "placeholders")
            .order_by("language", "purpose", "name")
        )


class EventQuerySet(CenterScopedQuerySet):
    def between(self, start: datetime, end: datetime) -> Self:
        """Events starting in [start, end)."""
        return self.filter(starts_at__gte=start, starts_at__lt=end)

    def with_record(self) -> Self:
        """With what a calendar shows of each: the case's number, the dispute's employer, the lawyer."""
        return self.select_related("application", "dispute__employer", "lawyer")
