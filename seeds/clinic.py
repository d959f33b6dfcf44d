"""Deterministic demo cases for every center, from DEMO_FIRST_YEAR to today.

The Almaty Region center's 2021 reproduces the federation's published figures (DOMAIN.md):
legal clinic 133 applied, 119 positive; public reception 235 applied; conflict-prevention center
37 considered, 32 satisfied; disputes prevented in 4 organizations. Everything else is plausible
random data from a fixed seed. Rows are bulk-inserted (the demo is not an audit trail), with
registration numbers and counters exactly as the services would give them.
"""

import random
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from clinic import workdays
from clinic.models import (
    Application,
    ApplicationKind,
    Channel,
    LaborDispute,
    Outcome,
    Person,
    PreventedDispute,
    RegistrationCounter,
    Service,
    Status,
    StatusChange,
    Visit,
)
from clinic.names import name_key
from clinic.services import dispute_deadlines_recompute
from organizations.identifiers import make_iin
from organizations.models import Employer, PrimaryOrganization, Role, TerritorialCenter, User

DEMO_FIRST_YEAR = 2021
FIGURES_CENTER, FIGURES_YEAR = "ALR", 2021

# The published figures: per service, how many applications and how they ended.
ALMATY_2021_OUTCOMES = {
    Service.LEGAL_CLINIC: {
        Outcome.SATISFIED: 97,
        Outcome.PARTIALLY_SATISFIED: 22,
        Outcome.REJECTED: 6,
        Outcome.EXPLAINED: 5,
        Outcome.WITHDRAWN: 3,
    },  # 133 applied, 119 positive
    Service.PUBLIC_RECEPTION: {
        Outcome.EXPLAINED: 151,
        Outcome.SATISFIED: 38,
        Outcome.PARTIALLY_SATISFIED: 16,
        Outcome.REFERRED: 21,
        Outcome.REJECTED: 9,
    },  # 235 applied
    Service.PREVENTION_CENTER: {
        Outcome.SATISFIED: 32,
        Outcome.PARTIALLY_SATISFIED: 2,
        Outcome.EXPLAINED: 2,
        Outcome.REJECTED: 1,
    },  # 37 considered, 32 satisfied
}
ALMATY_2021_PREVENTED_ORGANIZATIONS = 4

TOPICS = {
    Service.LEGAL_CLINIC: ["employment"] * 6 + ["dismissal", "reinstatement", "working_time", "wages"],
    Service.PUBLIC_RECEPTION: ["wages"] * 4 + ["social_assistance"] * 3 + ["pensions", "housing", "other"],
    Service.PREVENTION_CENTER: ["wages", "collective_agreement", "labor_safety", "working_time"],
}
KINDS = {
    Service.LEGAL_CLINIC: [ApplicationKind.WRITTEN_APPLICATION] * 3 + ["complaint"],
    Service.PUBLIC_RECEPTION: [ApplicationKind.ORAL_CONSULTATION] * 3 + [ApplicationKind.WRITTEN_APPLICATION],
    Service.PREVENTION_CENTER: ["collective_appeal", "complaint", ApplicationKind.WRITTEN_APPLICATION],
}
CHANNELS = [Channel.IN_PERSON] * 5 + [Channel.PHONE] * 2 + [Channel.ONLINE] * 2 + [Channel.MOBILE_OUTREACH]
OUTCOME_WEIGHTS = {
    Service.LEGAL_CLINIC: {
        "satisfied": 60,
        "partially_satisfied": 20,
        "rejected": 8,
        "explained": 8,
        "withdrawn": 4,
    },
    Service.PUBLIC_RECEPTION: {
        "explained": 60,
        "satisfied": 17,
        "partially_satisfied": 7,
        "referred": 10,
        "rejected": 6,
    },
    Service.PREVENTION_CENTER: {"satisfied": 80, "partially_satisfied": 8, "explained": 6, "rejected": 6},
}
FIRST_NAMES = (
    "Aigerim",
    "Nurlan",
    "Dana",
    "Yerlan",
    "Saule",
    "Askar",
    "Madina",
    "Timur",
    "Gulnara",
    "Bauyrzhan",
    "Zhanna",
    "Daulet",
    "Aliya",
    "Serik",
    "Olga",
    "Sergei",
    "Ainur",
    "Marat",
)
LAST_NAMES = (
    "Akhmetov",
    "Seitkali",
    "Nurpeisova",
    "Zhaksybekov",
    "Ivanova",
    "Omarov",
    "Abenova",
    "Tulegenov",
    "Kim",
    "Bekova",
    "Sadykov",
    "Mukhametzhanova",
    "Petrov",
    "Kassymova",
)


