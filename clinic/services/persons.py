"""Writes to persons: registered at the desk or by the online form, corrected with the same checks."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import acting_as
from core.versioning import assign_changes, locked, save_changes
from organizations.identifiers import normalize_identifier
from organizations.models import Employer, PrimaryOrganization, TerritorialCenter, User

from .. import rules
from ..models import Person
from ..validators import normalize_phone
from .common import center_of


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
    existing = Person.objects.filter(center_id=person.center_id, iin=person.iin).exclude(pk=person.pk).first()
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
) -> Person:
    """A new, validated, unsaved person: the checks of every way a person is registered.

    `public`: typed into the public page, where a refusal must not tell whether an IIN is registered
    (the caller looks the person up instead of refusing a duplicate)."""
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
    _ensure_iin_free(person)
    person.full_clean()
    return person


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
) -> Person:
    """Register an applicant; a second person with the same IIN in the center is refused."""
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
    )
    with acting_as(by):
        person.save()
    return person


PERSON_EDITABLE = {
    "full_name",
    "iin",
    "phone",
    "email",
    "is_union_member",
    "primary_organization",
    "employer",
}


@transaction.atomic
def person_update(*, person: Person, by: User, expected_version: int | None = None, **changes) -> Person:
    """Change a person's details; the same checks as on creation."""
    rules.ensure_can_register(by, person.center)
    person = locked(person, expected_version)
    assign_changes(person, _normalized_person_fields(changes), editable=PERSON_EDITABLE)
    _ensure_iin_free(person)
    with acting_as(by):
        return save_changes(person, changes)
