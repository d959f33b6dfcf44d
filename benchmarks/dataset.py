"""A large, deterministic synthetic dataset for benchmarks: `manage.py generate_dataset`.

N applications spread over the 20 centers and the last `years` years ending today, with their
persons (some apply more than once), a reception visit for each public-reception case, status
changes, notes on a fraction of the cases, labor disputes grown out of some cases and disputes
prevented by the conflict-prevention centers. Registration numbers and RegistrationCounter rows are
exactly what the services would have given, received date by received date.

Rows go in with PostgreSQL COPY (psycopg 3), a chunk of applications at a time, in one transaction:
a run either loads everything or nothing. The vocabulary (topics per service, kinds, channels,
outcome weights, names) is the demo's (seeds.clinic); the demo itself stays small and uses the ORM.
The same seed, N, years and day give the same rows.
"""

import random
import sys
import time
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TextIO

from dateutil.relativedelta import relativedelta
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from clinic import workdays
from clinic.models import (
    Application,
    ApplicationKind,
    LaborDispute,
    Outcome,
    RepresentativeOffice,
    Service,
    Status,
)
from clinic.names import name_key
from organizations.identifiers import make_bin, make_iin
from organizations.models import BranchUnion, Employer, PrimaryOrganization, Role, TerritorialCenter, User
from reports.models import Report
from seeds.clinic import CHANNELS, FIRST_NAMES, KINDS, LAST_NAMES, OUTCOME_WEIGHTS, TOPICS

DEFAULT_APPLICATIONS = 1_000_000
DEFAULT_SEED = 42
DEFAULT_YEARS = 5
CHUNK = 20_000  # applications generated and copied at a time

# Cases per center follow the population of its region (millions, roughly), by ISO code.
CENTER_WEIGHTS = {
    "KZ-10": 0.6, "KZ-11": 0.79, "KZ-15": 0.93, "KZ-19": 1.5, "KZ-23": 0.69, "KZ-27": 0.69,
    "KZ-31": 1.2, "KZ-33": 0.7, "KZ-35": 1.1, "KZ-39": 0.83, "KZ-43": 0.82, "KZ-47": 0.78,
    "KZ-55": 0.75, "KZ-59": 0.53, "KZ-61": 2.1, "KZ-62": 0.22, "KZ-63": 0.73, "KZ-71": 1.4,
    "KZ-75": 2.2, "KZ-79": 1.2,
}  # fmt: skip
SERVICE_SHARES = {Service.PUBLIC_RECEPTION: 0.55, Service.LEGAL_CLINIC: 0.35, Service.PREVENTION_CENTER: 0.10}
# Fewer cases in the January holidays and in summer; some questions come in online at weekends.
MONTH_FACTORS = (0.8, 0.95, 1.05, 1.05, 0.95, 0.9, 0.75, 0.8, 1.05, 1.1, 1.1, 1.0)
DAY_OFF_FACTOR = 0.08
GROWTH_PER_YEAR = 0.06
REPEAT_APPLICANT = 0.2  # a case of a person who applied before, in the same center
OPEN_WHEN_RECENT, OPEN_WHEN_OLD = 0.7, 0.02  # received in the last 30 days / before: still open
LATE_DECISIONS = 0.08  # decided after the deadline
WITH_NOTES = 0.25
WITH_OFFICE = 0.15  # of a center's cases that has representative offices
WITHOUT_EMPLOYER = 0.15
DISPUTE_TOPICS = ("wages", "dismissal", "reinstatement")
DISPUTE_FROM_CLINIC, DISPUTE_FROM_APPEAL, PREVENTED_FROM_POSITIVE = 0.12, 0.2, 0.25
OPEN_STATUSES = [Status.REGISTERED, Status.IN_PROGRESS, Status.IN_PROGRESS, Status.ON_HOLD]
SUMMARIES = (
    "Question about {topic}.",
    "Asks for help with {topic}.",
    "Complaint about the employer: {topic}.",
    "Consultation on {topic}.",
)
NOTE_TEXTS = (
    "Called the applicant, documents requested.",
    "Letter sent to the employer.",
    "Employer's answer received.",
    "Inquiry sent to the labor inspection.",
    "Applicant brought the employment contract.",
    "Meeting with the employer's HR department.",
)
DISPUTE_SUBJECTS = {
    "wages": "Wage arrears",
    "dismissal": "Unlawful dismissal",
    "reinstatement": "Reinstatement at work",
    "collective": "Collective agreement not honoured",
}
PREVENTION_METHODS = (
    "Talks with the employer",
    "Mediation with the labor collective",
    "Joint commission on wage arrears",
    "Monitoring of social stability",
)
PHONE_OPERATORS = ("700", "701", "702", "705", "707", "747", "771", "775", "777", "778")
STAFF_PREFIX = "ds-"  # usernames of the dataset's staff: ds-<center code>-<role>-<n>