@dataclass
class _Batch:
    """Rows built in memory, inserted together."""

    persons: list[Person] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)
    status_changes: list[tuple[int, list[tuple[str, str, date]]]] = field(default_factory=list)
    counters: Counter = field(default_factory=Counter)


class _Generator:
    def __init__(self, today: date):
        self.today = today
        self.serial = 0
        self.outcomes = {outcome.code: outcome for outcome in Outcome.objects.all()}
        self.kinds = {kind.code: kind for kind in ApplicationKind.objects.all()}
        self.batch = _Batch()

    # The people

    def person(self, rng: random.Random, center: TerritorialCenter, employer: Employer | None) -> Person:
        self.serial += 1
        birth = date(1960, 1, 1) + timedelta(days=self.serial // 9000 * 211 + rng.randint(0, 200))
        female = rng.random() < 0.55
        person = Person(
            center=center,
            full_name=f"{rng.choice(LAST_NAMES)}{'a' if female and rng.random() < 0.5 else ''} "
            f"{rng.choice(FIRST_NAMES)}",
            iin=make_iin(birth, female=female, serial=self.serial % 9000) if rng.random() < 0.8 else "",
            phone=f"+7701{self.serial:07d}",
            is_union_member=rng.random() < 0.6,
            employer=employer,
            created_at=self._moment(birth + timedelta(days=365 * 20)),
        )
        person.name_key = name_key(person.full_name)  # bulk_create skips save(), which keeps it
        self.batch.persons.append(person)
        return person

    @staticmethod
    def _moment(day: date, hour: int = 10) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(hour)))

    # The cases

    def application(
        self,
        rng: random.Random,
        center: TerritorialCenter,
        service: str,
        received_on: date,
        outcome: str | None,
        staff: dict[str, User],
        employers: list[Employer],
    ) -> None:
        employer = rng.choice(employers) if employers else None
        person = self.person(rng, center, employer)
        kind = self.kinds[rng.choice(KINDS[service])]
        channel = rng.choice(CHANNELS)
        topic = rng.choice(TOPICS[service])
        due_on = workdays.add_working_days(received_on, kind.deadline_working_days)
        self.batch.counters[(center.pk, received_on.year)] += 1
        sequence = self.batch.counters[(center.pk, received_on.year)]
        application = Application(
            center=center,
            year=received_on.year,
            sequence=sequence,
            registration_number=f"{center.code}-{received_on.year}-{sequence:05d}",
            person=person,
            employer=employer,
            service_id=service,
            kind=kind,
            topic_id=topic,
            channel_id=channel,
            summary=f"Question about {topic.replace('_', ' ')}.",
            received_on=received_on,
            due_on=due_on,
            lawyer=staff.get("lawyer") if service != Service.PUBLIC_RECEPTION else None,
            registered_by=staff["reception"],
            created_at=self._moment(received_on),
        )
        moves: list[tuple[str, str, date]] = [("", Status.REGISTERED, received_on)]
        if outcome:
            decided_on = (
                received_on
                if kind.deadline_working_days == 0
                else min(
                    workdays.add_working_days(received_on, rng.randint(1, kind.deadline_working_days)),
                    self.today,
                )
            )
            application.outcome = self.outcomes[outcome]
            application.decided_on = decided_on
            application.status = (
                Status.CLOSED if decided_on < self.today - timedelta(days=30) else Status.DECIDED
            )
            application.decision = f"{self.outcomes[outcome].name_en}."
            if outcome in (Outcome.SATISFIED, Outcome.PARTIALLY_SATISFIED) and topic in (
                "wages",
                "reinstatement",
            ):
                application.recovered_kzt = Decimal(rng.randrange(50_000, 2_000_000, 1_000))
            moves += [
                (Status.REGISTERED, Status.IN_PROGRESS, received_on),
                (Status.IN_PROGRESS, Status.DECIDED, decided_on),
            ]
            if application.status == Status.CLOSED:
                moves.append((Status.DECIDED, Status.CLOSED, decided_on))
        else:
            application.status = rng.choice(
                [Status.REGISTERED, Status.IN_PROGRESS, Status.IN_PROGRESS, Status.ON_HOLD]
            )
            if application.status != Status.REGISTERED:
                moves.append((Status.REGISTERED, Status.IN_PROGRESS, received_on))
            if application.status == Status.ON_HOLD:
                moves.append((Status.IN_PROGRESS, Status.ON_HOLD, received_on))
        if service == Service.PUBLIC_RECEPTION:
            visit = Visit(
                center=center,
                person=person,
                employer=employer,
                visited_at=self._moment(received_on, rng.randint(9, 17)),
                channel_id=channel,
                question=application.summary,
                action_taken=f"Case {application.registration_number} opened.",
                result=Visit.Result.CASE_OPENED,
                registered_by=staff["reception"],
            )
            self.batch.visits.append(visit)
            application.visit = visit
        self.batch.applications.append(application)
        self.batch.status_changes.append((len(self.batch.applications) - 1, moves))

    def save(self, author: User) -> None:
        batch = self.batch
        Person.objects.bulk_create(batch.persons, batch_size=2000)
        for visit in batch.visits:
            visit.person_id = visit.person.pk
        Visit.objects.bulk_create(batch.visits, batch_size=2000)
        visit_topics = [
            Visit.topics.through(visit_id=application.visit.pk, topic_id=application.topic_id)
            for application in batch.applications
            if application.visit
        ]
        Visit.topics.through.objects.bulk_create(visit_topics, batch_size=5000)
        for application in batch.applications:
            application.person_id = application.person.pk
            application.visit_id = application.visit.pk if application.visit else None
        Application.objects.bulk_create(batch.applications, batch_size=2000)
        StatusChange.objects.bulk_create(
            [
                StatusChange(
                    application=batch.applications[index],
                    from_status=from_status,
                    to_status=to_status,
                    changed_by=batch.applications[index].lawyer or author,
                    changed_at=self._moment(day, 12),
                )
                for index, moves in batch.status_changes
                for from_status, to_status, day in moves
            ],
            batch_size=5000,
        )
        RegistrationCounter.objects.bulk_create(
            [
                RegistrationCounter(center_id=center_id, year=year, last_sequence=last)
                for (center_id, year), last in batch.counters.items()
            ]
        )


