"""Everything the system holds about one person, as one JSON document: what a manager gives the person
who asks (Law of Kazakhstan No. 94-V, art. 24: the right to learn what is held about oneself).

The person's record (and the records merged into it, their consent to be informed), their visits,
online questions, cases with status changes, extensions, notes, hearings and the list of documents, the
messages sent to them, and the audit trail of all of these: who created, changed and viewed them,
when. A fixed number of queries, whatever the history's length.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q
from django.utils import timezone

from organizations.models import User

from .models import (
    Application,
    DeadlineExtension,
    Document,
    Event,
    Note,
    OnlineSubmission,
    OutgoingMessage,
    Person,
    Visit,
)

FORMAT = "tulegal-person-data/1"


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _user(user: User | None) -> str | None:
    return (user.get_full_name() or user.get_username()) if user else None


def _fields(record: Model, names: list[str]) -> dict[str, Any]:
    return {name: _value(getattr(record, name)) for name in names}


def _person(person: Person) -> dict[str, Any]:
    return {
        **_fields(
            person,
            [
                "id",
                "full_name",
                "iin",
                "phone",
                "email",
                "is_union_member",
                "language",
                "notify_by_email",
                "notify_by_sms",
                "notify_consent_at",
                "created_at",
                "anonymised_at",
            ],
        ),
        "center": person.center.name,
        "employer": {"name": person.employer.name, "bin": person.employer.bin} if person.employer else None,
        "primary_organization": person.primary_organization.name if person.primary_organization else None,
    }


def _visit(visit: Visit) -> dict[str, Any]:
    return {
        **_fields(visit, ["id", "visited_at", "question", "action_taken"]),
        "center": visit.center.name,
        "channel": visit.channel.name,
        "topics": [topic.name for topic in visit.topics.all()],
        "result": visit.get_result_display(),
        "registered_by": _user(visit.registered_by),
    }


ONLINE_FIELDS = [
    "id",
    "created_at",
    "full_name",
    "phone",
    "iin",
    "email",
    "employer_name",
    "is_union_member",
    "primary_organization_name",
    "due_on",
    "consent_version",
    "consented_at",
]


def _case(case: Application) -> dict[str, Any]:
    return {
        **_fields(
            case,
            [
                "registration_number",
                "received_on",
                "due_on",
                "summary",
                "decided_on",
                "decision",
                "public_answer",
                "recovered_kzt",
            ],
        ),
        "center": case.center.name,
        "service": case.service.name,
        "kind": case.kind.name,
        "topic": case.topic.name,
        "status": case.get_status_display(),
        "outcome": case.outcome.name if case.outcome else None,
        "employer": {"name": case.employer.name, "bin": case.employer.bin} if case.employer else None,
        "lawyer": _user(case.lawyer),
        "status_changes": [
            {
                **_fields(change, ["changed_at", "reason"]),
                "to": change.get_to_status_display(),
                "by": _user(change.changed_by),
            }
            for change in case.status_changes.all()
        ],
        "deadline_extensions": [
            {
                **_fields(
                    extension,
                    ["extended_at", "previous_due_on", "new_due_on", "reason", "applicant_notified_on"],
                ),
                "by": _user(extension.extended_by),
            }
            for extension in case.extensions.all()
        ],
        "notes": [
            {**_fields(note, ["created_at", "text"]), "by": _user(note.author)} for note in case.notes.all()
        ],
        "documents": [
            {
                **_fields(document, ["original_name", "content_type", "size", "uploaded_at"]),
                "by": _user(document.uploaded_by),
            }
            for document in case.documents.all()
        ],
        "hearings_and_meetings": [
            {**_fields(event, ["starts_at", "place", "notes", "outcome"]), "kind": event.get_kind_display()}
            for event in case.events.all()
        ],
    }


def _message(message: OutgoingMessage) -> dict[str, Any]:
    return {
        **_fields(message, ["queued_at", "sent_at", "recipient", "subject", "body", "language"]),
        "channel": message.get_channel_display(),
        "purpose": message.get_purpose_display(),
        "status": message.get_status_display(),
        "case": message.application.registration_number if message.application else None,
    }


def _audit_trail(records: dict[type[Model], list[int]]) -> list[dict[str, Any]]:
    """The trail of every record listed, oldest first: who did what to which record, and when."""
    content_types = ContentType.objects.get_for_models(*records)
    wanted = Q(pk__in=[])
    for model, ids in records.items():
        if ids:
            wanted |= Q(content_type=content_types[model], object_id__in=ids)
    entries = (
        LogEntry.objects.filter(wanted).select_related("actor", "content_type").order_by("timestamp", "pk")
    )
    return [
        {
            "at": _value(entry.timestamp),
            "action": entry.get_action_display(),
            "record": f"{entry.content_type.model_class()._meta.verbose_name} {entry.object_id}",
            "by": _user(entry.actor),
            "changed_fields": sorted((entry.changes or {}).keys()) if isinstance(entry.changes, dict) else [],
            "note": entry.additional_data,
        }
        for entry in entries
    ]


def person_dossier(person: Person, *, exported_by: User) -> dict[str, Any]:
    """Everything held about `person`: see the module's docstring."""
    merged = list(
        Person.objects.filter(merged_into=person).select_related("center", "employer", "primary_organization")
    )
    visits = list(
        Visit.objects.filter(person=person)
        .select_related("center", "channel", "registered_by")
        .prefetch_related("topics")
        .order_by("visited_at", "pk")
    )
    online = list(OnlineSubmission.objects.filter(visit__person=person).order_by("created_at", "pk"))
    cases = list(
        Application.objects.filter(person=person)
        .select_related("center", "service", "kind", "topic", "outcome", "employer", "lawyer")
        .prefetch_related(
            "status_changes__changed_by",
            "extensions__extended_by",
            "notes__author",
            "documents__uploaded_by",
            "events",
        )
        .order_by("received_on", "pk")
    )
    case_ids = [case.pk for case in cases]
    messages = list(
        OutgoingMessage.objects.filter(person__in=[person, *merged])
        .select_related("application")
        .order_by("queued_at", "pk")
    )
    trail = _audit_trail(
        {
            Person: [person.pk, *(record.pk for record in merged)],
            Visit: [visit.pk for visit in visits],
            OnlineSubmission: [submission.pk for submission in online],
            Application: case_ids,
            Note: list(Note.objects.filter(application_id__in=case_ids).values_list("pk", flat=True)),
            Document: list(Document.objects.filter(application_id__in=case_ids).values_list("pk", flat=True)),
            DeadlineExtension: list(
                DeadlineExtension.objects.filter(application_id__in=case_ids).values_list("pk", flat=True)
            ),
            Event: list(Event.objects.filter(application_id__in=case_ids).values_list("pk", flat=True)),
        }
    )
    return {
        "format": FORMAT,
        "exported_at": _value(timezone.now()),
        "exported_by": _user(exported_by),
        "person": _person(person),
        "merged_records": [_person(record) for record in merged],
        "visits": [_visit(visit) for visit in visits],
        "online_questions": [_fields(submission, ONLINE_FIELDS) for submission in online],
        "cases": [_case(case) for case in cases],
        "messages": [_message(message) for message in messages],
        "audit_trail": trail,
    }