# What the generator writes, in COPY column order. Tables with ids the generator assigns itself
# (others refer to them) list "id" first.
COLUMNS = {
    "clinic_person": (
        "id", "version", "created_at", "updated_at", "center_id", "full_name", "name_key", "iin", "phone",
        "email", "is_union_member", "employer_id", "primary_organization_id", "language", "notify_by_email",
        "notify_by_sms",
    ),
    "clinic_visit": (
        "id", "version", "created_at", "updated_at", "center_id", "office_id", "person_id", "employer_id",
        "visited_at", "channel_id", "question", "action_taken", "result", "registered_by_id",
    ),
    "clinic_visit_topics": ("visit_id", "topic_id"),
    "clinic_application": (
        "id", "version", "created_at", "updated_at", "center_id", "office_id", "year", "sequence",
        "registration_number", "person_id", "visit_id", "employer_id", "service_id", "kind_id", "topic_id",
        "channel_id", "summary", "received_on", "due_on", "lawyer_id", "status", "outcome_id", "decided_on",
        "decision", "recovered_kzt", "registered_by_id", "public_answer",
    ),
    "clinic_statuschange": (
        "application_id", "from_status", "to_status", "reason", "changed_by_id", "changed_at",
    ),
    "clinic_note": ("application_id", "text", "author_id", "created_at"),
    "clinic_labordispute": (
        "id", "version", "created_at", "updated_at", "center_id", "kind", "employer_id", "subject",
        "is_reinstatement", "disputed_act_on", "workers_affected", "stage", "opened_on", "resolved_on",
        "result", "recovered_kzt", "lawyer_id", "registered_by_id",
    ),
    "clinic_labordispute_applications": ("labordispute_id", "application_id"),
    "clinic_preventeddispute": (
        "center_id", "employer_id", "primary_organization_id", "prevented_on", "how", "workers_affected",
        "recorded_by_id", "created_at",
    ),
}  # fmt: skip
COUNTER_COLUMNS = ("center_id", "year", "last_sequence")
LOADED_TABLES = (*COLUMNS, "clinic_registrationcounter")
ID_TABLES = ("clinic_person", "clinic_visit", "clinic_application", "clinic_labordispute")
# Every table the generator fills; --truncate empties them (and, by CASCADE, what refers to them).
CASE_TABLES = (
    *COLUMNS,
    "clinic_registrationcounter",
    "clinic_deadlineextension",
    "clinic_document",
)