def _working_days(rng: random.Random, year: int, count: int, last_day: date) -> list[date]:
    """`count` working days of the year up to `last_day`, sorted, drawn with repetition."""
    days = [
        day
        for day in (date(year, 1, 1) + timedelta(n) for n in range(366))
        if day.year == year and day <= last_day and workdays.is_working_day(day)
    ]
    return sorted(rng.choice(days) for _ in range(count))


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@transaction.atomic
def demo_cases_create(
    *, staff: dict[str, User], today: date | None = None, center_codes: Collection[str] | None = None
) -> int:
    """Create the demo cases once (a second run finds them and does nothing); returns how many exist.
    `center_codes` limits them to some centers (tests)."""
    if Application.objects.exists():
        return Application.objects.count()
    today = today or timezone.localdate()
    generator = _Generator(today)
    employers_by_center: dict[int, list[Employer]] = {}
    for employer in Employer.objects.order_by("pk"):
        employers_by_center.setdefault(employer.center_id, []).append(employer)
    admin = staff["admin"]
    centers = TerritorialCenter.objects.order_by("iso_code")
    if center_codes is not None:
        centers = centers.filter(code__in=center_codes)
    for center in centers:
        rng = random.Random(f"demo-{center.iso_code}")
        employers = employers_by_center.get(center.pk, [])
        center_staff = staff if center.code == FIGURES_CENTER else {"reception": admin}
        size = rng.randint(120, 320)
        for year in range(DEMO_FIRST_YEAR, today.year + 1):
            if center.code == FIGURES_CENTER and year == FIGURES_YEAR:
                _almaty_2021(generator, rng, center, center_staff, employers)
                continue
            # Most cases received in the last month are still open; older ones are decided.
            last_day = today - timedelta(days=1) if year == today.year else date(year, 12, 31)
            for service, share in (
                (Service.PUBLIC_RECEPTION, 0.55),
                (Service.LEGAL_CLINIC, 0.35),
                (Service.PREVENTION_CENTER, 0.10),
            ):
                count = round(size * share * (last_day.timetuple().tm_yday / 365) * rng.uniform(0.85, 1.15))
                for received_on in _working_days(rng, year, count, last_day):
                    recent = (today - received_on).days < 30
                    outcome = (
                        None if recent and rng.random() < 0.7 else _weighted(rng, OUTCOME_WEIGHTS[service])
                    )
                    generator.application(rng, center, service, received_on, outcome, center_staff, employers)
    generator.save(author=admin)
    _demo_disputes_create(staff, employers_by_center, today, centers)
    return Application.objects.count()


