"""factory_boy factories. Cases are built through the real services, so numbering, deadlines and
the audit trail are those a user would get."""

from datetime import date

import factory
from django.utils import timezone

from clinic import services
from clinic.models import Application, ApplicationKind, Channel, Outcome, Person, Service, Topic, Visit
from organizations.identifiers import make_bin, make_iin
from organizations.models import (
    BranchUnion,
    Employer,
    PrimaryOrganization,
    RepresentativeOffice,
    Role,
    TerritorialCenter,
    User,
)
from organizations.services import staff_sync_groups


class CenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TerritorialCenter

    code = factory.Sequence(lambda n: f"T{n:02d}")
    iso_code = factory.Sequence(lambda n: f"XX-{n:02d}")
    name_en = factory.Sequence(lambda n: f"Test Region {n}")
    name_ru = factory.Sequence(lambda n: f"Тестовая область {n}")
    name_kk = factory.Sequence(lambda n: f"Сынақ облысы {n}")


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RepresentativeOffice

    code = factory.Sequence(lambda n: f"OFFICE-{n}")
    center = factory.SubFactory(CenterFactory)
    name_en = factory.Sequence(lambda n: f"Office {n}")
    name_ru = factory.Sequence(lambda n: f"Представительство {n}")
    name_kk = factory.Sequence(lambda n: f"Өкілдік {n}")


class BranchUnionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BranchUnion
        django_get_or_create = ("code",)

    code = "education"
    name_en = "Education and science workers' union"
    name_ru = "Профсоюз работников образования и науки"
    name_kk = "Білім және ғылым қызметкерлерінің кәсіподағы"


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    name = factory.Sequence(lambda n: f"Enterprise {n} LLP")
    # Spaced serials: make_bin moves past a serial without a check digit, never onto the next one's.
    bin = factory.Sequence(lambda n: make_bin(date(2015, 3, 1), serial=n * 10))
    size = Employer.Size.MEDIUM
    center = factory.SubFactory(CenterFactory)


class PrimaryOrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrimaryOrganization

    name = factory.Sequence(lambda n: f"Primary organization {n}")
    center = factory.SubFactory(CenterFactory)
    employer = factory.SubFactory(EmployerFactory, center=factory.SelfAttribute("..center"))
    branch_union = factory.SubFactory(BranchUnionFactory)
    member_count = 120


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    role = Role.LAWYER
    center = factory.Maybe(
        factory.LazyAttribute(lambda o: o.role in (Role.RECEPTION, Role.LAWYER, Role.MANAGER)),
        yes_declaration=factory.SubFactory(CenterFactory),
        no_declaration=None,
    )
    is_staff = True
    password = factory.django.Password("test-password")

    @factory.post_generation
    def role_group(self, create, extracted, **kwargs):
        if create:
            staff_sync_groups(user=self)


# The reference rows a test has used, by model and code: a factory asks for them on every row it builds.
# Emptied before each test (the root conftest), since a test's rows are rolled back after it.
reference_rows: dict[tuple[type, str], object] = {}


def _reference(model, code: str, **extra):
    key = (model, code)
    if key not in reference_rows:
        defaults = {"name_en": code.replace("_", " ").capitalize(), "name_ru": code, "name_kk": code, **extra}
        reference_rows[key] = model.objects.get_or_create(code=code, defaults=defaults)[0]
    return reference_rows[key]


def center_reception(center) -> User:
    """A reception worker of the center: the one a test already has, or a new one."""
    existing = User.objects.filter(role=Role.RECEPTION, center=center, is_active=True).order_by("pk").first()
    return existing or StaffFactory(role=Role.RECEPTION, center=center)


def service(code: str = Service.LEGAL_CLINIC) -> Service:
    return _reference(Service, code)


def topic(code: str = "wages") -> Topic:
    return _reference(Topic, code)


def channel(code: str = Channel.IN_PERSON) -> Channel:
    return _reference(Channel, code)


def kind(code: str = ApplicationKind.WRITTEN_APPLICATION) -> ApplicationKind:
    deadline = 0 if code == ApplicationKind.ORAL_CONSULTATION else 15
    return _reference(ApplicationKind, code, deadline_working_days=deadline, extendable=bool(deadline))


def outcome(code: str = Outcome.SATISFIED) -> Outcome:
    return _reference(Outcome, code, is_positive=code in (Outcome.SATISFIED, Outcome.PARTIALLY_SATISFIED))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    center = factory.SubFactory(CenterFactory)
    full_name = factory.Sequence(lambda n: f"Applicant Number {n}")
    iin = factory.Sequence(lambda n: make_iin(date(1985, 5, 17), female=n % 2 == 1, serial=n))
    phone = factory.Sequence(lambda n: f"+7701{n:07d}")


class VisitFactory(factory.django.DjangoModelFactory):
    """A pending visit registered through visit_register."""

    class Meta:
        model = Visit

    person = factory.SubFactory(PersonFactory)
    registered_by = factory.LazyAttribute(lambda o: center_reception(o.person.center))
    question = "Wages have not been paid for three months."

    @classmethod
    def _create(cls, model_class, *, person, registered_by, question, **kwargs):
        return services.visit_register(
            by=registered_by,
            person=person,
            channel=kwargs.get("channel") or channel(),
            topics=kwargs.get("topics") or [topic()],
            question=question,
        )


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A registered case, numbered and dated by application_register."""

    class Meta:
        model = Application

    center = factory.SubFactory(CenterFactory)
    person = factory.LazyAttribute(lambda o: PersonFactory(center=o.center))
    registered_by = factory.LazyAttribute(lambda o: center_reception(o.center))
    lawyer = None
    received_on = factory.LazyFunction(timezone.localdate)

    @classmethod
    def _create(cls, model_class, *, center, person, registered_by, **kwargs):
        return services.application_register(
            by=registered_by,
            person=person,
            service=kwargs.pop("service", None) or service(),
            kind=kwargs.pop("kind", None) or kind(),
            topic=kwargs.pop("topic", None) or topic(),
            channel=kwargs.pop("channel", None) or channel(),
            confirm_second_case=kwargs.pop("confirm_second_case", True),
            **kwargs,
        )
