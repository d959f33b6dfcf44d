"""Serializers of the clinic API. Output serializers show a record; input serializers check the
shape of a request (types, lengths, ids the user can see) and hand keyword arguments to a service,
which applies the business rules."""

import re
from datetime import UTC, datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from clinic.models import (
    APPLICANT_LANGUAGES,
    OPEN_STATUSES,
    Application,
    ApplicationKind,
    Channel,
    DestructionRecord,
    Document,
    Event,
    ExportJob,
    ImportJob,
    LaborDispute,
    LetterTemplate,
    LimitationRule,
    Note,
    Outcome,
    OutgoingMessage,
    Person,
    PreventedDispute,
    Service,
    Status,
    Topic,
    Visit,
)
from clinic.personal_data import recipient_shown
from core.api.common import CompiledReadSerializer
from organizations.models import Employer, PrimaryOrganization, RepresentativeOffice, TerritorialCenter, User

from .personal_data import PERSONAL_DATA_MASKS, PersonalDataMixin, hide_personal_data

TEXT_MAX = 10_000  # free text: long enough for any letter, short enough to refuse a flood
INT_MAX = 2**31 - 1  # PostgreSQL integer
EARLIEST_VISIT = datetime(2000, 1, 1, tzinfo=UTC)
CODE = re.compile(r"[-a-zA-Z0-9_]{1,32}")
SECOND_CASE_HELP = (
    "While the person has an open case on the same topic, a new one is refused with 400, the open case "
    "named under `confirm_second_case`; true opens the second case anyway."
)


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """The id of a record the requesting user can see: another center's id "does not exist"."""

    def get_queryset(self):
        return super().get_queryset().visible_to(self.context["request"].user)


class CodeRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference-list item by its code; anything that cannot be a code is refused unasked
    (PostgreSQL rejects a NUL character in a query, which would be a 500)."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not CODE.fullmatch(data):
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


def _reference(model, **kwargs) -> CodeRelatedField:
    return CodeRelatedField(queryset=model.objects.filter(is_active=True), **kwargs)


def _visible(model, **kwargs) -> VisibleRelatedField:
    return VisibleRelatedField(queryset=model.objects.all(), **kwargs)


def _staff(**kwargs) -> serializers.PrimaryKeyRelatedField:
    # Which staff may take a case (a lawyer or manager of the case's center) is the service's rule.
    return serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), **kwargs)


def _text(**kwargs) -> serializers.CharField:
    return serializers.CharField(max_length=TEXT_MAX, allow_blank=True, **kwargs)


def _money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, **kwargs)


# Summaries nested in other records (planned once: a list shows one per row)


def _full_name(first_name: str, last_name: str) -> str:
    """User.get_full_name (Django's AbstractUser) of the two columns, for a list read as rows."""
    return f"{first_name} {last_name}".strip()


def _is_overdue(status: str, due_on) -> bool:
    """Application.is_overdue of the two columns, for a list read as rows."""
    return status in OPEN_STATUSES and due_on < timezone.localdate()


class UserSummarySerializer(CompiledReadSerializer):
    full_name = serializers.CharField(source="get_full_name", read_only=True)
    columns = ("username", "first_name", "last_name", "role")
    row_fields = {"full_name": (("first_name", "last_name"), _full_name)}

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "role"]
        read_only_fields = fields


class EmployerSummarySerializer(CompiledReadSerializer):
    columns = ("name", "bin")

    class Meta:
        model = Employer
        fields = ["id", "name", "bin"]
        read_only_fields = fields


class PersonSummarySerializer(CompiledReadSerializer):
    columns = ("full_name", "iin", "phone", "center")  # the center decides the masking

    @classmethod
    def finish(cls, data: dict, instance, request) -> dict:
        return hide_personal_data(data, instance, request, PERSONAL_DATA_MASKS)

    class Meta:
        model = Person
        fields = ["id", "full_name", "iin", "phone"]
        read_only_fields = fields


# Persons


