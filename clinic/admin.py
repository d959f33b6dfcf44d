"""The clinic in the Django admin. Every add, change and action goes through clinic.services, so the
admin obeys the same role rules and writes the same audit trail as the API and the web pages."""

from typing import ClassVar
from urllib.parse import quote

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from auditlog.render import get_field_verbose_name
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import AuditTrailAdmin
from core.admin import ServiceBackedAdmin as CoreServiceBackedAdmin
from organizations.admin import CenterScopedAdmin, FederationOwnedAdmin

from . import services
from .actions import CASE_ACTIONS, DISPUTE_ACTIONS, PERSON_ACTIONS, VISIT_ACTIONS
from .downloads import stored_file_response
from .letters import PLACEHOLDERS
from .models import (
    Application,
    ApplicationKind,
    Channel,
    DeadlineExtension,
    DestructionRecord,
    Document,
    LaborDispute,
    LetterTemplate,
    LimitationRule,
    Note,
    OnlineAttachment,
    OnlineSubmission,
    Outcome,
    OutgoingMessage,
    Person,
    PreventedDispute,
    RetentionRun,
    Service,
    StatusChange,
    Topic,
    Visit,
)
from .personal_data import (
    PERSONAL_FIELDS,
    recipient_shown,
    searches_by_personal_data,
    sees_personal_data,
    shown,
)

# Reference lists


class ReferenceAdmin(FederationOwnedAdmin):
    list_display: tuple[str, ...] = ("code", "name_en", "name_ru", "name_kk", "sort_order", "is_active")
    list_editable: ClassVar[tuple[str, ...]] = ("sort_order", "is_active")
    search_fields = ("code", "name_en", "name_ru", "name_kk")


admin.site.register([Service, Topic, Channel], ReferenceAdmin)


@admin.register(ApplicationKind)
class ApplicationKindAdmin(ReferenceAdmin):
    list_display = (*ReferenceAdmin.list_display, "deadline_working_days", "extendable")
    list_editable = (*ReferenceAdmin.list_editable, "deadline_working_days", "extendable")


@admin.register(Outcome)
class OutcomeAdmin(ReferenceAdmin):
    list_display = (*ReferenceAdmin.list_display, "is_positive")


# Service-backed admin


class ServiceBackedAdmin(AuditTrailAdmin, CoreServiceBackedAdmin, CenterScopedAdmin):
    """A clinic record in the admin: saved through its service, its actions those of its page
    (clinic.actions), its audit trail one click away, its choices scoped to what the user sees."""


class PersonalDataAdmin(admin.ModelAdmin):
    """IIN, phone and e-mail as clinic.personal_data allows: masked in the list and, read-only, on the
    change page for those who may not see them; and no search by them for those who may not find by them
    (a match would tell whose number it is). `center_id` of the record is the person's center."""

    personal_fields: tuple[str, ...] = PERSONAL_FIELDS

    def _personal_columns(self, request) -> dict:
        """The columns showing each personal field as the user may see it; the same objects for the whole
        request, so that the form tells them apart from the model's fields."""
        if not hasattr(request, "personal_columns"):
            request.personal_columns = {
                field: self._personal_column(request.user, field) for field in self.personal_fields
            }
        return request.personal_columns

    def _personal_column(self, user, field: str):
        @admin.display(description=self.model._meta.get_field(field).verbose_name)
        def column(record):
            return shown(user, record.center_id, field, getattr(record, field))

        column.__name__ = f"shown_{field}"
        return column

    def _masked_for(self, request, obj) -> bool:
        return obj is not None and not sees_personal_data(request.user, obj.center_id)

    def get_list_display(self, request):
        columns = self._personal_columns(request)
        return [columns.get(name, name) for name in super().get_list_display(request)]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if not self._masked_for(request, obj):
            return fields
        columns = self._personal_columns(request)
        return [columns.get(name, name) for name in fields]

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if not self._masked_for(request, obj):
            return readonly
        columns = self._personal_columns(request)
        return (*(name for name in readonly if name not in columns), *columns.values())

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        if searches_by_personal_data(request.user):
            return fields
        return [field for field in fields if field.lstrip("=^@").split("__")[-1] not in PERSONAL_FIELDS]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Persons and visits