class _Random(random.Random):
    """random.Random with choice, randrange and randint built on random(): three times faster than the
    exact rejection sampling, and as deterministic; the bias (under 2**-40) does not matter here."""

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randrange(self, start, stop=None, step=1):
        if stop is None:
            start, stop = 0, start
        return start + step * int(self.random() * ((stop - start + step - 1) // step))

    def randint(self, a, b):
        return a + int(self.random() * (b - a + 1))


class DatasetError(Exception):
    """The dataset cannot be generated here (not PostgreSQL, data already present...)."""


@dataclass
class Summary:
    """What a run wrote, per table, and how long it took."""

    rows: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass
class _Center:
    pk: int
    code: str
    employers: list[int]
    organizations: dict[int, int]  # employer id -> primary organization id
    offices: list[int]
    lawyers: list[int]
    reception: list[int]
    manager: int
    persons: list[tuple[int, int | None]] = field(default_factory=list)  # (id, employer id) for repeats
    iins: set[str] = field(default_factory=set)


class Progress:
    """A one-line progress bar on stderr: done/total, rows per second, ETA; plain lines when not a TTY."""

    def __init__(self, total: int, stream: TextIO | None = None, label: str = "applications"):
        self.total, self.label = total, label
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.started = self.last = time.monotonic()
        self.next_line = 0.1

    def update(self, done: int, rows: int) -> None:
        now = time.monotonic()
        fraction = done / self.total if self.total else 1.0
        if self.tty and now - self.last < 0.2 and done < self.total:
            return
        if not self.tty and fraction < self.next_line and done < self.total:
            return
        self.last = now
        self.next_line = (int(fraction * 10) + 1) / 10
        elapsed = max(now - self.started, 1e-9)
        eta = elapsed / fraction - elapsed if fraction else 0.0
        bar = "#" * int(fraction * 30)
        line = (
            f"[{bar:<30}] {fraction:6.1%} {done:,}/{self.total:,} {self.label}, "
            f"{rows / elapsed:,.0f} rows/s, "
            f"elapsed {_clock(elapsed)}, ETA {_clock(eta)}"
        )
        self.stream.write(f"\r{line}" if self.tty else f"{line}\n")
        if self.tty and done >= self.total:
            self.stream.write("\n")
        self.stream.flush()

    def note(self, text: str) -> None:
        """A phase of the run, with the time since the start."""
        self.stream.write(f"[{_clock(time.monotonic() - self.started)}] {text}\n")
        self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class _Calendar:
    """Working-day arithmetic over the dataset's window by table look-up (the clinic's calendar)."""

    def __init__(self, first: date, last: date):
        self.days = [first + timedelta(n) for n in range((last - first).days + 1)]
        end = last + timedelta(days=120)  # room for deadlines and late decisions after the last day
        span = [first + timedelta(n) for n in range((end - first).days + 1)]
        self.working = [day for day in span if workdays.is_working_day(day)]
        self.ordinals = [day.toordinal() for day in self.working]

    def add(self, day: date, count: int) -> date:
        """workdays.add_working_days(day, count)."""
        if count == 0:
            return day
        return self.working[bisect_right(self.ordinals, day.toordinal()) + count - 1]

    def is_working(self, day: date) -> bool:
        index = bisect_right(self.ordinals, day.toordinal()) - 1
        return index >= 0 and self.ordinals[index] == day.toordinal()


def _ensure_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise DatasetError(
            f"generate_dataset needs PostgreSQL (it loads rows with COPY); this database is "
            f"{connection.vendor}. Point DATABASE_URL at PostgreSQL, e.g. "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/tulegal_bench; for a small SQLite demo use "
            "`manage.py seed_demo`."
        )


def _truncate() -> None:
    tables = ", ".join(CASE_TABLES)
    with connection.cursor() as cursor:
        # CASCADE: the snapshots of reports and anything else built on these rows go with them.
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    Report.objects.all().delete()


def _organizations(seed: int, centers: list[TerritorialCenter], per_center: int) -> dict[int, list[tuple]]:
    """Employers (valid BINs, registered as branches so that they never clash with the demo's head
    offices) and a primary organization at most of them. The same for a seed whatever the database
    holds: missing ones are created, existing ones kept. Returns (BIN, organized) per center, in order."""
    rng = random.Random(f"{seed}:organizations")
    branch_unions = list(BranchUnion.objects.order_by("code").values_list("pk", flat=True))
    existing = set(Employer.objects.values_list("bin", flat=True))
    organized_already = set(PrimaryOrganization.objects.values_list("employer__bin", flat=True))
    wanted: dict[int, list[tuple]] = {}
    employers, organizations, seen = [], [], set()
    for center_index, center in enumerate(centers):
        own = wanted[center.pk] = []
        for index in range(per_center):
            registered = date(1995 + rng.randrange(30), 1 + rng.randrange(12), 1)
            members, agreement, organized = rng.randint(20, 3000), rng.random() < 0.7, rng.random() < 0.6
            bin_ = make_bin(registered, office_type=1, serial=(center_index * 4000 + index) % 100_000)
            if bin_ in seen:  # two serials without a check digit of their own complete to one BIN
                continue
            seen.add(bin_)
            own.append((bin_, organized))
            name = f"{center.code} Enterprise {index + 1:04d} LLP"
            if bin_ not in existing:
                size = "large" if index % 25 == 0 else "medium" if index % 5 == 0 else "small"
                employers.append(Employer(name=name, bin=bin_, size=size, center=center))
            if organized and bin_ not in organized_already:
                union = branch_unions[(center_index + index) % len(branch_unions)] if branch_unions else None
                organizations.append((bin_, name, center, union, members, agreement))
    Employer.objects.bulk_create(employers, batch_size=2000)
    ids = dict(Employer.objects.filter(bin__in=[row[0] for row in organizations]).values_list("bin", "pk"))
    PrimaryOrganization.objects.bulk_create(
        [
            PrimaryOrganization(
                name=f"Primary trade union organization of {name}",
                center=center,
                employer_id=ids[bin_],
                branch_union_id=union,
                member_count=members,
                has_collective_agreement=agreement,
            )
            for bin_, name, center, union, members, agreement in organizations
        ],
        batch_size=2000,
    )
    return wanted


def _staff(centers: list[TerritorialCenter], lawyers_per_center: int) -> dict[tuple[int, str], list[str]]:
    """A manager, two reception staff and some lawyers per center, who cannot sign in (no password).
    Returns the usernames per (center, role), in order."""
    password = make_password(None)
    existing = set(User.objects.filter(username__startswith=STAFF_PREFIX).values_list("username", flat=True))
    users: list[User] = []
    wanted: dict[tuple[int, str], list[str]] = {}
    for center in centers:
        for role, count in ((Role.MANAGER, 1), (Role.RECEPTION, 2), (Role.LAWYER, lawyers_per_center)):
            names = wanted[(center.pk, role)] = []
            for n in range(1, count + 1):
                username = f"{STAFF_PREFIX}{center.code.lower()}-{role}-{n}"
                names.append(username)
                if username not in existing:
                    users.append(
                        User(
                            username=username,
                            password=password,
                            role=role,
                            center=center,
                            first_name=f"{role.label} {n}",
                            last_name=center.code,
                        )
                    )
    User.objects.bulk_create(users)
    return wanted


def _centers(
    centers: list[TerritorialCenter],
    employers: dict[int, list[tuple]],
    staff: dict[tuple[int, str], list[str]],
) -> list[_Center]:
    """What the generator needs of each center: ids of its employers, organizations, offices, staff."""
    employer_ids = dict(
        Employer.objects.filter(bin__in=[bin_ for own in employers.values() for bin_, _ in own]).values_list(
            "bin", "pk"
        )
    )
    organization_ids = dict(
        PrimaryOrganization.objects.filter(employer_id__in=employer_ids.values())
        .order_by("pk")
        .values_list("employer_id", "pk")
    )
    offices: dict[int, list[int]] = {}
    for pk, center_id in RepresentativeOffice.objects.order_by("pk").values_list("pk", "center_id"):
        offices.setdefault(center_id, []).append(pk)
    user_ids = dict(
        User.objects.filter(username__in=[name for names in staff.values() for name in names]).values_list(
            "username", "pk"
        )
    )
    result = []
    for center in centers:
        own = [(employer_ids[bin_], organized) for bin_, organized in employers[center.pk]]
        result.append(
            _Center(
                pk=center.pk,
                code=center.code,
                employers=[pk for pk, _ in own],
                organizations={pk: organization_ids[pk] for pk, organized in own if organized},
                offices=offices.get(center.pk, []),
                lawyers=[user_ids[name] for name in staff[(center.pk, Role.LAWYER)]],
                reception=[user_ids[name] for name in staff[(center.pk, Role.RECEPTION)]],
                manager=user_ids[staff[(center.pk, Role.MANAGER)][0]],
            )
        )
    return result


@contextmanager
def _bulk_load(tables: tuple[str, ...], note: Callable[[str], None]) -> Iterator[None]:
    """Drop the foreign keys and the secondary indexes of `tables` for the load and build them again
    after it (PostgreSQL's advice for populating a database): one validating join per foreign key and
    one sort per index instead of a trigger call and an index insertion per row. Primary keys and
    unique constraints stay. Inside the caller's transaction: a failure restores everything."""
    names = list(tables)
    with connection.cursor() as cursor:
        # The rows written so far in this transaction (employers, staff) are checked now: a table with
        # pending deferred checks cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
               WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s) ORDER BY 1, 2""",
            [names],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
               WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
               ORDER BY 1""",
            [names],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    note(f"Building {len(indexes)} indexes and checking {len(foreign_keys)} foreign keys...")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def _next_ids() -> dict[str, int]:
    with connection.cursor() as cursor:
        ids = {}
        for table in ID_TABLES:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 (a constant)
            ids[table] = cursor.fetchone()[0]
        return ids


def _reset_sequences() -> None:
    with connection.cursor() as cursor:
        for table in ID_TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1), "
                "MAX(id) IS NOT NULL) "
                f"FROM {table}"
            )


