"""The clinic API: thin view sets. Each starts from `Model.objects.visible_to(request.user)` (so
another center's record is a 404), checks the shape of the input with a serializer and calls the
service that makes the change. Errors are translated in one place, core.api.common."""

import json
from collections.abc import Callable
from functools import cache
from typing import cast
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, parsers, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from clinic import rules, services
from clinic.api.exports import ExportMixin
from clinic.downloads import stored_file_response
from clinic.filters import (
    ApplicationFilter,
    EventFilter,
    LaborDisputeFilter,
    NamedFiltersBackend,
    OutgoingMessageFilter,
    PersonFilter,
    PreventedDisputeFilter,
    VisitFilter,
)
from clinic.imports import template_response as import_template_response
from clinic.letters import PLACEHOLDERS
from clinic.models import (
    Application,
    ApplicationKind,
    Channel,
    Event,
    ExportJob,
    ImportJob,
    LaborDispute,
    LetterTemplate,
    LimitationRule,
    Outcome,
    OutgoingMessage,
    Person,
    PreventedDispute,
    Service,
    Topic,
    Visit,
)
from clinic.personal_data import log_full_record_access, searches_by_personal_data
from clinic.validators import normalize_phone
from core.api.common import ConditionalMixin, PageNumberPagination, StaffPermission, etag
from core.api.rows import represent_rows, row_columns
from core.api.schema import ERRORS, VALIDATION_ERROR
from organizations.identifiers import normalize_identifier
from organizations.models import User

from ..selectors import (
    SEARCH_GROUP_LIMIT,
    case_timeline,
    cross_center_duplicates,
    destruction_records,
    person_history,
    search_querysets,
)
from . import serializers as s

LOOKUP_LIMIT = 20
DOWNLOAD_TYPES = sorted({media_type for media_type, _signatures in services.ACCEPTED_FILES.values()})


class ClinicViewSet(viewsets.GenericViewSet):
    permission_classes = [StaffPermission]
    filter_backends = [NamedFiltersBackend]

    def validated(self, serializer_class, **kwargs) -> dict:
        """The request body checked by an input serializer, as keyword arguments for a service."""
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def reload(self, instance):
        """The record again, with what the list shows (a service returns a bare, fresh row)."""
        return self.get_queryset().get(pk=instance.pk)

    def filter_queryset(self, queryset):
        # The list's filters narrow lists only: a record's own URL already names it, and building the
        # filter set (a deep copy of every filter and its form) is a third of a detail request's time.
        if self.action not in ("list", "export"):
            return queryset
        return super().filter_queryset(queryset)


# Persons