class PersonSerializer(PersonalDataMixin, serializers.ModelSerializer):
    email = serializers.CharField(read_only=True, help_text="An e-mail address, or empty.")

    class Meta:
        model = Person
        fields = [
            "id",
            "center",
            "full_name",
            "iin",
            "phone",
            "email",
            "is_union_member",
            "primary_organization",
            "employer",
            "notify_by_email",
            "notify_by_sms",
            "notify_consent_at",
            "language",
            "merged_into",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "merged_into": {"help_text": "Set on a merged record: the person it was merged into."}
        }


class PersonUpdateSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=255)
    iin = serializers.CharField(max_length=32, allow_blank=True, required=False, help_text="12 digits.")
    phone = serializers.CharField(max_length=32, allow_blank=True, required=False, help_text="+7XXXXXXXXXX")
    email = serializers.EmailField(max_length=254, allow_blank=True, required=False)
    is_union_member = serializers.BooleanField(required=False)
    primary_organization = _visible(PrimaryOrganization, allow_null=True, required=False)
    employer = _visible(Employer, allow_null=True, required=False)
    notify_by_email = serializers.BooleanField(
        required=False, help_text="The applicant consents to messages about their cases by e-mail."
    )
    notify_by_sms = serializers.BooleanField(
        required=False, help_text="The applicant consents to messages about their cases by SMS."
    )
    language = serializers.ChoiceField(
        choices=APPLICANT_LANGUAGES, required=False, help_text="The language of the messages."
    )


class PersonCreateSerializer(PersonUpdateSerializer):
    center = serializers.PrimaryKeyRelatedField(
        queryset=TerritorialCenter.objects.all(),
        required=False,
        help_text="Federation staff only: center staff always register in their own center.",
    )
    confirm_not_duplicate = serializers.BooleanField(
        default=False,
        help_text=(
            "A person with the same phone or a similar name (any spelling) is refused with 400, the "
            "candidates named under `phone` and `full_name`; true registers the person anyway. The same "
            "IIN is always refused."
        ),
    )


class PersonMergeSerializer(serializers.Serializer):
    duplicate = _visible(
        Person, help_text="The duplicate record, merged into this one (a person of its center)."
    )
    duplicate_version = serializers.IntegerField(
        required=False, min_value=1, help_text="The duplicate's version as read; refused (412) when stale."
    )


class PersonAnonymiseSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=1000, help_text="How and when the person asked that their data be destroyed."
    )