def _almaty_2021(generator, rng, center, staff, employers) -> None:
    """Exactly the published 2021 figures; every case decided within the year."""
    last_day = date(FIGURES_YEAR, 12, 10)
    for service, outcomes in ALMATY_2021_OUTCOMES.items():
        planned = [outcome for outcome, count in outcomes.items() for _ in range(count)]
        rng.shuffle(planned)
        for received_on, outcome in zip(
            _working_days(rng, FIGURES_YEAR, len(planned), last_day), planned, strict=True
        ):
            generator.application(rng, center, service, received_on, outcome, staff, employers)


def _demo_disputes_create(
    staff: dict[str, User],
    employers_by_center: dict[int, list[Employer]],
    today: date,
    centers: Iterable[TerritorialCenter],
) -> None:
    disputes, prevented = [], []
    admin = staff["admin"]
    organizations = {org.employer_id: org for org in PrimaryOrganization.objects.all()}
    for center in centers:
        rng = random.Random(f"disputes-{center.iso_code}")
        employers = employers_by_center.get(center.pk, [])
        author = staff["lawyer"] if center.code == FIGURES_CENTER else admin
        for year in range(DEMO_FIRST_YEAR, today.year + 1):
            last_day = today - timedelta(days=1) if year == today.year else date(year, 12, 31)
            for opened_on in _working_days(rng, year, rng.randint(3, 9), last_day):
                kind = rng.choice([LaborDispute.Kind.INDIVIDUAL] * 3 + [LaborDispute.Kind.COLLECTIVE])
                resolved_on = workdays.add_working_days(opened_on, rng.randint(5, 40))
                resolved = resolved_on < today
                result = (
                    _weighted(rng, {"in_favor": 60, "partly": 25, "not_in_favor": 15}) if resolved else ""
                )
                individual = LaborDispute.Kind.INDIVIDUAL
                employer = rng.choice(employers)
                subject = rng.choice(
                    [
                        "Wage arrears",
                        "Unlawful dismissal",
                        "Unpaid overtime",
                        "Collective agreement not honoured",
                        "Bonus cuts",
                    ]
                )
                disputes.append(
                    LaborDispute(
                        center=center,
                        kind=kind,
                        employer=employer,
                        subject=subject,
                        # The limitation clock's facts, derived without drawing from the generator (the
                        # published figures' draws stay as they were): the act some days before opening.
                        is_reinstatement=kind == individual and subject == "Unlawful dismissal",
                        disputed_act_on=opened_on - timedelta(days=5 + opened_on.toordinal() % 20),
                        lawyer=author if author.role == Role.LAWYER else None,
                        workers_affected=1 if kind == LaborDispute.Kind.INDIVIDUAL else rng.randint(5, 300),
                        stage=rng.choice(list(LaborDispute.Stage.values)),
                        opened_on=opened_on,
                        resolved_on=resolved_on if resolved else None,
                        result=result,
                        recovered_kzt=Decimal(rng.randrange(0, 3_000_000, 1_000)) if result else Decimal(0),
                        registered_by=author,
                    )
                )
            count = (
                ALMATY_2021_PREVENTED_ORGANIZATIONS
                if (center.code, year) == (FIGURES_CENTER, FIGURES_YEAR)
                else None
            )
            chosen = rng.sample(employers, count or rng.randint(1, 5))
            for employer, prevented_on in zip(
                chosen, _working_days(rng, year, len(chosen), last_day), strict=True
            ):
                prevented.append(
                    PreventedDispute(
                        center=center,
                        employer=employer,
                        primary_organization=organizations.get(employer.pk),
                        prevented_on=prevented_on,
                        how=rng.choice(
                            [
                                "Talks with the employer",
                                "Mediation with the labor collective",
                                "Joint commission on wage arrears",
                                "Monitoring of social stability",
                            ]
                        ),
                        workers_affected=rng.randint(10, 400),
                        recorded_by=author,
                    )
                )
    LaborDispute.objects.bulk_create(disputes)
    PreventedDispute.objects.bulk_create(prevented)
    # The unresolved disputes' last day to file or expected decision, under the limitation rules.
    dispute_deadlines_recompute()