class PersonAdminForm(forms.ModelForm):
    confirm_not_duplicate = forms.BooleanField(
        label=_("Not a duplicate: register anyway"),
        required=False,
        help_text=_("Asked when a person with the same phone or a similar name is already registered."),
    )

    class Meta:
        model = Person
        fields = (
            "center",
            "full_name",
            "iin",
            "phone",
            "email",
            "is_union_member",
            "primary_organization",
            "employer",
            "notify_by_sms",
            "notify_by_email",
            "language",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "language" in self.fields:  # not on a read-only page
            self.fields["language"].required = False  # Russian unless chosen

    def clean_language(self) -> str:
        return self.cleaned_data.get("language") or "ru"


@admin.register(Person)
class PersonAdmin(PersonalDataAdmin, ServiceBackedAdmin):
    form = PersonAdminForm
    list_display = ("full_name", "iin", "phone", "is_union_member", "center", "merged_into")
    list_filter = ("is_union_member", "center")
    record_actions = PERSON_ACTIONS
    search_fields = ("full_name", "=iin", "phone")
    list_select_related = ("center",)
    autocomplete_fields = ("employer", "primary_organization")
    fields = (
        "center",
        "full_name",
        "iin",
        "phone",
        "email",
        "is_union_member",
        "primary_organization",
        "employer",
        "notify_by_sms",
        "notify_by_email",
        "language",
    )

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return (*fields, "confirm_not_duplicate") if obj is None else (*fields, "merged_into")

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None:
            readonly = (*readonly, "merged_into")
        return ("center", *readonly) if obj or not request.user.sees_all_centers else readonly

    def perform(self, request, obj, data):
        data = {field: value for field, value in data.items() if field != "center" or obj is None}
        if obj is None:
            return services.person_create(by=request.user, **data)
        data.pop("confirm_not_duplicate", None)
        return services.person_update(person=obj, by=request.user, **data)


@admin.register(Visit)
class VisitAdmin(PersonalDataAdmin, ServiceBackedAdmin):
    personal_fields = ()  # the person is shown by name; searched by IIN or phone only by those who may

    list_display = ("visited_at", "person", "channel", "result", "center", "office")
    list_filter = ("result", "channel", "center", "visited_at")
    search_fields = ("person__full_name", "=person__iin", "person__phone")
    list_select_related = ("person", "channel", "center", "office")
    autocomplete_fields = ("person", "employer")
    fields = (
        "person",
        "channel",
        "topics",
        "question",
        "employer",
        "office",
        "visited_at",
        "result",
        "action_taken",
    )
    readonly_fields = ("result", "action_taken")
    record_actions = VISIT_ACTIONS

    def get_readonly_fields(self, request, obj=None):
        if obj:  # a correction of what was recorded; the result has its actions
            return tuple(field for field in self.fields if field not in services.VISIT_EDITABLE)
        return self.readonly_fields

    def perform(self, request, obj, data):
        if obj is not None:
            changes = {field: value for field, value in data.items() if field in services.VISIT_EDITABLE}
            return services.visit_update(visit=obj, by=request.user, **changes)
        data.pop("result", None)
        return services.visit_register(by=request.user, **data)


# Applications


class OnlineAttachmentInline(ReadOnlyInline):
    model = OnlineAttachment
    fields = ("original_name", "content_type", "size", "uploaded_at")
    readonly_fields = fields


@admin.register(OnlineSubmission)
class OnlineSubmissionAdmin(PersonalDataAdmin, AuditTrailAdmin, CenterScopedAdmin):
    """What was sent through the public page, as typed, with the consent: read-only, since the sender
    cannot be asked again; the reception works the question through its visit."""

    list_display = ("created_at", "full_name", "phone", "center", "visit_result", "due_on")
    list_filter = ("center", "visit__result", "created_at")
    search_fields = ("full_name", "phone", "=iin")
    list_select_related = ("center", "visit")
    fields = (
        "center",
        "visit",
        "full_name",
        "phone",
        "iin",
        "email",
        "employer_name",
        "due_on",
        "consent_version",
        "consented_at",
        "created_at",
    )
    readonly_fields = fields
    inlines = [OnlineAttachmentInline]

    @admin.display(description=_("result"), ordering="visit__result")
    def visit_result(self, submission: OnlineSubmission) -> str:
        return submission.visit.get_result_display()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = ("changed_at", "from_status", "to_status", "reason", "changed_by")


class NoteInline(ReadOnlyInline):
    model = Note
    fields = ("created_at", "author", "text")


class DocumentInline(ReadOnlyInline):
    model = Document
    fields = ("uploaded_at", "uploaded_by", "download", "content_type", "size")
    readonly_fields = ("download",)

    @admin.display(description=_("file"))
    def download(self, document):
        url = reverse("admin:clinic_document_download", args=[document.pk])
        return format_html('<a href="{}">{}</a>', url, document.original_name)


class ExtensionInline(ReadOnlyInline):
    model = DeadlineExtension
    fields = (
        "extended_at",
        "previous_due_on",
        "new_due_on",
        "reason",
        "extended_by",
        "applicant_notified_on",
    )


@admin.register(Application)
class ApplicationAdmin(PersonalDataAdmin, ServiceBackedAdmin):
    personal_fields = ()  # the applicant is shown by name; searched by IIN only by those who may

    list_display = (
        "registration_number",
        "person",
        "service",
        "topic",
        "status",
        "received_on",
        "due_on",
        "lawyer",
        "outcome",
    )
    list_filter = ("status", "service", "kind", "topic", "channel", "outcome", "center", "received_on")
    search_fields = ("=registration_number", "person__full_name", "=person__iin")
    list_select_related = ("person", "service", "topic", "lawyer", "outcome")
    autocomplete_fields = ("person", "employer")
    date_hierarchy = "received_on"
    inlines = [StatusChangeInline, NoteInline, DocumentInline, ExtensionInline]
    registration_fields = (
        "person",
        "service",
        "kind",
        "topic",
        "channel",
        "received_on",
        "summary",
        "employer",
        "office",
        "lawyer",
    )
    editable_fields = ("service", "topic", "channel", "summary", "employer")
    state_fields = (
        "registration_number",
        "center",
        "kind",
        "received_on",
        "due_on",
        "status",
        "lawyer",
        "outcome",
        "decided_on",
        "decision",
        "recovered_kzt",
        "person",
        "office",
        "visit",
    )
    record_actions = CASE_ACTIONS

    def get_fields(self, request, obj=None):
        return self.state_fields + self.editable_fields if obj else self.registration_fields

    def get_readonly_fields(self, request, obj=None):
        return self.state_fields if obj else ()

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def perform(self, request, obj, data):
        if obj is None:
            return services.application_register(by=request.user, **data)
        changes = {field: data[field] for field in self.editable_fields if data[field] != getattr(obj, field)}
        return services.application_update(application=obj, by=request.user, **changes) if changes else obj

    def get_urls(self):
        return [
            path(
                "documents/<int:pk>/download/",
                self.admin_site.admin_view(self.document_download),
                name="clinic_document_download",
            ),
            *super().get_urls(),
        ]

    def document_download(self, request, pk):
        """Documents are private files: served only to those who may see the case."""
        document = Document.objects.visible_to(request.user).filter(pk=pk).first()
        if document is None:
            raise Http404
        return stored_file_response(document.file, document.original_name)


# Labor disputes


@admin.register(LaborDispute)
class LaborDisputeAdmin(ServiceBackedAdmin):
    list_display = (
        "employer",
        "kind",
        "stage",
        "opened_on",
        "next_deadline_on",
        "result",
        "resolved_on",
        "recovered_kzt",
        "center",
    )
    list_filter = ("kind", "stage", "result", "center", "opened_on")
    search_fields = ("employer__name", "=employer__bin", "subject")
    list_select_related = ("employer", "center")
    autocomplete_fields = ("employer", "applications")
    fields = (
        "center",
        "kind",
        "employer",
        "subject",
        "workers_affected",
        "stage",
        "opened_on",
        "is_reinstatement",
        "disputed_act_on",
        "lawyer",
        "applications",
        "claim_registered_on",
        "filing_due_on",
        "decision_due_on",
        "result",
        "resolved_on",
        "recovered_kzt",
    )
    record_actions = DISPUTE_ACTIONS
    # Computed by the services from the limitation rules; the claim's registration has its action.
    computed_fields = ("claim_registered_on", "filing_due_on", "decision_due_on")

    def get_readonly_fields(self, request, obj=None):
        if obj:  # a correction of what was recorded; the stage and the result have their actions
            return tuple(field for field in self.fields if field not in services.DISPUTE_EDITABLE)
        return ("result", "resolved_on", "recovered_kzt", *self.computed_fields) + (
            () if request.user.sees_all_centers else ("center",)
        )

    def perform(self, request, obj, data):
        if obj is not None:
            changes = {field: value for field, value in data.items() if field in services.DISPUTE_EDITABLE}
            return services.dispute_update(dispute=obj, by=request.user, **changes)
        return services.dispute_register(by=request.user, **data)


@admin.register(LimitationRule)
class LimitationRuleAdmin(ReferenceAdmin):
    """The periods of the limitation clock. Saved through limitation_rule_save, which recomputes the
    dates of every unresolved dispute (a change in the list's editable columns too)."""

    list_display = (
        *ReferenceAdmin.list_display,
        "period_amount",
        "period_unit",
        "counted_from",
        "applies_to",
    )
    list_editable = (*ReferenceAdmin.list_editable, "period_amount", "period_unit")
    list_filter = ("counted_from", "applies_to", "is_active")

    def save_model(self, request, obj, form, change):
        services.limitation_rule_save(rule=obj, by=request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # switched off (`active`), never deleted: the disputes' dates were computed from it


@admin.register(PreventedDispute)
class PreventedDisputeAdmin(ServiceBackedAdmin):
    list_display = ("employer", "primary_organization", "prevented_on", "workers_affected", "center")
    list_filter = ("center", "prevented_on")
    search_fields = ("employer__name", "=employer__bin")
    list_select_related = ("employer", "primary_organization", "center")
    autocomplete_fields = ("employer", "primary_organization")
    fields = ("center", "employer", "primary_organization", "prevented_on", "how", "workers_affected")

    def get_readonly_fields(self, request, obj=None):
        if obj:
            return self.fields
        return () if request.user.sees_all_centers else ("center",)

    def perform(self, request, obj, data):
        if obj is not None:
            return super().perform(request, obj, data)
        return services.prevented_dispute_record(by=request.user, **data)


class DestructionRecordInline(admin.TabularInline):
    model = DestructionRecord
    fields = ("rule", "kind", "years", "cutoff", "count")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    """What each retention run destroyed: read-only, kept for good, for federation-level staff
    (clinic.rules.ensure_can_read_destruction_records; the page /retention/ exports it)."""

    list_display = ("started_at", "finished_at", "started_by", "anonymised")
    fields = ("started_at", "finished_at", "started_by")
    readonly_fields = fields
    inlines = [DestructionRecordInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(anonymised=Sum("records__count"))

    @admin.display(description=_("records anonymised"), ordering="anonymised")
    def anonymised(self, run: RetentionRun) -> int:
        return getattr(run, "anonymised", 0) or 0

    def has_module_permission(self, request):
        return _federation_level(request.user)

    def has_view_permission(self, request, obj=None):
        return _federation_level(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Letter templates


class LetterTemplateAdminForm(forms.ModelForm):
    file = forms.FileField(
        label=_("DOCX file"),
        required=False,
        help_text=_(
            "Placeholders in Jinja2 syntax, e.g. {{ case.registration_number }}: only those listed below. "
            "A template with an unknown or malformed placeholder is refused, naming its line (a paragraph, "
            "counted from the top of the document). Leave empty to keep the current file."
        ),
    )

    class Meta:
        model = LetterTemplate
        fields = services.LETTER_TEMPLATE_EDITABLE


@admin.register(LetterTemplate)
class LetterTemplateAdmin(AuditTrailAdmin, CoreServiceBackedAdmin):
    """The federation's templates (offered to every center) and each center's own, each kept by its
    own staff; saved through letter_template_save, which checks the file and who may keep it. A new
    template is its author's center's (the federation's, made by the federation's staff)."""

    form = LetterTemplateAdminForm
    list_display = ("name", "center", "purpose", "language", "is_active", "file_name", "updated_at")
    list_filter = ("language", "purpose", "is_active")
    search_fields = ("name",)
    fields = ("center", *services.LETTER_TEMPLATE_EDITABLE, "file", "download", "used", "catalogue")
    readonly_fields = ("center", "download", "used", "catalogue")

    def get_queryset(self, request):
        return LetterTemplate.objects.visible_to(request.user).select_related("center").defer("content")

    @admin.display(description=_("current file"))
    def download(self, template: LetterTemplate):
        if template.pk is None:
            return "—"
        url = reverse("admin:clinic_lettertemplate_download", args=[template.pk])
        return format_html('<a href="{}">{}</a>', url, template.file_name)

    @admin.display(description=_("placeholders used"))
    def used(self, template: LetterTemplate):
        return ", ".join(template.placeholders) or "—"

    @admin.display(description=_("placeholders a template may use"))
    def catalogue(self, template: LetterTemplate):
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li><code>{}</code>: {}</li>",
                ((f"{{{{ {name} }}}}", text) for name, text in PLACEHOLDERS.items()),
            ),
        )

    def perform(self, request, obj, data):
        fields = {field: data[field] for field in services.LETTER_TEMPLATE_EDITABLE}
        return services.letter_template_save(by=request.user, template=obj, upload=data.get("file"), **fields)

    def get_urls(self):
        return [
            path(
                "<int:pk>/download/",
                self.admin_site.admin_view(self.download_view),
                name="clinic_lettertemplate_download",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request, pk):
        template = LetterTemplate.objects.visible_to(request.user).filter(pk=pk).first()
        if template is None or not self.has_view_permission(request, template):
            raise Http404
        response = HttpResponse(bytes(template.content), content_type=services.accepted_content_type(".docx"))
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(template.file_name)}"
        return response


CHANGES_SHOWN = 75  # characters of the changed fields' names in the audit log's list, as django-auditlog


class FederationLogEntryAdmin(LogEntryAdmin):
    """The whole audit log spans every center: only federation-level staff browse it. Center staff
    read each record's trail from the record itself."""

    @admin.display(description=_("Changes"))
    def msg_short(self, obj):
        """django-auditlog's summary of a change, in the user's language: "2 changes: Lawyer, Due on"."""
        if obj.action in (LogEntry.Action.DELETE, LogEntry.Action.ACCESS):
            return ""
        fields = ", ".join(str(get_field_verbose_name(obj, name)) for name in obj.changes_dict)
        if len(fields) > CHANGES_SHOWN:
            fields = fields[: fields.rfind(" ", 0, CHANGES_SHOWN)] + " .."
        count = len(obj.changes_dict)
        return ngettext("%(count)d change: %(fields)s", "%(count)d changes: %(fields)s", count) % {
            "count": count,
            "fields": fields,
        }

    @admin.display(description=_("Correlation ID"))
    def cid_url(self, obj):
        return super().cid_url(obj)

    def has_module_permission(self, request):
        return _federation_level(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return _federation_level(request.user) and super().has_view_permission(request, obj)


def _federation_level(user) -> bool:
    return user.is_authenticated and user.sees_all_centers


admin.site.unregister(LogEntry)
admin.site.register(LogEntry, FederationLogEntryAdmin)


# The outbox of messages to applicants


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(CenterScopedAdmin):
    """The messages to applicants, read-only (they are the record of what the applicant was told); a
    failed one is sent again through the service (a manager of its center)."""

    list_display = ("queued_at", "purpose", "channel", "recipient_column", "status", "attempts", "sent_at")
    list_filter = ("status", "channel", "purpose", "center")
    list_select_related = ("center", "application")
    search_fields = ("application__registration_number",)
    date_hierarchy = "queued_at"
    fields = (
        "center",
        "person",
        "application",
        "submission",
        "extension",
        "purpose",
        "channel",
        "language",
        "recipient_column",
        "subject",
        "body",
        "status",
        "attempts",
        "last_error",
        "queued_at",
        "sent_at",
        "provider_id",
    )
    readonly_fields = fields
    actions = ["send_again"]

    @admin.display(description=_("recipient"))
    def recipient_column(self, message: OutgoingMessage) -> str:
        """Masked; each request shows its own column instead (_recipient_column)."""
        return recipient_shown(None, message)

    def _recipient_column(self, request):
        """The recipient as this user may see it: one column object per request (the admin is shared)."""
        if not hasattr(request, "recipient_column"):

            @admin.display(description=_("recipient"))
            def recipient(message: OutgoingMessage) -> str:
                return recipient_shown(request.user, message)

            request.recipient_column = recipient
        return request.recipient_column

    def _with_recipient(self, request, names):
        return [self._recipient_column(request) if name == "recipient_column" else name for name in names]

    def get_list_display(self, request):
        return self._with_recipient(request, super().get_list_display(request))

    def get_fields(self, request, obj=None):
        return self._with_recipient(request, super().get_fields(request, obj))

    def get_readonly_fields(self, request, obj=None):
        return self._with_recipient(request, super().get_readonly_fields(request, obj))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the failed messages again"))
    def send_again(self, request, queryset):
        sent, refused = 0, []
        for message in queryset.order_by("pk"):
            try:
                services.message_resend(message=message, by=request.user)
                sent += 1
            except (ValidationError, PermissionDenied) as error:
                refused.append(f"{message.pk}: {' '.join(getattr(error, 'messages', [str(error)]))}")
        if sent:
            self.message_user(
                request, ngettext("%d message queued again.", "%d messages queued again.", sent) % sent
            )
        for text in refused:
            self.message_user(request, text, level=messages.WARNING)