class CaseHistorySerializer(serializers.ModelSerializer):
    topic = serializers.CharField(source="topic.name", read_only=True)
    outcome = serializers.CharField(source="outcome.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Application
        fields = ["id", "registration_number", "received_on", "topic", "status", "outcome", "decided_on"]
        read_only_fields = fields


class VisitHistorySerializer(serializers.ModelSerializer):
    application = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = ["id", "visited_at", "channel", "topics", "result", "application"]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_application(self, visit: Visit) -> int | None:
        application = getattr(visit, "application", None)
        return application.pk if application else None


class PersonHistorySerializer(serializers.Serializer):
    visits = VisitHistorySerializer(many=True, read_only=True)
    cases = CaseHistorySerializer(many=True, read_only=True)


class DuplicatePersonSerializer(PersonalDataMixin, serializers.ModelSerializer):
    center = serializers.CharField(source="center.code", read_only=True)

    class Meta:
        model = Person
        fields = ["id", "center", "full_name", "iin", "phone"]
        read_only_fields = fields


class CrossCenterDuplicateSerializer(serializers.Serializer):
    first = DuplicatePersonSerializer(read_only=True)
    second = DuplicatePersonSerializer(read_only=True)
    reason = serializers.ChoiceField(choices=["same_iin", "similar_name_and_birth_date"], read_only=True)


class PersonLookupSerializer(serializers.Serializer):
    iin = serializers.CharField(max_length=32, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)

    def validate(self, attrs: dict) -> dict:
        if not (attrs.get("iin", "").strip() or attrs.get("phone", "").strip()):
            raise serializers.ValidationError(_("Give an IIN or a phone number."))
        return attrs


# Visits


class VisitSerializer(serializers.ModelSerializer):
    person = PersonSummarySerializer(read_only=True)
    application = serializers.SerializerMethodField(help_text="The case opened from this visit, if any.")
    sent_online = serializers.SerializerMethodField(
        help_text="Sent by the applicant through the public online reception (registered_by is then null)."
    )

    class Meta:
        model = Visit
        fields = [
            "id",
            "center",
            "office",
            "person",
            "employer",
            "visited_at",
            "channel",
            "topics",
            "question",
            "action_taken",
            "result",
            "application",
            "sent_online",
            "registered_by",
            "version",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_application(self, visit: Visit) -> int | None:
        application = getattr(visit, "application", None)  # reverse one-to-one: missing raises
        return application.pk if application else None

    def get_sent_online(self, visit: Visit) -> bool:
        return getattr(visit, "online_submission", None) is not None  # reverse one-to-one, as above


class VisitCreateSerializer(serializers.Serializer):
    person = _visible(Person)
    channel = _reference(Channel)
    topics = _reference(Topic, many=True)
    question = _text(required=False)
    employer = _visible(Employer, allow_null=True, required=False)
    office = _visible(RepresentativeOffice, allow_null=True, required=False)
    visited_at = serializers.DateTimeField(required=False, help_text="Now if left out; not in the future.")

    def validate_visited_at(self, value: datetime) -> datetime:
        # visit_register takes any moment; a visit from the future or from before the clinics
        # existed is a typo (and a year like 1101 has no ISO 8601 offset in Asia/Almaty).
        if not EARLIEST_VISIT <= value <= timezone.now():
            raise serializers.ValidationError(_("Enter a moment between the year 2000 and now."))
        return value


class VisitUpdateSerializer(serializers.Serializer):
    """Corrections to a visit; send only what changes."""

    channel = _reference(Channel, required=False)
    topics = _reference(Topic, many=True, required=False)
    question = _text(required=False)
    employer = _visible(Employer, allow_null=True, required=False)
    office = _visible(RepresentativeOffice, allow_null=True, required=False)


class VisitAnswerSerializer(serializers.Serializer):
    action_taken = _text(help_text="What the visitor was told.")


class VisitOpenCaseSerializer(serializers.Serializer):
    service = _reference(Service)
    kind = _reference(ApplicationKind)
    topic = _reference(Topic, required=False, help_text="The visit's first topic if left out.")
    summary = _text(required=False)
    lawyer = _staff(allow_null=True, required=False)
    confirm_second_case = serializers.BooleanField(default=False, help_text=SECOND_CASE_HELP)


# Applications


class ApplicationSerializer(CompiledReadSerializer):
    person = PersonSummarySerializer(read_only=True)
    employer = EmployerSummarySerializer(read_only=True, allow_null=True)
    lawyer = UserSummarySerializer(read_only=True, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True)
    row_fields = {"is_overdue": (("status", "due_on"), _is_overdue)}

    class Meta:
        model = Application
        fields = [
            "id",
            "registration_number",
            "external_key",
            "center",
            "office",
            "person",
            "visit",
            "employer",
            "service",
            "kind",
            "topic",
            "channel",
            "summary",
            "received_on",
            "due_on",
            "is_overdue",
            "lawyer",
            "status",
            "outcome",
            "decided_on",
            "decision",
            "public_answer",
            "recovered_kzt",
            "registered_by",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ApplicationCreateSerializer(serializers.Serializer):
    person = _visible(Person)
    service = _reference(Service)
    kind = _reference(ApplicationKind)
    topic = _reference(Topic)
    channel = _reference(Channel)
    received_on = serializers.DateField(required=False, help_text="Today if left out.")
    summary = _text(required=False)
    employer = _visible(Employer, allow_null=True, required=False)
    office = _visible(RepresentativeOffice, allow_null=True, required=False)
    lawyer = _staff(allow_null=True, required=False)
    confirm_second_case = serializers.BooleanField(default=False, help_text=SECOND_CASE_HELP)


class ApplicationUpdateSerializer(serializers.Serializer):
    """The description of an open case; send only what changes."""

    service = _reference(Service, required=False)
    topic = _reference(Topic, required=False)
    channel = _reference(Channel, required=False)
    summary = _text(required=False)
    employer = _visible(Employer, allow_null=True, required=False)


class ApplicationStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=Status.choices, help_text="The new status; deciding a case goes through /decide/."
    )
    reason = _text(required=False)


class ApplicationDecideSerializer(serializers.Serializer):
    outcome = _reference(Outcome)
    decision = _text(required=False, help_text="The answer given to the applicant.")
    recovered_kzt = _money(required=False)
    decided_on = serializers.DateField(required=False, help_text="Today if left out.")


class ApplicationPublicAnswerSerializer(serializers.Serializer):
    public_answer = _text(help_text="What the applicant reads on the online tracking page once decided.")


class ReasonSerializer(serializers.Serializer):
    reason = _text()


class ApplicationAssignSerializer(serializers.Serializer):
    lawyer = _staff(allow_null=True, help_text="A lawyer or manager of the center; null takes the case back.")


class ApplicationExtendDeadlineSerializer(serializers.Serializer):
    new_due_on = serializers.DateField()
    reason = _text()
    applicant_notified_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Within 3 working days of today; omitted, the day the extension's message to the applicant "
        "is sent (through the channels the applicant consented to).",
    )


class NoteSerializer(serializers.ModelSerializer):
    author = UserSummarySerializer(read_only=True)

    class Meta:
        model = Note
        fields = ["id", "text", "author", "created_at"]
        read_only_fields = ["id", "author", "created_at"]
        extra_kwargs = {"text": {"max_length": TEXT_MAX}}


class DocumentSerializer(serializers.ModelSerializer):
    uploaded_by = UserSummarySerializer(read_only=True)
    download_url = serializers.SerializerMethodField(
        help_text="Streams the file to staff who may see the case."
    )

    class Meta:
        model = Document
        fields = ["id", "original_name", "content_type", "size", "uploaded_by", "uploaded_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, document: Document) -> str:
        return reverse(
            "clinic-api:application-document-download",
            kwargs={"pk": document.application_id, "document_pk": document.pk},
        )


class DocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        max_length=255, help_text="PDF, image, office document or text; 10 MB at most."
    )


TIMELINE_KINDS = ("status_change", "note", "document", "deadline_extension", "message")


class TimelineEntrySerializer(serializers.Serializer):
    """One event of a case: a status change, a note, a document, a deadline extension or a message to the
    applicant (its text: when it was sent, or why it failed)."""

    kind = serializers.ChoiceField(choices=TIMELINE_KINDS)
    at = serializers.DateTimeField()
    by = UserSummarySerializer()
    text = serializers.CharField(help_text="The reason, the note's text or the document's name.")
    from_status = serializers.ChoiceField(choices=Status.choices, allow_null=True, allow_blank=True)
    to_status = serializers.ChoiceField(choices=Status.choices, allow_null=True)
    new_due_on = serializers.DateField(allow_null=True)
    document = DocumentSerializer(allow_null=True)


# Labor disputes


class LaborDisputeSerializer(serializers.ModelSerializer):
    employer = EmployerSummarySerializer(read_only=True)
    result = serializers.ChoiceField(
        choices=LaborDispute.Result.choices,
        allow_blank=True,
        read_only=True,
        help_text="Empty while unresolved.",
    )
    lawyer = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = LaborDispute
        fields = [
            "id",
            "center",
            "kind",
            "employer",
            "subject",
            "is_reinstatement",
            "disputed_act_on",
            "workers_affected",
            "stage",
            "opened_on",
            "resolved_on",
            "result",
            "recovered_kzt",
            "lawyer",
            "applications",
            "registered_by",
            "claim_registered_on",
            "filing_due_on",
            "decision_due_on",
            "next_deadline_on",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "claim_registered_on": {"help_text": "Recorded by POST .../register-claim/."},
            "filing_due_on": {
                "help_text": "The last day to file the claim, from the disputed act and the limitation rules "
                "(a day off moves it to the next working day). Computed; empty if the act is not recorded."
            },
            "decision_due_on": {
                "help_text": "The day the conciliation commission's decision is expected, from the claim's "
                "registration. Computed."
            },
            "next_deadline_on": {
                "help_text": "The date the dispute waits on now: the last day to file until the claim is "
                "registered, then the commission's decision; empty once resolved or in court. The list's "
                "order and its `due_within` and `overdue` filters."
            },
        }


class DisputeClaimSerializer(serializers.Serializer):
    registered_on = serializers.DateField(
        help_text="The day the conciliation commission registered the claim; moves the dispute to that stage."
    )


class LaborDisputeCreateSerializer(serializers.Serializer):
    employer = _visible(Employer)
    subject = _text()
    kind = serializers.ChoiceField(choices=LaborDispute.Kind.choices, required=False)
    center = serializers.PrimaryKeyRelatedField(
        queryset=TerritorialCenter.objects.all(), required=False, help_text="Federation staff only."
    )
    workers_affected = serializers.IntegerField(min_value=1, max_value=INT_MAX, required=False)
    stage = serializers.ChoiceField(choices=LaborDispute.Stage.choices, required=False)
    opened_on = serializers.DateField(required=False, help_text="Today if left out.")
    is_reinstatement = serializers.BooleanField(required=False)
    disputed_act_on = serializers.DateField(allow_null=True, required=False)
    lawyer = _staff(allow_null=True, required=False)
    applications = _visible(Application, many=True, required=False)


class LaborDisputeUpdateSerializer(serializers.Serializer):
    """Corrections to a dispute; send only what changes (stage and result have their own actions)."""

    employer = _visible(Employer, required=False)
    subject = _text(required=False)
    kind = serializers.ChoiceField(choices=LaborDispute.Kind.choices, required=False)
    workers_affected = serializers.IntegerField(min_value=1, max_value=INT_MAX, required=False)
    is_reinstatement = serializers.BooleanField(required=False)
    disputed_act_on = serializers.DateField(allow_null=True, required=False)


class DisputeStageSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=LaborDispute.Stage.choices)


class DisputeResolveSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=LaborDispute.Result.choices)
    resolved_on = serializers.DateField(required=False, help_text="Today if left out.")
    recovered_kzt = _money(required=False)


class PreventedDisputeSerializer(serializers.ModelSerializer):
    employer = EmployerSummarySerializer(read_only=True)

    class Meta:
        model = PreventedDispute
        fields = [
            "id",
            "center",
            "employer",
            "primary_organization",
            "prevented_on",
            "how",
            "workers_affected",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = fields


class PreventedDisputeCreateSerializer(serializers.Serializer):
    employer = _visible(Employer)
    prevented_on = serializers.DateField()
    how = _text()
    center = serializers.PrimaryKeyRelatedField(
        queryset=TerritorialCenter.objects.all(), required=False, help_text="Federation staff only."
    )
    primary_organization = _visible(PrimaryOrganization, allow_null=True, required=False)
    workers_affected = serializers.IntegerField(min_value=1, max_value=INT_MAX, required=False)


# Reference lists


class _ReferenceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="In the request's language.")

    class Meta:
        fields = ["code", "name", "name_en", "name_ru", "name_kk", "sort_order", "is_active"]
        read_only_fields = fields


class ServiceSerializer(_ReferenceSerializer):
    class Meta(_ReferenceSerializer.Meta):
        model = Service