# The online reception: two questions sent from the public page this week, through the real service
# (never in 2021: the published figures stay as they are).

DEMO_ONLINE = (
    {
        "full_name": "Kassymova Dana",
        "phone": "+77015550301",
        "topic": "wages",
        "question": "My employer has not paid my wages for two months. What can I do?",
        "answer": "",
    },
    {
        "full_name": "Omarov Serik",
        "phone": "+77015550302",
        "topic": "dismissal",
        "question": "I was dismissed without notice yesterday. Is this lawful?",
        "answer": (
            "Dismissal at the employer's initiative needs a written notice (Labour Code, art. 52). Bring "
            "the dismissal order to the reception: a claim for reinstatement must be filed within one month."
        ),
    },
)


@transaction.atomic
def demo_online_create(*, staff: dict[str, User]) -> list[tuple[str, str]]:
    """Two online questions for the figures center (one answered by the reception), once; returns
    their (tracking code, phone) to print: only a hash of a code is stored."""
    from clinic import online, services
    from clinic.models import OnlineSubmission, Topic

    if OnlineSubmission.objects.exists():
        return []
    center = TerritorialCenter.objects.get(code=FIGURES_CENTER)
    sent = []
    for item in DEMO_ONLINE:
        submission, code = services.online_submission_create(
            center=center,
            full_name=item["full_name"],
            phone=item["phone"],
            topic=Topic.objects.get(pk=item["topic"]),
            question=item["question"],
            consent=True,
        )
        if item["answer"]:
            services.visit_answer_on_spot(
                visit=submission.visit, by=staff["reception"], action_taken=item["answer"]
            )
        sent.append((online.tracking_code_display(code), item["phone"]))
    return sent