@extend_schema_view(
    list=extend_schema(summary="List applicants"),
    retrieve=extend_schema(summary="Read an applicant"),
)
class PersonViewSet(ExportMixin, ConditionalMixin, mixins.ListModelMixin, ClinicViewSet):
    """Applicants. IIN and phone are masked for users who need not see them."""

    serializer_class = s.PersonSerializer
    filterset_class = PersonFilter
    export_name = "persons"
    conditional_actions = frozenset({"partial_update", "merge", "anonymise"})

    def get_queryset(self):
        persons = Person.objects.visible_to(self.request.user).order_by("full_name", "pk")
        # A merged record (a tombstone) is read by its id, and listed nowhere.
        return persons if self.action in ("retrieve", "history") else persons.active()

    def retrieve(self, request, *args, **kwargs) -> Response:
        person = self.get_object()
        log_full_record_access(person=person, user=request.user)  # the full record, unmasked
        return self.respond(person)

    @extend_schema(
        summary="Register an applicant",
        request=s.PersonCreateSerializer,
        responses={201: s.PersonSerializer},
    )
    def create(self, request):
        """Look the person up first (`/persons/lookup/`): a second person with the same IIN is refused."""
        person = services.person_create(by=request.user, **self.validated(s.PersonCreateSerializer))
        return self.respond(person, status.HTTP_201_CREATED)

    @extend_schema(summary="Correct an applicant's details", request=s.PersonUpdateSerializer)
    def partial_update(self, request, pk=None):
        person = self.get_object()
        rules.ensure_can_register(request.user, person.center)  # the role before the body: 403, not 400
        version = self.if_match(person)
        changes = self.validated(s.PersonUpdateSerializer, partial=True)
        person = services.person_update(person=person, by=request.user, expected_version=version, **changes)
        return self.respond(person)

    @extend_schema(
        summary="Find an applicant by IIN or phone",
        parameters=[s.PersonLookupSerializer],
        responses={200: s.PersonSerializer(many=True), 400: VALIDATION_ERROR},
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def lookup(self, request):
        """Persons whose IIN or phone matches exactly (at most 20): the check before registering. Only for
        those who see IIN and phone: a match tells whose number it is."""
        if not searches_by_personal_data(request.user):
            raise PermissionDenied(_("Your role does not look persons up by IIN or phone: search by name."))
        query = s.PersonLookupSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        persons = self.get_queryset().matching(
            iin=normalize_identifier(query.validated_data.get("iin", "")),
            phone=normalize_phone(query.validated_data.get("phone", "")),
        )
        return Response(self.get_serializer(persons[:LOOKUP_LIMIT], many=True).data)

    @extend_schema(
        summary="Merge a duplicate into an applicant's record",
        request=s.PersonMergeSerializer,
        responses={200: s.PersonSerializer, 400: VALIDATION_ERROR},
    )
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """A manager of the center: the duplicate's visits and cases move to this record, which takes the
        details it lacks; the duplicate stays, marked `merged_into` this record, and leaves every list."""
        person = self.get_object()
        rules.ensure_can_merge_persons(request.user, person.center_id)  # the role before the body: 403
        version = self.if_match(person)
        data = self.validated(s.PersonMergeSerializer)
        person = services.persons_merge(
            survivor=person,
            duplicate=data["duplicate"],
            by=request.user,
            expected_version=version,
            duplicate_version=data.get("duplicate_version"),
        )
        return self.respond(person)

    @extend_schema(
        summary="Everything held about an applicant",
        responses={200: OpenApiTypes.OBJECT},
        description="The person, visits, online questions, cases (status changes, extensions, notes, the "
        "list of documents) and the audit trail of all of them, unmasked: for a manager of the person's "
        "center answering the person's request. The export itself is audited.",
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def data(self, request, pk=None):
        return Response(services.person_data_export(person=self.get_object(), by=request.user))

    @extend_schema(
        summary="Anonymise an applicant at their request",
        request=s.PersonAnonymiseSerializer,
        responses={200: s.PersonSerializer, 400: VALIDATION_ERROR},
    )
    @action(detail=True, methods=["post"])
    def anonymise(self, request, pk=None):
        """A manager of the center: the person's name, IIN, contacts, texts and documents are destroyed,
        their figures kept; refused while a case is open or a dispute unresolved. Needs If-Match."""
        person = self.get_object()
        rules.ensure_can_manage(request.user, person.center_id)  # the role before the body: 403
        version = self.if_match(person)
        data = self.validated(s.PersonAnonymiseSerializer)
        services.person_anonymise_on_request(
            person=person, by=request.user, reason=data["reason"], expected_version=version
        )
        return self.respond(self.reload(person))

    @extend_schema(summary="An applicant's visits and cases", responses={200: s.PersonHistorySerializer})
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request, pk=None):
        """The visits and cases of the person the user may see, newest first (up to 100 of each)."""
        person = self.get_object()
        history = person_history(person, request.user)
        return Response(s.PersonHistorySerializer(history, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Possible duplicates across centers",
        responses={200: s.CrossCenterDuplicateSerializer(many=True)},
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def duplicates(self, request):
        """For federation staff: persons registered in two centers, with the same IIN, or a very similar
        name and the same birth date (the IIN's first six digits); IIN and phone masked by the rule."""
        rules.ensure_can_list_cross_center_duplicates(request.user)
        pairs = cross_center_duplicates(request.user)
        return Response(
            s.CrossCenterDuplicateSerializer(pairs, many=True, context=self.get_serializer_context()).data
        )


# Visits


@extend_schema_view(
    list=extend_schema(summary="List reception visits"),
    retrieve=extend_schema(summary="Read a visit"),
)
class VisitViewSet(ExportMixin, ConditionalMixin, mixins.ListModelMixin, ClinicViewSet):
    """Public reception: who came, when, about what, and what was done."""

    serializer_class = s.VisitSerializer
    filterset_class = VisitFilter
    export_name = "visits"
    conditional_actions = frozenset({"partial_update", "answer", "open_case"})

    def get_queryset(self):
        return (
            Visit.objects.visible_to(self.request.user)
            .select_related("person", "application", "online_submission")
            .prefetch_related("topics")
            .order_by("-visited_at", "-pk")
        )

    @extend_schema(
        summary="Register a visit", request=s.VisitCreateSerializer, responses={201: s.VisitSerializer}
    )
    def create(self, request):
        visit = services.visit_register(by=request.user, **self.validated(s.VisitCreateSerializer))
        return self.respond(self.reload(visit), status.HTTP_201_CREATED)

    @extend_schema(summary="Correct a visit", request=s.VisitUpdateSerializer)
    def partial_update(self, request, pk=None):
        visit = self.get_object()
        rules.ensure_can_register(request.user, visit.center)  # the role before the body: 403, not 400
        version = self.if_match(visit)
        changes = self.validated(s.VisitUpdateSerializer, partial=True)
        visit = services.visit_update(visit=visit, by=request.user, expected_version=version, **changes)
        return self.respond(self.reload(visit))

    @extend_schema(
        summary="Answer on the spot", request=s.VisitAnswerSerializer, responses={200: s.VisitSerializer}
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """Close a pending visit as a consultation given on the spot."""
        visit = self.get_object()
        rules.ensure_can_register(request.user, visit.center)
        version = self.if_match(visit)
        data = self.validated(s.VisitAnswerSerializer)
        visit = services.visit_answer_on_spot(visit=visit, by=request.user, expected_version=version, **data)
        return self.respond(self.reload(visit))

    @extend_schema(
        summary="Open a case from a visit",
        request=s.VisitOpenCaseSerializer,
        responses={201: s.ApplicationSerializer},
    )
    @action(detail=True, methods=["post"], url_path="open-case")
    def open_case(self, request, pk=None):
        """Turn a pending visit into a case for a lawyer; answers with the new case (and its ETag)."""
        visit = self.get_object()
        rules.ensure_can_register(request.user, visit.center)
        version = self.if_match(visit)
        data = self.validated(s.VisitOpenCaseSerializer)
        application = services.visit_open_case(visit=visit, by=request.user, expected_version=version, **data)
        application = ApplicationViewSet.queryset_for(request.user).get(pk=application.pk)
        return Response(
            s.ApplicationSerializer(application, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": etag(application.version)},
        )


# Applications


# The columns of a case's applicant, employer and lawyer that the list's summaries do not show.
_UNREAD_IN_LIST = cache(s.ApplicationSerializer.unread_related_columns)


# The columns a page of cases is cut by: the id and every column the list may be ordered by.
_PAGED_COLUMNS = ("id", "received_on", "sequence", "due_on", "registration_number")


def _manage(user, application: Application) -> None:
    rules.ensure_can_manage(user, application.center_id)


class BinaryRenderer(renderers.BaseRenderer):
    """Lets a download be asked for as application/octet-stream; errors still go out as JSON text."""

    media_type = "application/octet-stream"
    format = "bin"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return data if isinstance(data, bytes) else json.dumps(data, default=str).encode()


@extend_schema_view(
    list=extend_schema(summary="List cases"),
    retrieve=extend_schema(summary="Read a case"),
)
class ApplicationViewSet(ExportMixin, ConditionalMixin, mixins.ListModelMixin, ClinicViewSet):
    """Cases: registered, worked by a lawyer, decided; with notes, documents and a timeline."""

    serializer_class = s.ApplicationSerializer
    filterset_class = ApplicationFilter
    export_name = "cases"
    conditional_actions = frozenset(
        {"partial_update", "change_status", "decide", "reopen", "assign", "extend_deadline", "public_answer"}
    )

    # The list reads `.values()` rows (core.api.rows): the same output without a model instance per case,
    # applicant, employer and lawyer.
    list_reads_rows = True

    @staticmethod
    def queryset_for(user):
        return Application.objects.visible_to(user).select_related("person", "employer", "lawyer")

    def list(self, request, *args, **kwargs) -> Response:
        if not self.list_reads_rows:
            return super().list(request, *args, **kwargs)
        cases = self.filter_queryset(self.get_queryset())
        # The page of the case's own columns first: the count and the page read the list's index, with
        # no join to the applicants (which the rows' columns would add to the count too); then the
        # page's rows with their applicant, employer and lawyer.
        page = self.paginate_queryset(cases.values(*_PAGED_COLUMNS))
        if page is None:
            page = list(cases.values(*_PAGED_COLUMNS))
        by_id = {
            row["id"]: row
            for row in cases.filter(pk__in=[each["id"] for each in page])
            .order_by()
            .values(*row_columns(s.ApplicationSerializer))
        }
        rows = represent_rows(s.ApplicationSerializer, (by_id[each["id"]] for each in page), request)
        return self.get_paginated_response(rows) if self.paginator is not None else Response(rows)

    def get_queryset(self):
        queryset = self.queryset_for(self.request.user).order_by("-received_on", "-sequence")
        if self.action == "list":
            queryset = queryset.defer(*_UNREAD_IN_LIST())
        return queryset

    def _change(self, rule: Callable, service: Callable, serializer_class, **kwargs) -> Response:
        """A conditional change of a case: 404, then the role (403), If-Match (428/412), the body (400)."""
        application = self.get_object()
        rule(self.request.user, application)
        version = self.if_match(application)
        data = self.validated(serializer_class, **kwargs)
        service(application=application, by=self.request.user, expected_version=version, **data)
        return self.respond(self.reload(application))

    @extend_schema(
        summary="Register a case",
        request=s.ApplicationCreateSerializer,
        responses={201: s.ApplicationSerializer},
    )
    def create(self, request):
        """Numbered <CENTER>-<YEAR>-<00001>, due in the kind's number of working days."""
        application = services.application_register(
            by=request.user, **self.validated(s.ApplicationCreateSerializer)
        )
        return self.respond(self.reload(application), status.HTTP_201_CREATED)

    @extend_schema(summary="Correct an open case's description", request=s.ApplicationUpdateSerializer)
    def partial_update(self, request, pk=None):
        return self._change(
            rules.ensure_can_work, services.application_update, s.ApplicationUpdateSerializer, partial=True
        )

    @extend_schema(summary="Change a case's status", request=s.ApplicationStatusSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        """registered → in progress ⇄ on hold; decided → closed. Deciding goes through /decide/."""
        return self._change(rules.ensure_can_work, _change_status, s.ApplicationStatusSerializer)

    @extend_schema(summary="Decide a case", request=s.ApplicationDecideSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """The assigned lawyer or a manager records the outcome of a case in progress."""
        return self._change(rules.ensure_can_work, services.application_decide, s.ApplicationDecideSerializer)

    @extend_schema(
        summary="Write the answer for an online applicant", request=s.ApplicationPublicAnswerSerializer
    )
    @action(detail=True, methods=["post"], url_path="public-answer")
    def public_answer(self, request, pk=None):
        """Only for a case sent through the online reception: the applicant reads this answer with the
        tracking code once the case is decided (the decision itself stays internal)."""
        return self._change(rules.ensure_can_work, _publish_answer, s.ApplicationPublicAnswerSerializer)

    @extend_schema(summary="Reopen a decided case", request=s.ReasonSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """A manager reopens a decided or closed case, giving the reason; the outcome is cleared."""
        return self._change(_manage, services.application_reopen, s.ReasonSerializer)

    @extend_schema(summary="Assign a case to a lawyer", request=s.ApplicationAssignSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """A manager gives the case to a lawyer of the center, or takes it back (null)."""
        return self._change(_manage, services.application_assign, s.ApplicationAssignSerializer)

    @extend_schema(summary="Extend a case's deadline", request=s.ApplicationExtendDeadlineSerializer)
    @action(detail=True, methods=["post"], url_path="extend-deadline")
    def extend_deadline(self, request, pk=None):
        """A manager's reasoned extension: at most 2 months from receipt, the applicant told within
        3 working days."""
        return self._change(
            _manage, services.application_extend_deadline, s.ApplicationExtendDeadlineSerializer
        )

    @extend_schema(
        methods=["GET"], summary="List a case's notes", responses={200: s.NoteSerializer(many=True)}
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a note to a case",
        request=s.NoteSerializer,
        responses={201: s.NoteSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def notes(self, request, pk=None):
        application = self.get_object()
        context = self.get_serializer_context()
        if request.method == "POST":
            rules.ensure_can_work(request.user, application)
            note = services.note_add(
                application=application, by=request.user, **self.validated(s.NoteSerializer)
            )
            return Response(s.NoteSerializer(note, context=context).data, status=status.HTTP_201_CREATED)
        notes = application.notes.select_related("author")
        return Response(s.NoteSerializer(notes, many=True, context=context).data)

    @extend_schema(
        methods=["GET"], summary="List a case's documents", responses={200: s.DocumentSerializer(many=True)}
    )
    @extend_schema(
        methods=["POST"],
        summary="Attach a document to a case",
        request={"multipart/form-data": s.DocumentUploadSerializer},
        responses={201: s.DocumentSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[parsers.MultiPartParser],
        pagination_class=None,
        filterset_class=None,
    )
    def documents(self, request, pk=None):
        """Files are stored privately and downloaded only through `download_url`."""
        application = self.get_object()
        context = self.get_serializer_context()
        if request.method == "POST":
            rules.ensure_can_work(request.user, application)
            upload = self.validated(s.DocumentUploadSerializer)["file"]
            document = services.document_attach(application=application, by=request.user, upload=upload)
            return Response(
                s.DocumentSerializer(document, context=context).data, status=status.HTTP_201_CREATED
            )
        documents = application.documents.select_related("uploaded_by")
        return Response(s.DocumentSerializer(documents, many=True, context=context).data)

    @extend_schema(
        summary="Write a letter from a template",
        request=s.LetterRequestSerializer,
        responses={201: s.DocumentSerializer},
    )
    @action(detail=True, methods=["post"], pagination_class=None, filterset_class=None)
    def letters(self, request, pk=None):
        """The template filled from the case, its applicant, employer, center and lawyer, kept among the
        case's documents (download it from `download_url`)."""
        application = self.get_object()
        rules.ensure_can_work(request.user, application)
        template = self.validated(s.LetterRequestSerializer)["template"]
        document = services.letter_write(application=application, by=request.user, template=template)
        return Response(
            s.DocumentSerializer(document, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Download a document",
        parameters=[OpenApiParameter("document_pk", OpenApiTypes.INT, OpenApiParameter.PATH)],
        # The type follows the file's extension (clinic.services.ACCEPTED_FILES), never the uploader's claim.
        responses={(200, media_type): OpenApiTypes.BINARY for media_type in DOWNLOAD_TYPES},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"documents/(?P<document_pk>[0-9]+)",
        renderer_classes=[renderers.JSONRenderer, BinaryRenderer],
        pagination_class=None,
        filterset_class=None,
    )
    def document_download(self, request, pk=None, document_pk=None):
        """The file itself, as an attachment, to staff who may see the case."""
        application = self.get_object()
        document = get_object_or_404(application.documents.all(), pk=document_pk)
        return stored_file_response(document.file, document.original_name)

    @extend_schema(summary="A case's timeline", responses={200: s.TimelineEntrySerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def timeline(self, request, pk=None):
        """Status changes, notes, documents and deadline extensions, oldest first."""
        application = self.get_object()
        entries = case_timeline(application)
        return Response(
            s.TimelineEntrySerializer(entries, many=True, context=self.get_serializer_context()).data
        )


def _publish_answer(*, public_answer, **kwargs) -> Application:
    return services.application_publish_answer(text=public_answer, **kwargs)


def _change_status(*, status, **kwargs) -> Application:
    # The API calls the field `status`, like the model and the service's error messages.
    return services.application_change_status(to_status=status, **kwargs)


# Labor disputes


@extend_schema_view(
    list=extend_schema(summary="List labor disputes"),
    retrieve=extend_schema(summary="Read a labor dispute"),
)
class LaborDisputeViewSet(ExportMixin, ConditionalMixin, mixins.ListModelMixin, ClinicViewSet):
    """Individual and collective labor disputes against employers."""

    serializer_class = s.LaborDisputeSerializer
    filterset_class = LaborDisputeFilter
    export_name = "disputes"
    conditional_actions = frozenset({"partial_update", "move_stage", "resolve", "register_claim"})

    def get_queryset(self):
        return (
            LaborDispute.objects.visible_to(self.request.user)
            .select_related("employer", "lawyer")
            .prefetch_related(Prefetch("applications", queryset=Application.objects.only("pk")))
            .order_by("-opened_on", "-pk")
        )

    @extend_schema(summary="Record the claim's registration", request=s.DisputeClaimSerializer)
    @action(detail=True, methods=["post"], url_path="register-claim")
    def register_claim(self, request, pk=None):
        """The day the conciliation commission registered the claim: the decision is then expected within
        the period of the limitation rules (15 working days)."""
        return self._change(services.dispute_register_claim, s.DisputeClaimSerializer)

    def _change(self, service: Callable, serializer_class, **kwargs) -> Response:
        dispute = self.get_object()
        user = cast(User, self.request.user)  # StaffPermission: signed in
        rules.ensure_can_handle_disputes(user, dispute.center_id)
        version = self.if_match(dispute)
        data = self.validated(serializer_class, **kwargs)
        service(dispute=dispute, by=self.request.user, expected_version=version, **data)
        return self.respond(self.reload(dispute))

    @extend_schema(summary="Correct a dispute", request=s.LaborDisputeUpdateSerializer)
    def partial_update(self, request, pk=None):
        return self._change(services.dispute_update, s.LaborDisputeUpdateSerializer, partial=True)

    @extend_schema(
        summary="Record a labor dispute",
        request=s.LaborDisputeCreateSerializer,
        responses={201: s.LaborDisputeSerializer},
    )
    def create(self, request):
        dispute = services.dispute_register(by=request.user, **self.validated(s.LaborDisputeCreateSerializer))
        return self.respond(self.reload(dispute), status.HTTP_201_CREATED)

    @extend_schema(summary="Move a dispute to another stage", request=s.DisputeStageSerializer)
    @action(detail=True, methods=["post"], url_path="move-stage")
    def move_stage(self, request, pk=None):
        """Conciliation commission, labor inspection, court: only while the dispute is unresolved."""
        return self._change(services.dispute_move_stage, s.DisputeStageSerializer)

    @extend_schema(summary="Resolve a dispute", request=s.DisputeResolveSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """How the dispute ended and the money recovered for the workers."""
        return self._change(services.dispute_resolve, s.DisputeResolveSerializer)


@extend_schema_view(
    list=extend_schema(summary="List prevented disputes"),
    retrieve=extend_schema(summary="Read a prevented dispute"),
)
class PreventedDisputeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClinicViewSet):
    """Disputes the conflict-prevention center prevented by monitoring, per organization."""

    serializer_class = s.PreventedDisputeSerializer
    filterset_class = PreventedDisputeFilter

    def get_queryset(self):
        return (
            PreventedDispute.objects.visible_to(self.request.user)
            .select_related("employer")
            .order_by("-prevented_on", "-pk")
        )

    @extend_schema(
        summary="Record a prevented dispute",
        request=s.PreventedDisputeCreateSerializer,
        responses={201: s.PreventedDisputeSerializer},
    )
    def create(self, request):
        prevented = services.prevented_dispute_record(
            by=request.user, **self.validated(s.PreventedDisputeCreateSerializer)
        )
        data = self.get_serializer(self.reload(prevented)).data
        return Response(data, status=status.HTTP_201_CREATED)


# Hearings and meetings


@extend_schema_view(
    list=extend_schema(summary="List hearings and meetings"),
    retrieve=extend_schema(summary="Read a hearing or a meeting"),
)
class EventViewSet(ConditionalMixin, mixins.ListModelMixin, ClinicViewSet):
    """Hearings and meetings of cases and labor disputes: the lawyers' calendar."""

    serializer_class = s.EventSerializer
    filterset_class = EventFilter
    conditional_actions = frozenset({"partial_update", "outcome", "destroy"})

    def get_queryset(self):
        return Event.objects.visible_to(self.request.user).with_record().order_by("starts_at", "pk")

    def _change(self, service: Callable, serializer_class=None, **kwargs):
        event = self.get_object()
        rules.ensure_can_change_event(cast(User, self.request.user), event)
        version = self.if_match(event)
        data = self.validated(serializer_class, **kwargs) if serializer_class else {}
        return service(event=event, by=self.request.user, expected_version=version, **data)

    @extend_schema(
        summary="Schedule a hearing or a meeting",
        request=s.EventCreateSerializer,
        responses={201: s.EventSerializer},
    )
    def create(self, request):
        event = services.event_create(by=request.user, **self.validated(s.EventCreateSerializer))
        return self.respond(self.reload(event), status.HTTP_201_CREATED)

    @extend_schema(summary="Move or correct a hearing or a meeting", request=s.EventUpdateSerializer)
    def partial_update(self, request, pk=None):
        event = self._change(services.event_update, s.EventUpdateSerializer, partial=True)
        return self.respond(self.reload(event))

    @extend_schema(summary="Record the outcome of a hearing or a meeting", request=s.EventOutcomeSerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        return self.respond(
            self.reload(self._change(services.event_record_outcome, s.EventOutcomeSerializer))
        )

    @extend_schema(summary="Cancel a hearing or a meeting", request=None, responses={204: None})
    def destroy(self, request, pk=None):
        self._change(services.event_delete)
        return Response(status=status.HTTP_204_NO_CONTENT)


# Messages to applicants


@extend_schema_view(
    list=extend_schema(summary="List messages to applicants"),
    retrieve=extend_schema(summary="Read a message to an applicant"),
)
class OutgoingMessageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClinicViewSet):
    """The outbox: e-mails and SMS to applicants about their cases, newest first, with what became of
    each. Recipients are masked for users who may not see the person's contact details."""

    serializer_class = s.OutgoingMessageSerializer
    filterset_class = OutgoingMessageFilter

    def get_queryset(self):
        return OutgoingMessage.objects.visible_to(self.request.user).order_by("-queued_at", "-pk")

    @extend_schema(
        summary="Send a failed message again",
        request=None,
        responses={202: s.OutgoingMessageSerializer},
    )
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        """A manager of the center queues a failed message again; its attempts start afresh."""
        message = services.message_resend(message=self.get_object(), by=request.user)
        return Response(self.get_serializer(message).data, status=status.HTTP_202_ACCEPTED)


# Reference lists


class ReferenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClinicViewSet):
    """A short list of codes and names, read-only; looked up by code."""

    pagination_class = None
    lookup_value_regex = r"[-a-zA-Z0-9_]{1,32}"


@extend_schema_view(
    list=extend_schema(summary="List clinic services"), retrieve=extend_schema(summary="Read a service")
)
class ServiceViewSet(ReferenceViewSet):
    queryset = Service.objects.all()
    serializer_class = s.ServiceSerializer


@extend_schema_view(list=extend_schema(summary="List topics"), retrieve=extend_schema(summary="Read a topic"))
class TopicViewSet(ReferenceViewSet):
    queryset = Topic.objects.all()
    serializer_class = s.TopicSerializer


@extend_schema_view(
    list=extend_schema(summary="List channels"), retrieve=extend_schema(summary="Read a channel")
)
class ChannelViewSet(ReferenceViewSet):
    queryset = Channel.objects.all()
    serializer_class = s.ChannelSerializer


@extend_schema_view(
    list=extend_schema(summary="List application kinds"),
    retrieve=extend_schema(summary="Read an application kind"),
)
class ApplicationKindViewSet(ReferenceViewSet):
    queryset = ApplicationKind.objects.all()
    serializer_class = s.ApplicationKindSerializer


@extend_schema_view(
    list=extend_schema(summary="List outcomes"), retrieve=extend_schema(summary="Read an outcome")
)
class OutcomeViewSet(ReferenceViewSet):
    queryset = Outcome.objects.all()
    serializer_class = s.OutcomeSerializer


# Letter templates


@extend_schema_view(
    list=extend_schema(summary="List letter templates"),
    retrieve=extend_schema(summary="Read a letter template"),
)
class LetterTemplateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClinicViewSet):
    """The DOCX templates of letters: the federation's (no center), offered to every center and kept by
    the federation's administrators, and each center's own, kept by its managers. An upload with a
    placeholder outside the catalogue (`placeholders/`) or a malformed one is refused (400), naming it
    and its line."""

    serializer_class = s.LetterTemplateSerializer
    pagination_class = None
    filter_backends: list = []  # a few dozen rows, shown whole
    parser_classes = [parsers.MultiPartParser]

    def get_queryset(self):
        templates = LetterTemplate.objects.visible_to(self.request.user).defer("content")
        return templates.order_by("language", "purpose", "name", "pk")

    def _save(self, template: LetterTemplate | None, *, partial: bool) -> LetterTemplate:
        user = cast(User, self.request.user)  # StaffPermission: signed-in staff
        rules.ensure_can_keep_letter_templates(user)  # the role (403) before the body (400)
        data = self.validated(s.LetterTemplateWriteSerializer, partial=partial)
        upload = data.pop("file", None)
        return services.letter_template_save(by=user, template=template, upload=upload, **data)

    @extend_schema(
        summary="Upload a letter template",
        request={"multipart/form-data": s.LetterTemplateWriteSerializer},
        responses={201: s.LetterTemplateSerializer},
    )
    def create(self, request):
        template = self._save(None, partial=False)
        return Response(self.get_serializer(template).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a letter template",
        request={"multipart/form-data": s.LetterTemplateWriteSerializer},
        responses={200: s.LetterTemplateSerializer},
    )
    def partial_update(self, request, pk=None):
        template = self._save(self.get_object(), partial=True)
        return Response(self.get_serializer(template).data)

    @extend_schema(
        summary="The placeholders a letter template may use",
        responses={200: s.LetterPlaceholderSerializer(many=True)},
    )
    @action(detail=False, methods=["get"])
    def placeholders(self, request):
        catalogue = [{"name": name, "description": str(text)} for name, text in PLACEHOLDERS.items()]
        return Response(s.LetterPlaceholderSerializer(catalogue, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="List limitation rules"),
    retrieve=extend_schema(summary="Read a limitation rule"),
)
class LimitationRuleViewSet(ReferenceViewSet):
    """The periods of the labor disputes' limitation clock (Labour Code art. 159-160), as configured."""

    queryset = LimitationRule.objects.all()
    serializer_class = s.LimitationRuleSerializer


# The search box


@extend_schema_view(
    list=extend_schema(
        summary="Search persons, cases and notes",
        parameters=[s.SearchQuerySerializer],
        responses={200: s.SearchResultsSerializer, 400: VALIDATION_ERROR},
    ),
    persons=extend_schema(
        summary="All persons found",
        parameters=[s.SearchQuerySerializer],
        responses={200: s.SearchPersonSerializer(many=True), 400: VALIDATION_ERROR, 404: ERRORS[404]},
    ),
    notes=extend_schema(
        summary="All notes found",
        parameters=[s.SearchQuerySerializer],
        responses={200: s.SearchNoteSerializer(many=True), 400: VALIDATION_ERROR, 404: ERRORS[404]},
    ),
)
class SearchViewSet(ClinicViewSet):
    """What the staff's search box finds in the user's centers: up to 10 of each kind, with a link to
    all of them (cases: the case list's own `q`, which finds the same)."""

    filter_backends: list = []
    serializer_class = s.SearchPersonSerializer
    pagination_class = None  # the grouped answer; the lists of one kind are paged

    def _found(self, kind: str):
        query = s.SearchQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return search_querysets(cast(User, self.request.user), query.validated_data["q"])[kind]

    def _more(self, path: str, query: str) -> str:
        return self.request.build_absolute_uri(f"{path}?{urlencode({'q': query})}")

    def list(self, request):
        query = s.SearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        text = query.validated_data["q"]
        found = search_querysets(cast(User, request.user), text)
        context = self.get_serializer_context()
        groups = {}
        links = {
            "persons": self._more(reverse("clinic-api:search-persons"), text),
            "cases": self._more(reverse("clinic-api:application-list"), text),
            "notes": self._more(reverse("clinic-api:search-notes"), text),
        }
        serializers = {
            "persons": s.SearchPersonSerializer,
            "cases": s.ApplicationSerializer,
            "notes": s.SearchNoteSerializer,
        }
        for kind, queryset in found.items():
            rows = list(queryset[: SEARCH_GROUP_LIMIT + 1])
            groups[kind] = {
                "results": serializers[kind](rows[:SEARCH_GROUP_LIMIT], many=True, context=context).data,
                "more": links[kind] if len(rows) > SEARCH_GROUP_LIMIT else None,
            }
        return Response(groups)

    @action(detail=False, methods=["get"], pagination_class=PageNumberPagination)
    def persons(self, request):
        page = self.paginate_queryset(self._found("persons"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @action(
        detail=False,
        methods=["get"],
        serializer_class=s.SearchNoteSerializer,
        pagination_class=PageNumberPagination,
    )
    def notes(self, request):
        page = self.paginate_queryset(self._found("notes"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# Retention


@extend_schema_view(
    list=extend_schema(summary="List the destruction records of the retention runs"),
    retrieve=extend_schema(summary="Read a destruction record"),
)
class DestructionRecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClinicViewSet):
    """For federation staff: what each retention run anonymised, by rule and kind of record, newest
    first. Others get 403."""

    serializer_class = s.DestructionRecordSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        rules.ensure_can_read_destruction_records(request.user)

    def get_queryset(self):
        return destruction_records()


# Imports of registers


@extend_schema_view(
    list=extend_schema(summary="List imports"),
    retrieve=extend_schema(summary="Read an import: its state, progress, counts and refused rows"),
)
class ImportJobViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, ClinicViewSet):
    """Imports of registers (XLSX, CSV) into a center: upload (a dry run by default), poll the job for
    its progress and its refused rows, confirm a checked one; managers of the center and the
    federation's administrators."""

    serializer_class = s.ImportJobSerializer
    filter_backends: list = []
    parser_classes = [parsers.MultiPartParser, parsers.JSONParser]

    def get_queryset(self):
        user = cast(User, self.request.user)
        if getattr(self, "swagger_fake_view", False):  # the schema's generation, signed out
            return ImportJob.objects.none()
        if not rules.may_import(user):
            raise PermissionDenied(_("Only a manager may import registers."))
        return ImportJob.objects.visible_to(user).order_by("-created_at", "-id")

    @extend_schema(
        summary="Upload a register to check or import",
        request={"multipart/form-data": s.ImportJobCreateSerializer},
        responses={201: s.ImportJobSerializer},
    )
    def create(self, request):
        self.get_queryset()  # the role (403) before the body (400)
        data = self.validated(s.ImportJobCreateSerializer)
        job = services.import_create(by=request.user, language=request.LANGUAGE_CODE, **data)
        return Response(self.get_serializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Import a checked register", request=None, responses={200: s.ImportJobSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        job = services.import_confirm(job=self.get_object(), by=request.user)
        return Response(self.get_serializer(job).data)

    @extend_schema(
        summary="The template of a register: headers in the user's language and one example row",
        parameters=[OpenApiParameter("kind", enum=ImportJob.Kind.values, required=True)],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"], renderer_classes=[renderers.JSONRenderer, BinaryRenderer])
    def template(self, request):
        self.get_queryset()
        kind = request.query_params.get("kind", "")
        if kind not in ImportJob.Kind.values:
            raise ValidationError({"kind": [_("Choose what the file holds.")]})
        return import_template_response(kind, request.LANGUAGE_CODE)


class ExportJobViewSet(mixins.RetrieveModelMixin, ClinicViewSet):
    """A list export built in the background (`export/` on a list answers 202 with its id when the list
    is longer than EXPORT_SYNC_MAX_ROWS): its state, the rows written so far and, once ready, its
    file. Only the staff member who asked for it sees it; anyone else gets a 404."""

    serializer_class = s.ExportJobSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation, signed out
            return ExportJob.objects.none()
        return ExportJob.objects.filter(user=self.request.user)

    @extend_schema(summary="A background export's state", responses={200: s.ExportJobSerializer})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Download a background export once ready",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"], renderer_classes=[renderers.JSONRenderer, BinaryRenderer])
    def download(self, request, pk=None):
        job = get_object_or_404(self.get_queryset(), pk=pk, status=ExportJob.State.DONE)
        return stored_file_response(job.file, (job.file.name or "").rsplit("/", 1)[-1])