class TopicSerializer(_ReferenceSerializer):
    class Meta(_ReferenceSerializer.Meta):
        model = Topic


class ChannelSerializer(_ReferenceSerializer):
    class Meta(_ReferenceSerializer.Meta):
        model = Channel


class ApplicationKindSerializer(_ReferenceSerializer):
    class Meta(_ReferenceSerializer.Meta):
        model = ApplicationKind
        fields = [*_ReferenceSerializer.Meta.fields, "deadline_working_days", "extendable"]
        read_only_fields = fields


class OutcomeSerializer(_ReferenceSerializer):
    class Meta(_ReferenceSerializer.Meta):
        model = Outcome
        fields = [*_ReferenceSerializer.Meta.fields, "is_positive"]
        read_only_fields = fields


# The search box


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=100,
        help_text=(
            "A name (any spelling), the start of an IIN or a phone number (typed any way), a part of a "
            "case number or an employer's name, a BIN, or words of a note."
        ),
    )


class SearchPersonSerializer(PersonalDataMixin, serializers.ModelSerializer):
    employer = EmployerSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Person
        fields = ["id", "center", "full_name", "iin", "phone", "employer"]
        read_only_fields = fields


class SearchNoteSerializer(serializers.ModelSerializer):
    author = UserSummarySerializer(read_only=True)
    registration_number = serializers.CharField(source="application.registration_number", read_only=True)

    class Meta:
        model = Note
        fields = ["id", "application", "registration_number", "text", "author", "created_at"]
        read_only_fields = fields