class _Generator:
    """Builds the rows of one chunk of applications at a time, in received-date order."""

    def __init__(self, *, rng: random.Random, centers: list[_Center], today: date, first: date, ids: dict):
        self.rng, self.centers, self.today = rng, centers, today
        self.calendar = _Calendar(first, today)
        self.ids = dict(ids)
        self.counters: Counter = Counter()
        self.zone = timezone.get_default_timezone()
        self.midnights: dict[date, datetime] = {}
        self.kinds = dict(ApplicationKind.objects.values_list("code", "deadline_working_days"))
        self.outcome_names = dict(Outcome.objects.values_list("code", "name_en"))
        self.topic_names = {topic: topic.replace("_", " ") for service in TOPICS for topic in TOPICS[service]}
        self.person_serial = 0
        self.outcome_choices = {
            service: (list(weights), _cumulative(weights.values()))
            for service, weights in OUTCOME_WEIGHTS.items()
        }
        self.services = list(SERVICE_SHARES)
        self.service_weights = _cumulative(SERVICE_SHARES.values())

    # Time

    def moment(self, day: date, minutes: int) -> datetime:
        """An aware datetime `minutes` after local midnight of `day`."""
        midnight = self.midnights.get(day)
        if midnight is None:
            # A zoneinfo zone gives each day its own offset (Almaty moved from +06 to +05 in 2024).
            midnight = self.midnights[day] = datetime(day.year, day.month, day.day, tzinfo=self.zone)
        return midnight + timedelta(minutes=minutes)

    def received_days(self, count: int) -> list[date]:
        """`count` received dates drawn over the window, weighted, sorted."""
        days = self.calendar.days
        first = days[0]
        weights = []
        for day in days:
            weight = MONTH_FACTORS[day.month - 1] * (1 + GROWTH_PER_YEAR * (day - first).days / 365)
            weights.append(weight if self.calendar.is_working(day) else weight * DAY_OFF_FACTOR)
        return sorted(self.rng.choices(days, cum_weights=_cumulative(weights), k=count))

    def center_indexes(self, count: int, iso_codes: list[str]) -> list[int]:
        weights = _cumulative(CENTER_WEIGHTS.get(code, 1.0) for code in iso_codes)
        return self.rng.choices(range(len(iso_codes)), cum_weights=weights, k=count)

    # Rows

    def new_id(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def person(self, rows: dict, center: _Center, day: date) -> tuple[int, int | None]:
        rng = self.rng
        if center.persons and rng.random() < REPEAT_APPLICANT:
            return center.persons[int(len(center.persons) * rng.random())]
        self.person_serial += 1
        serial = self.person_serial
        employer = (
            None
            if not center.employers or rng.random() < WITHOUT_EMPLOYER
            else center.employers[int(len(center.employers) * rng.random() ** 2)]  # big employers: more cases
        )
        female = rng.random() < 0.55
        iin = ""
        if rng.random() < 0.8:
            birth = date(1960, 1, 1) + timedelta(days=rng.randrange(16_500))
            for _ in range(5):
                candidate = make_iin(birth, female=female, serial=rng.randrange(10_000))
                if candidate not in center.iins:
                    center.iins.add(candidate)
                    iin = candidate
                    break
        last = rng.choice(LAST_NAMES)
        if female and last.endswith(("ov", "ev")):
            last += "a"
        first = rng.choice(FIRST_NAMES)
        member = rng.random() < 0.6
        created = self.moment(day, rng.randrange(540, 1080))
        pk = self.new_id("clinic_person")
        rows["clinic_person"].append(
            (
                pk,
                1,
                created,
                created,
                center.pk,
                f"{last} {first}",
                name_key(f"{last} {first}"),
                iin,
                f"+7{PHONE_OPERATORS[serial % 10]}{serial // 10:07d}" if rng.random() < 0.9 else "",
                f"{first.lower()}.{last.lower()}{serial}@mail.kz" if rng.random() < 0.2 else "",
                member,
                employer,
                center.organizations.get(employer) if member and employer else None,
                "ru",  # no random draw: the dataset stays the same for the same seed
                False,
                False,
            )
        )
        person = (pk, employer)
        center.persons.append(person)
        return person

    def application(self, rows: dict, center: _Center, received_on: date) -> None:
        rng, today, calendar = self.rng, self.today, self.calendar
        service = self.services[_pick(rng, self.service_weights)]
        kind = rng.choice(KINDS[service])
        topic = rng.choice(TOPICS[service])
        channel = rng.choice(CHANNELS)
        deadline = self.kinds[kind]
        person_id, employer_id = self.person(rows, center, received_on)
        year = received_on.year
        key = (center.pk, year)
        self.counters[key] += 1
        sequence = self.counters[key]
        number = f"{center.code}-{year}-{sequence:05d}"
        pk = self.new_id("clinic_application")
        received_at = self.moment(received_on, rng.randrange(540, 1080))
        due_on = calendar.add(received_on, deadline)
        office = rng.choice(center.offices) if center.offices and rng.random() < WITH_OFFICE else None
        lawyer = None if service == Service.PUBLIC_RECEPTION else rng.choice(center.lawyers)
        registered_by = rng.choice(center.reception)
        worker = lawyer or center.manager
        age = (today - received_on).days
        still_open = rng.random() < (OPEN_WHEN_RECENT if age < 30 else OPEN_WHEN_OLD)
        if deadline == 0:
            still_open = received_on == today and still_open  # oral consultations close on the day
        moves = [("", Status.REGISTERED, received_at)]
        outcome = decided_on = None
        decision, recovered, status = "", Decimal(0), Status.REGISTERED
        if still_open:
            status = rng.choice(OPEN_STATUSES)
            if status != Status.REGISTERED:
                moves.append((Status.REGISTERED, Status.IN_PROGRESS, received_at + timedelta(minutes=30)))
            if status == Status.ON_HOLD:
                moves.append(
                    (Status.IN_PROGRESS, Status.ON_HOLD, self.moment(calendar.add(received_on, 1), 600))
                )
        else:
            codes, weights = self.outcome_choices[service]
            outcome = codes[_pick(rng, weights)]
            if deadline == 0:
                decided_on = received_on
            elif rng.random() < LATE_DECISIONS:
                decided_on = calendar.add(received_on, deadline + rng.randint(1, 10))
            else:
                decided_on = calendar.add(received_on, rng.randint(1, deadline))
            decided_on = min(decided_on, today)
            status = Status.CLOSED if decided_on < today - timedelta(days=30) else Status.DECIDED
            decision = f"{self.outcome_names[outcome]}."
            if outcome in (Outcome.SATISFIED, Outcome.PARTIALLY_SATISFIED) and topic in (
                "wages",
                "reinstatement",
            ):
                recovered = Decimal(rng.randrange(50_000, 2_000_000, 1_000))
            decided_at = self.moment(decided_on, rng.randrange(600, 1080))
            decided_at = max(decided_at, received_at + timedelta(minutes=30))
            moves += [
                (Status.REGISTERED, Status.IN_PROGRESS, received_at + timedelta(minutes=15)),
                (Status.IN_PROGRESS, Status.DECIDED, decided_at),
            ]
            if status == Status.CLOSED:
                moves.append((Status.DECIDED, Status.CLOSED, decided_at + timedelta(days=rng.randint(1, 30))))
        visit = None
        summary = rng.choice(SUMMARIES).format(topic=self.topic_names[topic])
        if service == Service.PUBLIC_RECEPTION:
            visit = self.new_id("clinic_visit")
            visited_at = received_at - timedelta(minutes=rng.randrange(5, 60))
            rows["clinic_visit"].append(
                (
                    visit, 1, visited_at, received_at, center.pk, office, person_id, employer_id, visited_at,
                    channel, summary, f"Case {number} opened.", "case_opened", registered_by,
                )
            )  # fmt: skip
            rows["clinic_visit_topics"].append((visit, topic))
        updated_at = moves[-1][2]
        rows["clinic_application"].append(
            (
                pk, len(moves), received_at, updated_at, center.pk, office, year, sequence, number,
                person_id, visit, employer_id, service, kind, topic, channel, summary, received_on, due_on,
                lawyer, status, outcome, decided_on, decision, recovered, registered_by, "",
            )
        )  # fmt: skip
        changes = rows["clinic_statuschange"]
        for from_status, to_status, at in moves:
            changes.append((pk, from_status, to_status, "", registered_by if not from_status else worker, at))
        if deadline and rng.random() < WITH_NOTES:
            last_day = decided_on or today
            for _ in range(rng.randint(1, 3)):
                day = received_on + timedelta(days=rng.randint(0, max((last_day - received_on).days, 0)))
                rows["clinic_note"].append(
                    (pk, rng.choice(NOTE_TEXTS), worker, self.moment(day, rng.randrange(600, 1080)))
                )
        self.disputes(
            rows, center, pk, received_on, service, kind, topic, outcome, decided_on, employer_id, worker
        )

    def disputes(self, rows, center, application, received_on, service, kind, topic, outcome, decided_on,
                 employer, worker) -> None:  # fmt: skip
        """A labor dispute grown out of some cases; a dispute prevented after some positive ones."""
        rng, today = self.rng, self.today
        if employer is None:
            return
        collective = service == Service.PREVENTION_CENTER and kind == "collective_appeal"
        if (
            service == Service.LEGAL_CLINIC and topic in DISPUTE_TOPICS and rng.random() < DISPUTE_FROM_CLINIC
        ) or (collective and rng.random() < DISPUTE_FROM_APPEAL):
            pk = self.new_id("clinic_labordispute")
            opened_on = min(received_on + timedelta(days=rng.randint(0, 5)), today)
            resolved_on: date | None  # None: still open today
            resolved_on = self.calendar.add(opened_on, rng.randint(5, 40))
            result, recovered = "", Decimal(0)
            if resolved_on < today:
                result = _weighted(rng, {"in_favor": 60, "partly": 25, "not_in_favor": 15})
                if result != "not_in_favor":
                    recovered = Decimal(rng.randrange(0, 3_000_000, 1_000))
            else:
                resolved_on = None
            reinstatement = topic == "reinstatement"
            created = self.moment(opened_on, 660)
            rows["clinic_labordispute"].append(
                (
                    pk, 1 if not result else 2, created, created, center.pk,
                    LaborDispute.Kind.COLLECTIVE if collective else LaborDispute.Kind.INDIVIDUAL, employer,
                    DISPUTE_SUBJECTS["collective" if collective else topic], reinstatement,
                    received_on - timedelta(days=rng.randint(1, 25)) if reinstatement else None,
                    rng.randint(5, 300) if collective else 1, rng.choice(LaborDispute.Stage.values),
                    opened_on, resolved_on, result, recovered, worker, worker,
                )
            )  # fmt: skip
            rows["clinic_labordispute_applications"].append((pk, application))
        if (
            service == Service.PREVENTION_CENTER
            and outcome in (Outcome.SATISFIED, Outcome.PARTIALLY_SATISFIED)
            and rng.random() < PREVENTED_FROM_POSITIVE
        ):
            rows["clinic_preventeddispute"].append(
                (
                    center.pk, employer, center.organizations.get(employer), decided_on,
                    rng.choice(PREVENTION_METHODS), rng.randint(10, 400), worker,
                    self.moment(decided_on, 900),
                )
            )  # fmt: skip

    def counter_rows(self) -> Iterator[tuple[int, int, int]]:
        for (center_id, year), last in sorted(self.counters.items()):
            yield center_id, year, last


def _cumulative(weights) -> list[float]:
    total, result = 0.0, []
    for weight in weights:
        total += weight
        result.append(total)
    return result


def _pick(rng: random.Random, cumulative: list[float]) -> int:
    return bisect_right(cumulative, rng.random() * cumulative[-1])


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _column_types(cursor, table: str, columns: tuple[str, ...]) -> list[str]:
    """The PostgreSQL type names of the columns, for a binary COPY."""
    cursor.execute(
        """SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
           WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped""",
        [table],
    )
    types = dict(cursor.fetchall())
    return [types[column] for column in columns]


def _copy(cursor, table: str, rows: list[tuple], types: dict[str, list[str]]) -> None:
    """COPY the rows in the binary format: the server parses no text (dates, timestamps, numerics)."""
    if not rows:
        return
    columns = COLUMNS.get(table, COUNTER_COLUMNS)
    if table not in types:
        types[table] = _column_types(cursor, table, columns)
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(types[table])
        write_row = copy.write_row
        for row in rows:
            write_row(row)


def dataset_generate(
    *,
    applications: int = DEFAULT_APPLICATIONS,
    seed: int = DEFAULT_SEED,
    years: int = DEFAULT_YEARS,
    truncate: bool = False,
    today: date | None = None,
    chunk: int = CHUNK,
    progress: Callable[[int, int], None] | None = None,
    note: Callable[[str], None] | None = None,
) -> Summary:
    """Generate the dataset (see the module docstring); returns the rows written per table."""
    _ensure_postgresql()
    if applications < 1 or years < 1:
        raise DatasetError("--applications and --years must be at least 1.")
    note = note or (lambda text: None)
    started = time.monotonic()
    today = today or timezone.localdate()
    first = today - relativedelta(years=years) + timedelta(days=1)
    rng = _Random(seed)
    summary = Summary()
    call_command("seed_reference", verbosity=0)  # idempotent: the centers, services, kinds...
    with transaction.atomic():
        if truncate:
            note("Emptying the case tables...")
            _truncate()
        elif (existing := Application.objects.count()) > 0:
            raise DatasetError(
                f"The database already has {existing:,} applications; pass --truncate to replace every case, "
                "person, visit and dispute (and the report snapshots) with the dataset."
            )
        centers = list(TerritorialCenter.objects.order_by("iso_code"))
        per_center = max(12, round(applications / len(centers) / 150))
        employers = _organizations(seed, centers, per_center)
        lawyers = min(25, max(3, round(applications / len(centers) / 4000)))
        states = _centers(centers, employers, _staff(centers, lawyers_per_center=lawyers))
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {', '.join(ID_TABLES)} IN EXCLUSIVE MODE")
        generator = _Generator(rng=rng, centers=states, today=today, first=first, ids=_next_ids())
        note(f"Drawing {applications:,} received dates from {first} to {today}...")
        days = generator.received_days(applications)
        center_of = generator.center_indexes(applications, [center.iso_code for center in centers])
        raw = connection.connection
        types: dict[str, list[str]] = {}
        with _bulk_load(LOADED_TABLES, note), raw.cursor() as cursor:
            for start in range(0, applications, chunk):
                rows: dict[str, list[tuple]] = {table: [] for table in COLUMNS}
                for index in range(start, min(start + chunk, applications)):
                    generator.application(rows, states[center_of[index]], days[index])
                for table, table_rows in rows.items():
                    _copy(cursor, table, table_rows, types)
                    summary.rows[table] += len(table_rows)
                if progress:
                    progress(min(start + chunk, applications), summary.total_rows)
            counters = list(generator.counter_rows())
            _copy(cursor, "clinic_registrationcounter", counters, types)
            summary.rows["clinic_registrationcounter"] = len(counters)
        _reset_sequences()
    note("VACUUM ANALYZE of the loaded tables...")
    with connection.cursor() as cursor:
        for table in (
            *LOADED_TABLES,
            "organizations_employer",
            "organizations_primaryorganization",
            "organizations_user",
        ):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    summary.seconds = time.monotonic() - started
    return summary
