"""Writes to persons: registered at the desk or by the online form, corrected with the same checks."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import acting_as, created_in_bulk
from core.versioning import assign_changes, locked, save_changes
from organizations.identifiers import normalize_identifier
from organizations.models import Employer, PrimaryOrganization, TerritorialCenter, User

from .. import rules
from ..models import Application, Person, Visit
from ..names import name_key
from ..selectors import describe_persons, possible_duplicates
from ..validators import normalize_phone
from .common import center_of
from .messages import CONSENT_FIELDS, consent_changes, ensure_consent_addresses


def _normalized_person_fields(fields: dict) -> dict:
    if "full_name" in fields:
        fields["full_name"] = " ".join((fields["full_name"] or "").split())
    if "iin" in fields:
        fields["iin"] = normalize_identifier(fields["iin"] or "")
    if "phone" in fields:
        fields["phone"] = normalize_phone(fields["phone"] or "")
    if "email" in fields:
        fields["email"] = (fields["email"] or "").strip().lower()
    return fields


def _ensure_iin_free(person: Person) -> None:
    if not person.iin:
        return
    existing = (
        Person.objects.active()
        .filter(center_id=person.center_id, iin=person.iin)
        .exclude(pk=person.pk)
        .first()
    )
    if existing:
        raise ValidationError(
            {
                "iin": _("A person with this IIN is already registered: %(name)s (record %(id)s).")
                % {"name": existing.full_name, "id": existing.pk}
            },
            code="duplicate",
        )


def _person_new(
    *,
    center: TerritorialCenter,
    full_name: str,
    iin: str = "",
    phone: str = "",
    email: str = "",
    is_union_member: bool = False,
    primary_organization: PrimaryOrganization | None = None,
    employer: Employer | None = None,
    public: bool = False,
    confirm_not_duplicate: bool = False,
    iin_checked: bool = False,
) -> Person:
    """A new, validated, unsaved person: the checks of every way a person is registered.

    `public`: typed into the public page, where a refusal must not tell whether an IIN is registered
    (the caller looks the person up instead of refusing a duplicate).

    `iin_checked`: the caller has found no person with the IIN in the center (the import looks a
    chunk's IINs up at once), so neither the IIN nor the center is queried again; the database's
    unique constraint stands behind."""
    person = Person(
        center=center,
        is_union_member=is_union_member,
        primary_organization=primary_organization,
        employer=employer,
        **_normalized_person_fields({"full_name": full_name, "iin": iin, "phone": phone, "email": email}),
    )
    if public:
        person.full_clean(validate_constraints=False)
        return person
    if iin_checked:
        person.full_clean(exclude=["center"], validate_constraints=False)
    else:
        _ensure_iin_free(person)
        person.full_clean()
    if not confirm_not_duplicate:
        _ensure_not_duplicate(person)
    return person


def _ensure_not_duplicate(person: Person) -> None:
    """The same phone or a similar name already registered: refused until the user confirms that the
    person is not one of them (a duplicate is merged, never silently created)."""
    found = possible_duplicates(center_id=person.center_id, full_name=person.full_name, phone=person.phone)
    errors = {}
    if found.same_phone:
        errors["phone"] = _(
            "This phone is already registered: %(persons)s. Choose the person from the search results, "
            "or confirm that this is another person."
        ) % {"persons": describe_persons(found.same_phone)}
    if found.similar_name:
        errors["full_name"] = _(
            "A person with a similar name is already registered: %(persons)s. Choose the person from the "
            "search results, or confirm that this is another person."
        ) % {"persons": describe_persons(found.similar_name)}
    if errors:
        raise ValidationError(errors, code="possible_duplicate")


@transaction.atomic
def person_create(
    *,
    by: User,
    full_name: str,
    center: TerritorialCenter | None = None,
    iin: str = "",
    phone: str = "",
    email: str = "",
    is_union_member: bool = False,
    primary_organization: PrimaryOrganization | None = None,
    employer: Employer | None = None,
    confirm_not_duplicate: bool = False,
    notify_by_email: bool = False,
    notify_by_sms: bool = False,
    language: str = "ru",
) -> Person:
    """Register an applicant; a second person with the same IIN in the center is refused, one with the
    same phone or a similar name only when `confirm_not_duplicate` says it is another person."""
    center = center_of(by, center)
    rules.ensure_can_register(by, center)
    person = _person_new(
        center=center,
        full_name=full_name,
        iin=iin,
        phone=phone,
        email=email,
        is_union_member=is_union_member,
        primary_organization=primary_organization,
        employer=employer,
        confirm_not_duplicate=confirm_not_duplicate,
    )
    consent_changes(
        person, {"notify_by_email": notify_by_email, "notify_by_sms": notify_by_sms, "language": language}
    )
    ensure_consent_addresses(person)
    # The language among the choices (the other fields were checked above, as the desk checks them).
    person.clean_fields(exclude=[field.name for field in Person._meta.fields if field.name != "language"])
    with acting_as(by):
        person.save()
    return person


def person_build_imported(
    *, by: User, center: TerritorialCenter, full_name: str, iin: str, phone: str, email: str
) -> Person:
    """A person of a kept register (an import), checked as person_create checks one and not yet
    saved, for persons_save_new to write with others at once (nothing is written here). The import has
    found nobody with the IIN or the phone in the center: a duplicate is the same IIN or phone."""
    rules.ensure_can_register(by, center)
    return _person_new(
        center=center,
        full_name=full_name,
        iin=iin,
        phone=phone,
        email=email,
        confirm_not_duplicate=True,
        iin_checked=True,
    )


@transaction.atomic(savepoint=False)  # called by the import, inside the chunk's transaction
def persons_save_new(*, by: User, persons: list[Person]) -> list[Person]:
    """Write new persons (person_build_imported) at once, each with its audit entry as a save writes it."""
    for person in persons:
        person.name_key = name_key(person.full_name)  # what Person.save keeps
    with acting_as(by):
        Person.objects.bulk_create(persons)
        created_in_bulk(persons)
    return persons


PERSON_EDITABLE = {
    "full_name",
    "iin",
    "phone",
    "email",
    "is_union_member",
    "primary_organization",
    "employer",
    *CONSENT_FIELDS,
}


@transaction.atomic
def person_update(*, person: Person, by: User, expected_version: int | None = None, **changes) -> Person:
    """Change a person's details; the same checks as on creation."""
    rules.ensure_can_register(by, person.center)
    person = locked(person, expected_version)
    if person.merged_into_id is not None:
        raise ValidationError(_("This record was merged into another person's: change that one."))
    consented = "notify_consent_at" in consent_changes(person, changes)  # before the new values are set
    assign_changes(person, _normalized_person_fields(changes), editable=PERSON_EDITABLE)
    fields = [*changes, "notify_consent_at"] if consented else list(changes)
    ensure_consent_addresses(person)
    _ensure_iin_free(person)
    with acting_as(by):
        return save_changes(person, fields)


# What the survivor of a merge takes from the duplicate when it has none of its own.
MERGE_FILLED = ("iin", "phone", "email", "employer", "primary_organization")


@transaction.atomic
def persons_merge(
    *,
    survivor: Person,
    duplicate: Person,
    by: User,
    expected_version: int | None = None,
    duplicate_version: int | None = None,
) -> Person:
    """Merge two records of one person: the duplicate's visits and cases (and with them their online
    submissions and labor disputes) move to the survivor, which keeps its own details and takes the
    missing ones from the duplicate; the duplicate stays as a tombstone pointing at the survivor, its
    IIN cleared. A manager of the persons' center; every change audited."""
    rules.ensure_can_merge_persons(by, survivor.center_id)
    if duplicate.center_id != survivor.center_id:
        # Worded like "not found": another center's person must not be confirmed to exist.
        raise ValidationError({"duplicate": _("No such person in this center.")})
    if duplicate.pk == survivor.pk:
        raise ValidationError({"duplicate": _("Choose another person: a record is not merged into itself.")})
    # Both rows locked, always in the same order, so two merges of the pair cannot deadlock.
    first, second = sorted((survivor, duplicate), key=lambda person: person.pk)
    versions = {survivor.pk: expected_version, duplicate.pk: duplicate_version}
    locked_rows = {person.pk: locked(person, versions[person.pk]) for person in (first, second)}
    survivor, duplicate = locked_rows[survivor.pk], locked_rows[duplicate.pk]
    if survivor.merged_into_id is not None:
        raise ValidationError(_("This record was merged into another person's: merge into that one."))
    if duplicate.merged_into_id is not None:
        raise ValidationError({"duplicate": _("This record has already been merged into another.")})
    filled = [field for field in MERGE_FILLED if not getattr(survivor, field) and getattr(duplicate, field)]
    taken = {field: getattr(duplicate, field) for field in filled}
    if duplicate.is_union_member and not survivor.is_union_member:
        taken["is_union_member"] = True
    with acting_as(by):
        for visit in Visit.objects.select_for_update().filter(person=duplicate).order_by("pk"):
            _move_to(visit, survivor)
        for case in Application.objects.select_for_update().filter(person=duplicate).order_by("pk"):
            _move_to(case, survivor)
        for tombstone in Person.objects.select_for_update().filter(merged_into=duplicate).order_by("pk"):
            tombstone.merged_into = survivor
            tombstone.save(update_fields=["merged_into", "updated_at"])
        # The IIN leaves the tombstone before the survivor takes it: one person per IIN in a center.
        duplicate.merged_into, duplicate.iin = survivor, ""
        save_changes(duplicate, ["merged_into", "iin"])
        for field, value in taken.items():
            setattr(survivor, field, value)
        return save_changes(survivor, list(taken))


def _move_to(record: Visit | Application, person: Person) -> None:
    record.person = person
    record.version += 1
    record.save(update_fields=["person", "version", "updated_at"])