class SearchGroupSerializer(serializers.Serializer):
    more = serializers.URLField(allow_null=True, help_text="All of this kind: a list with `next` links.")


class SearchPersonsGroupSerializer(SearchGroupSerializer):
    results = SearchPersonSerializer(many=True)


class SearchCasesGroupSerializer(SearchGroupSerializer):
    results = ApplicationSerializer(many=True)


class SearchNotesGroupSerializer(SearchGroupSerializer):
    results = SearchNoteSerializer(many=True)


@extend_schema_serializer(many=False)  # the answer of a list action, but one object
class SearchResultsSerializer(serializers.Serializer):
    persons = SearchPersonsGroupSerializer()
    cases = SearchCasesGroupSerializer()
    notes = SearchNotesGroupSerializer()


class DestructionRecordSerializer(serializers.ModelSerializer):
    """How many records of one kind a retention run anonymised under one rule; names no person."""

    run_started_at = serializers.DateTimeField(source="run.started_at", read_only=True)
    run_finished_at = serializers.DateTimeField(source="run.finished_at", read_only=True, allow_null=True)
    started_by = serializers.CharField(source="run.started_by", read_only=True)

    class Meta:
        model = DestructionRecord
        fields = [
            "id",
            "run",
            "run_started_at",
            "run_finished_at",
            "started_by",
            "rule",
            "kind",
            "years",
            "cutoff",
            "count",
        ]
        read_only_fields = fields


# Letters from templates


class LetterTemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = LetterTemplate
        fields = [
            "id",
            "center",
            "name",
            "purpose",
            "language",
            "is_active",
            "file_name",
            "placeholders",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "placeholders": {"help_text": "The placeholders the template uses (GET .../placeholders/)."}
        }


class LetterTemplateWriteSerializer(serializers.Serializer):
    """A template's description and, multipart, its DOCX file (required to create one)."""

    name = serializers.CharField(max_length=200)
    purpose = serializers.ChoiceField(choices=LetterTemplate.Purpose.choices)
    language = serializers.ChoiceField(choices=LetterTemplate.Language.choices)
    is_active = serializers.BooleanField(required=False, default=True)
    for_center = serializers.PrimaryKeyRelatedField(
        queryset=TerritorialCenter.objects.all(),
        required=False,
        allow_null=True,
        write_only=True,
        help_text="The federation's staff: make the new template a center's (empty: the federation's, "
        "offered to every center). A center's staff make their own center's; a template stays where it "
        "was made.",
    )
    file = serializers.FileField(
        max_length=255,
        required=False,
        help_text="The DOCX template; checked: only known placeholders, well-formed (2 MB at most).",
    )


class LetterPlaceholderSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="As written in a template: {{ case.registration_number }}.")
    description = serializers.CharField()


class LetterRequestSerializer(serializers.Serializer):
    template = serializers.PrimaryKeyRelatedField(
        queryset=LetterTemplate.objects.filter(is_active=True),
        help_text="An active letter template: the federation's or the case's center's.",
    )


# Hearings and meetings


class EventSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=Event.Kind.choices, read_only=True)
    lawyer = UserSummarySerializer(read_only=True, allow_null=True)
    registration_number = serializers.CharField(
        source="application.registration_number",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="The case's number; null for an event of a labor dispute.",
    )
    ends_at = serializers.DateTimeField(read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "center",
            "application",
            "registration_number",
            "dispute",
            "kind",
            "starts_at",
            "duration_minutes",
            "ends_at",
            "place",
            "notes",
            "outcome",
            "lawyer",
            "created_by",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class EventCreateSerializer(serializers.Serializer):
    application = _visible(
        Application, required=False, allow_null=True, help_text="The case; or give dispute."
    )
    dispute = _visible(
        LaborDispute, required=False, allow_null=True, help_text="The dispute; or give application."
    )
    kind = serializers.ChoiceField(choices=Event.Kind.choices)
    starts_at = serializers.DateTimeField(help_text="With an offset, or in Asia/Almaty time if without one.")
    duration_minutes = serializers.IntegerField(min_value=1, max_value=24 * 60, required=False)
    place = serializers.CharField(max_length=255, allow_blank=True, required=False)
    notes = _text(required=False)
    lawyer = _staff(allow_null=True, required=False, help_text="The case's or dispute's lawyer if left out.")

    def validate(self, attrs: dict) -> dict:
        application, dispute = attrs.pop("application", None), attrs.pop("dispute", None)
        if (application is None) == (dispute is None):
            raise serializers.ValidationError(
                {"application": [_("Give either the case or the labor dispute, not both.")]}
            )
        attrs["record"] = application or dispute
        return attrs


class EventUpdateSerializer(serializers.Serializer):
    """Corrections to an event; send only what changes (the outcome has its own action)."""

    kind = serializers.ChoiceField(choices=Event.Kind.choices, required=False)
    starts_at = serializers.DateTimeField(required=False)
    duration_minutes = serializers.IntegerField(min_value=1, max_value=24 * 60, required=False)
    place = serializers.CharField(max_length=255, allow_blank=True, required=False)
    notes = _text(required=False)
    lawyer = _staff(allow_null=True, required=False)


class EventOutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=TEXT_MAX)


class LimitationRuleSerializer(_ReferenceSerializer):
    class Meta(_ReferenceSerializer.Meta):
        model = LimitationRule
        fields = [
            *_ReferenceSerializer.Meta.fields,
            "period_amount",
            "period_unit",
            "counted_from",
            "applies_to",
            "legal_basis",
        ]
        read_only_fields = fields


# Messages to applicants


class OutgoingMessageSerializer(serializers.ModelSerializer):
    recipient = serializers.SerializerMethodField(
        help_text="The e-mail address or phone it went to, masked as the person's own for those who "
        "may not see them."
    )

    class Meta:
        model = OutgoingMessage
        fields = [
            "id",
            "center",
            "person",
            "application",
            "submission",
            "extension",
            "purpose",
            "channel",
            "language",
            "recipient",
            "subject",
            "body",
            "status",
            "attempts",
            "last_error",
            "queued_at",
            "sent_at",
            "provider_id",
        ]
        read_only_fields = fields

    def get_recipient(self, message: OutgoingMessage) -> str:
        return recipient_shown(getattr(self.context.get("request"), "user", None), message)


class ExportJobSerializer(serializers.ModelSerializer):
    """A background export: `status` pending, done or failed; `rows_done` the rows written so far;
    `download_url` once done (the file, to its owner only)."""

    download_url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id", "list_name", "file_format", "status", "rows_done", "row_count", "created_at", "finished_at",
            "download_url", "page_url",
        ]  # fmt: skip
        read_only_fields = fields

    def _url(self, name: str, job: ExportJob) -> str:
        url = reverse(name, args=[job.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, job: ExportJob) -> str | None:
        return self._url("clinic-api:export-download", job) if job.status == ExportJob.State.DONE else None

    @extend_schema_field(serializers.URLField())
    def get_page_url(self, job: ExportJob) -> str:
        """The export's web page, which follows it to its download."""
        return self._url("clinic:export_job", job)


class ImportJobSerializer(serializers.ModelSerializer):
    """An import: its state, its progress (rows done of the total) and, once checked or imported, the
    counts and the refused rows (row number, column header, message in the uploader's language)."""

    class Meta:
        model = ImportJob
        fields = [
            "id", "center", "kind", "file_name", "language", "state", "dry_run", "rows_total", "rows_done",
            "created", "updated", "unchanged", "refused", "refused_rows", "error", "created_at",
            "finished_at",
        ]  # fmt: skip
        read_only_fields = fields


class ImportJobCreateSerializer(serializers.Serializer):
    """Multipart: the register's file, what it holds, the center (federation administrators only) and
    `dry_run` (true, the default: only check, then confirm; false: import straight away)."""

    file = serializers.FileField(max_length=255)
    kind = serializers.ChoiceField(choices=ImportJob.Kind.choices)
    center = serializers.PrimaryKeyRelatedField(queryset=TerritorialCenter.objects.all(), required=False)
    dry_run = serializers.BooleanField(required=False, default=True)
