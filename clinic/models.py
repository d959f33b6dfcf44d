"""What the clinic records: persons, reception visits, applications (cases) and labor disputes."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from organizations.identifiers import validate_iin
from organizations.models import (
    Employer,
    MultilingualName,
    PrimaryOrganization,
    RepresentativeOffice,
    TerritorialCenter,
)
from organizations.querysets import CenterScopedQuerySet

from . import limitation
from .names import name_key
from .querysets import (
    ApplicationQuerySet,
    ApplicationRelatedQuerySet,
    EventQuerySet,
    LaborDisputeQuerySet,
    LetterTemplateQuerySet,
    NoteQuerySet,
    OnlineAttachmentQuerySet,
    PersonQuerySet,
    VisitQuerySet,
)
from .validators import validate_phone

# The languages an applicant is written to in.
APPLICANT_LANGUAGES = [("ru", _("Russian")), ("kk", _("Kazakh"))]

MONEY: dict[str, Any] = {
    "max_digits": 14,
    "decimal_places": 2,
    "default": Decimal(0),
    "validators": [MinValueValidator(0)],
}


# Reference lists. Their rows come from seeds/reference; the code is the primary key, so a
# foreign key column holds a readable code and filtering by it needs no join.


class ReferenceItem(MultilingualName):
    code = models.SlugField(_("code"), max_length=32, primary_key=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]


class Service(ReferenceItem):
    """A clinic service of a center: public reception, legal clinic, conflict-prevention center."""

    PUBLIC_RECEPTION = "public_reception"
    LEGAL_CLINIC = "legal_clinic"
    PREVENTION_CENTER = "prevention_center"

    class Meta(ReferenceItem.Meta):
        verbose_name = _("service")
        verbose_name_plural = _("services")


class Topic(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


class Channel(ReferenceItem):
    IN_PERSON = "in_person"
    PHONE = "phone"
    ONLINE = "online"
    MOBILE_OUTREACH = "mobile_outreach"

    class Meta(ReferenceItem.Meta):
        verbose_name = _("channel")
        verbose_name_plural = _("channels")


class ApplicationKind(ReferenceItem):
    """Oral consultation, written application, complaint, collective appeal; carries its deadline."""

    ORAL_CONSULTATION = "oral_consultation"
    WRITTEN_APPLICATION = "written_application"

    deadline_working_days = models.PositiveSmallIntegerField(
        _("deadline, working days"), help_text=_("0: answered on the day of receipt.")
    )
    extendable = models.BooleanField(_("deadline may be extended"), default=True)

    class Meta(ReferenceItem.Meta):
        verbose_name = _("application kind")
        verbose_name_plural = _("application kinds")


class Outcome(ReferenceItem):
    """How a decided application ended; satisfied and partially satisfied are a positive result."""

    SATISFIED = "satisfied"
    PARTIALLY_SATISFIED = "partially_satisfied"
    REJECTED = "rejected"
    EXPLAINED = "explained"
    WITHDRAWN = "withdrawn"
    REFERRED = "referred"

    is_positive = models.BooleanField(_("positive result"), default=False)

    class Meta(ReferenceItem.Meta):
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")


class Versioned(models.Model):
    """A version number bumped by every change, for conflict-safe updates (ETag / If-Match)."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Person(Versioned):
    """An applicant. One person, many visits and cases: look up by IIN or phone before creating."""

    center = models.ForeignKey(
        TerritorialCenter, models.PROTECT, related_name="persons", verbose_name=_("territorial center")
    )
    full_name = models.CharField(_("full name"), max_length=255)
    # The name's spelling key (clinic.names), kept by save(): what name searches and the duplicate
    # check compare, so "Нұрлан", "Нурлан" and "Nurlan" meet. Trigram-indexed on PostgreSQL.
    name_key = models.CharField(max_length=255, blank=True, editable=False)
    iin = models.CharField(_("IIN"), max_length=12, blank=True, validators=[validate_iin])
    phone = models.CharField(
        _("phone"), max_length=20, blank=True, validators=[validate_phone], help_text=_("+7XXXXXXXXXX")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    is_union_member = models.BooleanField(_("union member"), default=False)
    primary_organization = models.ForeignKey(
        PrimaryOrganization,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("primary organization"),
    )
    employer = models.ForeignKey(
        Employer, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("employer")
    )
    # How the applicant agreed to be kept informed of their case (clinic.services.messages), and when.
    notify_by_email = models.BooleanField(_("informed by e-mail"), default=False)
    notify_by_sms = models.BooleanField(_("informed by SMS"), default=False)
    notify_consent_at = models.DateTimeField(_("consent to be informed given at"), null=True, blank=True)
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=APPLICANT_LANGUAGES,
        default="ru",
        help_text=_("Of the messages."),
    )
    # Set when this record was merged into another (clinic.services.persons_merge): the record stays,
    # as a tombstone pointing at the person who now holds its visits and cases, out of every search.
    merged_into = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_records",
        editable=False,
        verbose_name=_("merged into"),
        db_index=False,  # the few merged records only: see Meta.indexes
    )
    # Set when the retention rules anonymised this record (clinic.services.retention).
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        permissions = [("merge_person", _("Can merge duplicate persons"))]
        constraints = [
            models.UniqueConstraint(
                fields=["center", "iin"], condition=~Q(iin=""), name="one_person_per_iin_in_center"
            )
        ]
        indexes = [
            models.Index(fields=["center", "phone"]),
            models.Index(fields=["center", "full_name"]),
            # Merged records are few: an index of all 800,000 NULLs would only tempt the planner into
            # reading it for "not merged" (PersonQuerySet.active).
            models.Index(
                fields=["merged_into"], condition=Q(merged_into__isnull=False), name="person_merged_into"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.name_key = name_key(self.full_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "full_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None


class Visit(Versioned):
    """A reception event: who came, when, through which channel, about what, and what was done."""

    class Result(models.TextChoices):
        PENDING = "pending", _("Pending")
        CONSULTATION = "consultation", _("Answered on the spot")
        CASE_OPENED = "case_opened", _("Case opened")

    center = models.ForeignKey(
        TerritorialCenter, models.PROTECT, related_name="visits", verbose_name=_("territorial center")
    )
    office = models.ForeignKey(
        RepresentativeOffice,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("representative office"),
    )
    person = models.ForeignKey(Person, models.PROTECT, related_name="visits", verbose_name=_("person"))
    employer = models.ForeignKey(
        Employer, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("employer")
    )
    visited_at = models.DateTimeField(_("date and time"), default=timezone.now)
    channel = models.ForeignKey(Channel, models.PROTECT, related_name="+", verbose_name=_("channel"))
    topics = models.ManyToManyField(Topic, related_name="+", verbose_name=_("topics"))
    question = models.TextField(_("question"), blank=True)
    action_taken = models.TextField(_("what was done"), blank=True)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, default=Result.PENDING)
    # Empty for a question the applicant sent through the public online reception: nobody on the
    # staff registered it (its OnlineSubmission says who sent it and when they consented).
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
        help_text=_("Empty for a question sent online by the applicant."),
    )
    # Set when the retention rules anonymised this record (clinic.services.retention).
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    # The register's own number of an imported visit (clinic.services.imports): unique in the center,
    # so importing the same file twice finds the row instead of adding it again. NULL, not "", for the
    # visits recorded at the desk: NULLs never collide in the unique constraint.
    external_key = models.CharField(  # noqa: DJ001
        _("number in the register"), max_length=64, null=True, blank=True
    )

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["-visited_at"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.UniqueConstraint(fields=["center", "external_key"], name="one_imported_visit_per_key")
        ]
        indexes = [
            models.Index(fields=["center", "visited_at"]),
            # The federation's reports: the visits of a period and who came, from the index alone.
            models.Index(fields=["visited_at", "person"], name="visit_visited_at"),
            # The retention rule of consultations: those answered on the spot, not yet anonymised.
            models.Index(
                fields=["visited_at"],
                condition=Q(result="consultation", anonymised_at__isnull=True),
                name="visit_retention",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {timezone.localtime(self.visited_at):%Y-%m-%d %H:%M}"


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    IN_PROGRESS = "in_progress", _("In progress")
    ON_HOLD = "on_hold", _("On hold")
    DECIDED = "decided", _("Decided")
    CLOSED = "closed", _("Closed")


# The allowed moves of the status machine; a manager's reopening is a separate, reasoned action.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.REGISTERED: frozenset({Status.IN_PROGRESS}),
    Status.IN_PROGRESS: frozenset({Status.ON_HOLD, Status.DECIDED}),
    Status.ON_HOLD: frozenset({Status.IN_PROGRESS}),
    Status.DECIDED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
}
OPEN_STATUSES = (Status.REGISTERED, Status.IN_PROGRESS, Status.ON_HOLD)


class Application(Versioned):
    """A case: a citizen's application worked by a lawyer to an outcome."""

    center = models.ForeignKey(
        TerritorialCenter, models.PROTECT, related_name="applications", verbose_name=_("territorial center")
    )
    office = models.ForeignKey(
        RepresentativeOffice,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("representative office"),
    )
    year = models.PositiveSmallIntegerField(_("registration year"), editable=False)
    sequence = models.PositiveIntegerField(_("number in year"), editable=False)
    registration_number = models.CharField(
        _("registration number"), max_length=24, unique=True, editable=False
    )
    person = models.ForeignKey(Person, models.PROTECT, related_name="applications", verbose_name=_("person"))
    visit = models.OneToOneField(
        Visit, models.PROTECT, null=True, blank=True, related_name="application", verbose_name=_("visit")
    )
    employer = models.ForeignKey(
        Employer,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("employer"),
    )
    service = models.ForeignKey(Service, models.PROTECT, related_name="+", verbose_name=_("service"))
    kind = models.ForeignKey(ApplicationKind, models.PROTECT, related_name="+", verbose_name=_("kind"))
    topic = models.ForeignKey(Topic, models.PROTECT, related_name="+", verbose_name=_("topic"))
    channel = models.ForeignKey(Channel, models.PROTECT, related_name="+", verbose_name=_("channel"))
    summary = models.TextField(_("summary"), blank=True)
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("due on"))
    lawyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_applications",
        verbose_name=_("lawyer"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REGISTERED)
    outcome = models.ForeignKey(
        Outcome, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("outcome")
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision = models.TextField(_("decision"), blank=True, help_text=_("The answer given to the applicant."))
    public_answer = models.TextField(
        _("public answer"),
        blank=True,
        help_text=_("The answer the applicant reads on the online tracking page once the case is decided."),
    )
    recovered_kzt = models.DecimalField(_("money recovered, KZT"), **MONEY)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    # Set when the retention rules anonymised this record (clinic.services.retention).
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    # The register's own number of an imported case, kept as given (clinic.services.imports); NULL for
    # the others, so that they never collide in the unique constraint.
    external_key = models.CharField(  # noqa: DJ001
        _("number in the register"), max_length=64, null=True, blank=True
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-sequence"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(fields=["center", "external_key"], name="one_imported_case_per_key"),
            models.UniqueConstraint(fields=["center", "year", "sequence"], name="one_number_per_center_year"),
            models.CheckConstraint(
                condition=Q(recovered_kzt__gte=0), name="application_recovered_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[Status.DECIDED, Status.CLOSED])
                | Q(outcome__isnull=False, decided_on__isnull=False),
                name="decided_application_has_outcome",
            ),
        ]
        indexes = [
            # A register's own number (imported cases only), found by the search box as typed.
            models.Index(
                fields=["external_key"],
                condition=Q(external_key__isnull=False),
                name="application_register_number",
            ),
            # The lists' sort orders, each ending in the id that makes the order total (keyset paging
            # resumes after a row's values): by due date and newest first, for a center and for the
            # federation, with or without a status. They serve the reports' ranges of a center's
            # received and due dates too.
            models.Index(fields=["center", "due_on", "id"], name="application_center_due"),
            models.Index(fields=["center", "status", "due_on", "id"], name="application_center_st_due"),
            models.Index(fields=["due_on", "id"], name="application_due"),
            models.Index(fields=["status", "due_on", "id"], name="application_status_due"),
            models.Index(
                fields=["center", "-received_on", "-sequence", "-id"], name="application_center_newest"
            ),
            models.Index(
                fields=["center", "status", "-received_on", "-sequence", "-id"],
                name="application_center_st_new",
            ),
            models.Index(
                fields=["status", "-received_on", "-sequence", "-id"], name="application_status_newest"
            ),
            models.Index(fields=["lawyer", "status", "due_on"]),
            models.Index(fields=["center", "decided_on"]),
            # The federation-wide list's order (newest first), and the trend's received counts.
            models.Index(fields=["-received_on", "-sequence", "-id"], name="application_newest_first"),
            # The federation's reports: open or decided since a day, and the trend's positive counts.
            models.Index(fields=["decided_on", "outcome"], name="application_decided"),
            # The list's first filters (status, service) in its order: a page and its bounded count
            # read only the rows they show, instead of joining every match before sorting.
            models.Index(
                fields=["center", "status", "service", "-received_on", "-sequence"], name="application_list"
            ),
            models.Index(
                fields=["status", "service", "-received_on", "-sequence"], name="application_list_federation"
            ),
            # The dashboard's open cases waiting for a lawyer, the soonest due first: read in order,
            # only as many as it shows.
            models.Index(
                fields=["center", "due_on", "id"],
                condition=Q(lawyer__isnull=True, status__in=OPEN_STATUSES),
                name="application_unassigned",
            ),
            # The reports' open cases (pending, overdue): every column they count, so that a report reads
            # them from this small index alone instead of visiting the table's pages all over (the cases
            # left open for years are spread over the whole table).
            models.Index(
                fields=["center", "received_on"],
                include=[
                    "service",
                    "topic",
                    "kind",
                    "channel",
                    "due_on",
                    "decided_on",
                    "outcome",
                    "recovered_kzt",
                ],
                condition=Q(decided_on__isnull=True),
                name="application_open_counted",
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return self.registration_number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        """Not decided after the due date."""
        return self.is_open and self.due_on < timezone.localdate()


class StatusChange(models.Model):
    """One move of an application's status: the case's timeline."""

    application = models.ForeignKey(Application, models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Status.choices)
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    objects = ApplicationRelatedQuerySet.as_manager()

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        indexes = [
            # The retention rule of closed cases: when each case was closed.
            models.Index(
                fields=["changed_at", "application"], condition=Q(to_status="closed"), name="status_closed_at"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class DeadlineExtension(models.Model):
    """A manager's reasoned extension of an application's deadline (at most 2 months in all)."""

    application = models.ForeignKey(Application, models.CASCADE, related_name="extensions")
    previous_due_on = models.DateField(_("previous due date"))
    new_due_on = models.DateField(_("new due date"))
    reason = models.TextField(_("reason"))
    extended_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    extended_at = models.DateTimeField(_("extended at"), default=timezone.now)
    # Empty until the applicant is told: set by the manager, or by the sending of the extension's message.
    applicant_notified_on = models.DateField(
        _("applicant told on"),
        null=True,
        blank=True,
        help_text=_("Within 3 working days of the decision to extend."),
    )

    objects = ApplicationRelatedQuerySet.as_manager()

    class Meta:
        ordering = ["extended_at"]
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")

    def __str__(self) -> str:
        days = (self.previous_due_on, self.new_due_on)
        return " → ".join(date_format(day, "SHORT_DATE_FORMAT") for day in days)


class Note(models.Model):
    application = models.ForeignKey(Application, models.CASCADE, related_name="notes")
    text = models.TextField(_("text"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return self.text[:60]


def document_path(document: "Document", filename: str) -> str:
    # The stored name is random: the original name is kept in a column, never used as a path.
    return f"documents/{document.application.center_id}/{document.application_id}/{document.token}"


class Document(models.Model):
    application = models.ForeignKey(Application, models.CASCADE, related_name="documents")
    token = models.CharField(max_length=32, unique=True, editable=False)
    file = models.FileField(_("file"), upload_to=document_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size, bytes"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    objects = ApplicationRelatedQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.original_name


# The public online reception


def online_attachment_path(attachment: "OnlineAttachment", filename: str) -> str:
    # Random stored name, as for documents: the name the sender gave is a column, never a path.
    return f"online/{attachment.submission.center_id}/{attachment.submission_id}/{attachment.token}"


class OnlineSubmission(models.Model):
    """A question or application sent through the public page: who said they are who, their consent,
    and the hash of the tracking code. The question itself is a Visit with the channel "online"."""

    center = models.ForeignKey(
        TerritorialCenter,
        models.PROTECT,
        related_name="online_submissions",
        verbose_name=_("territorial center"),
    )
    visit = models.OneToOneField(
        Visit, models.PROTECT, related_name="online_submission", verbose_name=_("visit")
    )
    # Only a hash: the code is shown once to the sender; the database alone cannot follow a submission.
    tracking_hash = models.CharField(_("tracking code hash"), max_length=64, unique=True, editable=False)
    # As the sender typed them (a matched person's record is not changed by an anonymous form).
    full_name = models.CharField(_("full name"), max_length=255)
    phone = models.CharField(_("phone"), max_length=20, validators=[validate_phone])
    iin = models.CharField(_("IIN"), max_length=12, blank=True, validators=[validate_iin])
    email = models.EmailField(_("e-mail"), blank=True)
    employer_name = models.CharField(_("employer"), max_length=255, blank=True)
    is_union_member = models.BooleanField(_("union member"), null=True, blank=True)
    primary_organization_name = models.CharField(_("primary organization"), max_length=255, blank=True)
    due_on = models.DateField(_("answer expected by"))
    consent_version = models.CharField(_("consent text version"), max_length=16)
    consented_at = models.DateTimeField(_("consent given at"))
    # The sender's consent to be informed, and the page's language: given to the person when the
    # reception opens a case from the question (a found person's record is not changed before that).
    notify_by_email = models.BooleanField(_("informed by e-mail"), default=False)
    notify_by_sms = models.BooleanField(_("informed by SMS"), default=False)
    language = models.CharField(_("language"), max_length=2, choices=APPLICANT_LANGUAGES, default="ru")
    created_at = models.DateTimeField(_("sent at"), default=timezone.now, editable=False)
    # Set when the retention rules anonymised this record (clinic.services.retention).
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    objects = CenterScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("online submission")
        verbose_name_plural = _("online submissions")
        indexes = [
            models.Index(fields=["center", "created_at"]),
            # The retention rule of online questions: those not yet anonymised, oldest first.
            models.Index(
                fields=["created_at"], condition=Q(anonymised_at__isnull=True), name="online_retention"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} — {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"


class OnlineAttachment(models.Model):
    """A document sent with an online submission; stored privately like a case's documents."""

    submission = models.ForeignKey(OnlineSubmission, models.CASCADE, related_name="attachments")
    token = models.CharField(max_length=32, unique=True, editable=False)
    file = models.FileField(_("file"), upload_to=online_attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size, bytes"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    objects = OnlineAttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("online attachment")
        verbose_name_plural = _("online attachments")

    def __str__(self) -> str:
        return self.original_name


class RateLimitCounter(models.Model):
    """Requests counted per scope, key (a keyed hash of an address or a phone) and fixed time window.
    In the database, not in a per-process cache: every worker and every machine counts together."""

    scope = models.CharField(max_length=32)
    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key", "window_start"], name="one_counter_per_window")
        ]
        indexes = [models.Index(fields=["window_start"], name="rate_limit_window")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:8]} {self.window_start:%Y-%m-%d %H:%M}: {self.count}"


class RegistrationCounter(models.Model):
    """The last registration number given per center and year; locked while numbering."""

    center = models.ForeignKey(TerritorialCenter, models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_sequence = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["center", "year"], name="one_counter_per_center_year")]

    def __str__(self) -> str:
        return f"{self.center_id}/{self.year}: {self.last_sequence}"


class LaborDispute(Versioned):
    """An individual or collective labor dispute against an employer."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        COLLECTIVE = "collective", _("Collective")

    class Stage(models.TextChoices):
        NEGOTIATION = "negotiation", _("Negotiation")
        CONCILIATION = "conciliation", _("Conciliation commission")
        INSPECTION = "inspection", _("Labor inspection")
        COURT = "court", _("Court")

    class Result(models.TextChoices):
        IN_FAVOR = "in_favor", _("In the workers' favor")
        PARTLY = "partly", _("Partly in the workers' favor")
        NOT_IN_FAVOR = "not_in_favor", _("Not in the workers' favor")

    center = models.ForeignKey(
        TerritorialCenter, models.PROTECT, related_name="disputes", verbose_name=_("territorial center")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.INDIVIDUAL)
    employer = models.ForeignKey(
        Employer, models.PROTECT, related_name="disputes", verbose_name=_("employer")
    )
    subject = models.TextField(_("subject"))
    is_reinstatement = models.BooleanField(
        _("reinstatement claim"), default=False, help_text=_("Filed within one month of the dismissal order.")
    )
    disputed_act_on = models.DateField(
        _("date of the disputed act"), null=True, blank=True, help_text=_("E.g. the dismissal order.")
    )
    workers_affected = models.PositiveIntegerField(_("workers affected"), default=1)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.NEGOTIATION)
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, blank=True)
    recovered_kzt = models.DecimalField(_("money recovered, KZT"), **MONEY)
    lawyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_disputes",
        verbose_name=_("lawyer"),
    )
    applications = models.ManyToManyField(
        Application, blank=True, related_name="disputes", verbose_name=_("applications")
    )
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    # The limitation clock (clinic.limitation): the claim's registration with the conciliation commission,
    # and the dates computed from the limitation rules by the services that save the dispute, stored so
    # that the lists filter and sort by them through an index.
    claim_registered_on = models.DateField(
        _("claim registered by the conciliation commission on"), null=True, blank=True
    )
    filing_due_on = models.DateField(_("last day to file the claim"), null=True, blank=True, editable=False)
    decision_due_on = models.DateField(
        _("commission's decision expected by"), null=True, blank=True, editable=False
    )
    # The one of them the dispute waits on now (empty once resolved or in court): the lists' order.
    next_deadline_on = models.DateField(_("next deadline"), null=True, blank=True, editable=False)

    objects = LaborDisputeQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("labor dispute")
        verbose_name_plural = _("labor disputes")
        constraints = [
            models.CheckConstraint(condition=Q(recovered_kzt__gte=0), name="dispute_recovered_not_negative"),
            models.CheckConstraint(
                condition=Q(result="", resolved_on__isnull=True)
                | (~Q(result="") & Q(resolved_on__isnull=False)),
                name="resolved_dispute_has_result",
            ),
        ]
        indexes = [
            models.Index(fields=["center", "opened_on"]),
            models.Index(fields=["center", "resolved_on"]),
            # The federation's reports: the disputes opened or resolved in a period, of every center.
            models.Index(fields=["opened_on"], name="dispute_opened_on"),
            models.Index(fields=["resolved_on"], name="dispute_resolved_on"),
            # The dispute lists, nearest deadline first (a center's, a lawyer's, the federation's), and the
            # reminders' disputes due soon or passed.
            models.Index(fields=["center", "next_deadline_on", "id"], name="dispute_center_deadline"),
            models.Index(fields=["lawyer", "next_deadline_on", "id"], name="dispute_lawyer_deadline"),
            models.Index(fields=["next_deadline_on", "id"], name="dispute_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.employer.name}"

    @property
    def is_resolved(self) -> bool:
        return bool(self.result)

    def limitation_facts(self) -> limitation.DisputeFacts:
        """What of the dispute its limitation dates depend on (clinic.limitation)."""
        return limitation.DisputeFacts(
            individual=self.kind == self.Kind.INDIVIDUAL,
            reinstatement=self.is_reinstatement,
            disputed_act_on=self.disputed_act_on,
            claim_registered_on=self.claim_registered_on,
        )

    @property
    def next_deadline_kind(self) -> str:
        """Which date `next_deadline_on` is: the last day to file, or the commission's decision."""
        if self.next_deadline_on is None:
            return ""
        return limitation.DECISION if self.claim_registered_on else limitation.FILING

    @property
    def next_deadline_state(self) -> limitation.DeadlineState | None:
        """The next deadline flagged as passed or due soon (CLINIC_DISPUTE_DAYS_AHEAD days)."""
        if self.next_deadline_on is None:
            return None
        return limitation.deadline_state(
            self.next_deadline_on, timezone.localdate(), settings.CLINIC_DISPUTE_DAYS_AHEAD
        )


class PreventedDispute(models.Model):
    """A labor dispute the conflict-prevention center prevented by monitoring, per organization."""

    center = models.ForeignKey(
        TerritorialCenter,
        models.PROTECT,
        related_name="prevented_disputes",
        verbose_name=_("territorial center"),
    )
    employer = models.ForeignKey(Employer, models.PROTECT, related_name="+", verbose_name=_("organization"))
    primary_organization = models.ForeignKey(
        PrimaryOrganization,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("primary organization"),
    )
    prevented_on = models.DateField(_("prevented on"))
    how = models.TextField(_("how it was prevented"))
    workers_affected = models.PositiveIntegerField(_("workers affected"), default=1)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = CenterScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-prevented_on", "-pk"]
        verbose_name = _("prevented dispute")
        verbose_name_plural = _("prevented disputes")
        indexes = [
            models.Index(fields=["center", "prevented_on"]),
            models.Index(fields=["prevented_on"], name="prevented_dispute_on"),
        ]

    def __str__(self) -> str:
        return f"{self.employer.name} — {self.prevented_on}"


class RetentionRun(models.Model):
    """One run of the retention rules (clinic.services.retention): when, and by which task or command.
    Its destruction records say what went, under which rule."""

    started_at = models.DateTimeField(_("started at"), default=timezone.now, editable=False)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True, editable=False)
    started_by = models.CharField(
        _("started by"),
        max_length=255,
        editable=False,
        help_text=_("The Celery task (with its id) or the command."),
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self) -> str:
        return f"{timezone.localtime(self.started_at):%Y-%m-%d %H:%M} — {self.started_by}"


class DestructionRecord(models.Model):
    """How many records of one kind a run anonymised under one rule: kept for good, read by the federation.
    It names no person: only the kind, the rule, its cut-off date and the count."""

    class Kind(models.TextChoices):
        CASES = "cases", _("Cases (their texts, notes and documents)")
        CONSULTATIONS = "consultations", _("Consultations answered on the spot")
        VISITS = "visits", _("Other visits")
        ONLINE_QUESTIONS = "online_questions", _("Online questions that never became a case")
        PERSONS = "persons", _("Persons")
        DOCUMENTS = "documents", _("Documents (files destroyed)")

    run = models.ForeignKey(RetentionRun, models.PROTECT, related_name="records", verbose_name=_("run"))
    rule = models.CharField(_("rule"), max_length=32)
    kind = models.CharField(_("kind of record"), max_length=32, choices=Kind.choices)
    # The rule's period in years; empty for records anonymised on the person's request.
    years = models.PositiveSmallIntegerField(_("retention period, years"), null=True, blank=True)
    cutoff = models.DateField(_("records older than"), null=True, blank=True)
    count = models.PositiveIntegerField(_("records anonymised"), default=0)

    class Meta:
        ordering = ["run", "pk"]
        verbose_name = _("destruction record")
        verbose_name_plural = _("destruction records")
        constraints = [
            models.UniqueConstraint(fields=["run", "rule", "kind"], name="one_record_per_run_rule_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.count}"

    @property
    def kept_for(self) -> str:
        """The period in the reader's language ("5 лет"), or that the person asked."""
        if self.years is None:
            return gettext("on the person's request")
        return ngettext("%(years)d year", "%(years)d years", self.years) % {"years": self.years}


# Letters from templates (clinic.letters, clinic.services.letters)


class LetterTemplate(models.Model):
    """A DOCX letter with placeholders (`{{ case.registration_number }}`, the catalogue in clinic.letters),
    in one language, for one purpose; a case's letter is filled from it and kept as a case document.
    Stored in the database: a few dozen kilobytes each, saved and validated in one transaction."""

    class Purpose(models.TextChoices):
        EMPLOYER_REQUEST = "employer_request", _("Request to the employer")
        CONCILIATION_CLAIM = "conciliation_claim", _("Claim to the conciliation commission")
        REINSTATEMENT_CLAIM = "reinstatement_claim", _("Statement of claim for reinstatement")
        APPLICANT_ANSWER = "applicant_answer", _("Answer to the applicant")
        INSPECTORATE_REFERRAL = "inspectorate_referral", _("Referral to the labor inspectorate")

    class Language(models.TextChoices):
        RU = "ru", _("Russian")
        KK = "kk", _("Kazakh")

    center = models.ForeignKey(
        TerritorialCenter,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("territorial center"),
        help_text=_("Empty: the federation's template, offered to every center."),
    )
    name = models.CharField(_("name"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    content = models.BinaryField(_("DOCX file"), editable=False)
    file_name = models.CharField(_("file name"), max_length=255, editable=False)
    placeholders = models.JSONField(_("placeholders used"), default=list, editable=False)
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Offered on the case page."))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("updated by"),
        help_text=_("Empty for a template loaded with the reference data."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = LetterTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["language", "purpose", "name"]
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        constraints = [
            models.UniqueConstraint(
                fields=["language", "name"],
                condition=Q(center__isnull=True),
                name="one_federation_letter_template_name",
            ),
            models.UniqueConstraint(
                fields=["center", "language", "name"],
                condition=Q(center__isnull=False),
                name="one_center_letter_template_name",
            ),
        ]
        # The case page offers the active templates in this order.
        indexes = [
            models.Index(fields=["is_active", "language", "purpose", "name"], name="letter_template_offer")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_language_display()})"


class Event(Versioned):
    """A hearing or a meeting of a case or a labor dispute, in the lawyer's calendar."""

    class Kind(models.TextChoices):
        CONCILIATION = "conciliation", _("Conciliation commission meeting")
        HEARING = "hearing", _("Court hearing")
        INSPECTION = "inspection", _("Labor inspection")
        EMPLOYER_MEETING = "employer_meeting", _("Meeting with the employer")

    # Copied from the case or the dispute: the calendar of a center is read without a join.
    center = models.ForeignKey(
        TerritorialCenter, models.PROTECT, related_name="events", verbose_name=_("territorial center")
    )
    application = models.ForeignKey(
        Application,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("application"),
    )
    dispute = models.ForeignKey(
        LaborDispute,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("labor dispute"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration, minutes"), default=60, validators=[MinValueValidator(1)]
    )
    place = models.CharField(_("place"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    outcome = models.TextField(
        _("outcome"), blank=True, help_text=_("What came of it, filled in afterwards.")
    )
    lawyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("responsible lawyer"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(application__isnull=False, dispute__isnull=True)
                | Q(application__isnull=True, dispute__isnull=False),
                name="event_of_case_or_dispute",
            ),
        ]
        indexes = [
            # The calendar: a lawyer's week or month, a center's, the feed's window, tomorrow's reminders.
            models.Index(fields=["lawyer", "starts_at"], name="event_lawyer_starts"),
            models.Index(fields=["center", "starts_at"], name="event_center_starts"),
            models.Index(fields=["starts_at"], name="event_starts"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def record_label(self) -> str:
        """The case's registration number or the dispute's employer (their rows select_related)."""
        if self.application_id:
            return self.application.registration_number  # type: ignore[union-attr]
        return str(self.dispute)


class CalendarFeed(models.Model):
    """A staff member's private iCalendar feed: the long random token in its URL is the only key, so a
    phone's calendar subscribes without signing in; a new token revokes the old URL."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="calendar_feed", verbose_name=_("user")
    )
    token = models.CharField(_("token"), max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.created_at:%Y-%m-%d}"


class LimitationRule(ReferenceItem):
    """A period of the limitation clock of labor disputes (clinic.limitation): how long, counted from
    what, for which disputes. Data, not code: seeded from seeds/reference/limitation_rules.json, edited
    in the admin, where a change recomputes the dates of the unresolved disputes."""

    class Unit(models.TextChoices):
        MONTHS = limitation.MONTHS, _("months")
        YEARS = limitation.YEARS, _("years")
        WORKING_DAYS = limitation.WORKING_DAYS, _("working days")
        CALENDAR_DAYS = limitation.CALENDAR_DAYS, _("calendar days")

    class Start(models.TextChoices):
        DISPUTED_ACT = limitation.DISPUTED_ACT, _("the disputed act: gives the last day to file the claim")
        CLAIM_REGISTERED = (
            limitation.CLAIM_REGISTERED,
            _("the claim's registration by the conciliation commission: gives the day of its decision"),
        )

    class AppliesTo(models.TextChoices):
        REINSTATEMENT = limitation.REINSTATEMENT, _("reinstatement claims")
        OTHER_INDIVIDUAL = limitation.OTHER_INDIVIDUAL, _("other individual disputes")
        INDIVIDUAL = limitation.INDIVIDUAL, _("every individual dispute")
        COLLECTIVE = limitation.COLLECTIVE, _("collective disputes")

    period_amount = models.PositiveSmallIntegerField(_("period"), validators=[MinValueValidator(1)])
    period_unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices)
    counted_from = models.CharField(_("counted from"), max_length=24, choices=Start.choices)
    applies_to = models.CharField(_("applies to"), max_length=24, choices=AppliesTo.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)

    class Meta(ReferenceItem.Meta):
        verbose_name = _("limitation rule")
        verbose_name_plural = _("limitation rules")


class OutgoingMessage(models.Model):
    """The outbox: one e-mail or SMS to an applicant, rendered when queued, sent once by a Celery task
    (clinic.services.messages). The idempotency key makes queueing the same message twice a no-op."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Purpose(models.TextChoices):
        SUBMISSION = "submission", _("Question received (tracking code)")
        REGISTRATION = "registration", _("Case registered")
        EXTENSION = "extension", _("Deadline extended")
        DECISION = "decision", _("Decision")
        ANSWER = "answer", _("Answer published after the decision")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    center = models.ForeignKey(
        TerritorialCenter, models.PROTECT, related_name="+", verbose_name=_("territorial center")
    )
    person = models.ForeignKey(
        Person, models.PROTECT, related_name="outgoing_messages", verbose_name=_("person")
    )
    application = models.ForeignKey(
        Application,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="outgoing_messages",
        verbose_name=_("case"),
    )
    submission = models.ForeignKey(
        OnlineSubmission,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="outgoing_messages",
        verbose_name=_("online submission"),
    )
    extension = models.ForeignKey(
        DeadlineExtension,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="outgoing_messages",
        verbose_name=_("deadline extension"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    language = models.CharField(_("language"), max_length=2, choices=APPLICANT_LANGUAGES)
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=8, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    provider_id = models.CharField(_("provider's message id"), max_length=255, blank=True)
    # An online question's tracking code until the message is sent (the body holds a mark in its place).
    secret = models.CharField(max_length=64, blank=True, editable=False)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True, editable=False)

    objects = CenterScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-queued_at", "-pk"]
        verbose_name = _("message to an applicant")
        verbose_name_plural = _("messages to applicants")
        indexes = [
            models.Index(fields=["center", "-queued_at", "-id"], name="message_center_newest"),
            models.Index(fields=["-queued_at", "-id"], name="message_newest"),
            models.Index(fields=["application", "queued_at"], name="message_case"),
            models.Index(fields=["person", "queued_at"], name="message_person"),
            # The sweep: the few messages still waiting or stuck.
            models.Index(
                fields=["queued_at"], condition=Q(status__in=["queued", "sending"]), name="message_waiting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.get_channel_display()}): {self.get_status_display()}"


class ExportJob(models.Model):
    """A list export too large to stream while the user waits: built by a Celery task into a private
    file, downloadable by its owner only, deleted after settings.EXPORT_KEEP_DAYS."""

    class State(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("staff member")
    )

    class Source(models.TextChoices):
        API = "api", _("API")
        PAGE = "page", _("Page")

    list_name = models.CharField(_("list"), max_length=32)
    # Whose filters `filters` are: the API list's filter set, or the web page's filter form.
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.API)
    filters = models.TextField(_("filters"), blank=True)
    file_format = models.CharField(_("format"), max_length=4)
    language = models.CharField(_("language"), max_length=8, default="ru")  # of the headers and names
    status = models.CharField(_("status"), max_length=16, choices=State.choices, default=State.PENDING)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)  # the progress while pending
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [
            models.Index(fields=["user", "-created_at"], name="exportjob_user_created"),
            models.Index(fields=["created_at"], name="exportjob_created"),
        ]

    def __str__(self) -> str:
        return f"{self.list_name}.{self.file_format} ({self.get_status_display()})"


def import_path(job: "ImportJob", filename: str) -> str:
    # Private storage under a random name, as documents: the original name is kept in a column.
    return f"imports/{job.center_id}/{job.token}"


class ImportJob(models.Model):
    """One file of a register imported into a center: checked first (a dry run that writes nothing),
    then, once confirmed, imported by a task in chunks, each chunk in one transaction."""

    class Kind(models.TextChoices):
        PERSONS = "persons", _("Persons")
        VISITS = "visits", _("Visits")
        APPLICATIONS = "applications", _("Applications")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    center = models.ForeignKey(
        TerritorialCenter, models.PROTECT, related_name="+", verbose_name=_("territorial center")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    token = models.CharField(max_length=32, unique=True, editable=False)
    file = models.FileField(_("file"), upload_to=import_path, max_length=255)
    file_name = models.CharField(_("file name"), max_length=255)
    language = models.CharField(max_length=8, default="ru")
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    dry_run = models.BooleanField(_("dry run"), default=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    refused = models.PositiveIntegerField(_("refused"), default=0)
    # [{"row": 3, "column": "ИИН", "message": "..."}], in the language of the user who uploaded the file.
    refused_rows = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = CenterScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["center", "-created_at", "-id"], name="import_center_newest")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_kind_display()}): {self.get_state_display()}"
