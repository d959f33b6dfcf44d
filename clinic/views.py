"""The staff's web pages: the reception desk and the lawyers' workspace.

Thin views: each starts from `Model.objects.visible_to(request.user)` (so another center's record
is a 404), binds a form from clinic.forms and lets the form call the service, which refuses what
the rules forbid; a refusal comes back as an error next to the field it concerns.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import wraps
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.actions import OfferedAction, allowed, offered_actions
from core.api.common import BoundedCountPaginator, InvalidCursor, Keyset, KeysetPage
from core.exports import FORMATS as EXPORT_FORMATS
from core.exports import export_response
from core.inputs import parse_id
from core.spreadsheets import csv_content
from core.views import record_action_taken, staff_page
from organizations.http import AuthenticatedHttpRequest
from organizations.identifiers import normalize_identifier
from organizations.models import Employer, Role, User

from . import exports, forms, limitation, rules, services, workdays
from .actions import CASE_ACTIONS, DISPUTE_ACTIONS, PERSON_ACTIONS, sent_online
from .downloads import stored_file_response
from .models import (
    Application,
    Document,
    ExportJob,
    LaborDispute,
    OnlineAttachment,
    OnlineSubmission,
    Person,
    Visit,
)
from .personal_data import PERSONAL_FIELDS, log_full_record_access, shown
from .selectors import (
    SEARCH_KINDS,
    SEARCH_LIMIT,
    HistorySummary,
    case_timeline,
    cross_center_duplicates,
    destruction_records,
    history_summaries,
    limitation_rules_for,
    person_history,
    persons_found,
    possible_duplicates,
    search_querysets,
    site_search,
)
from .validators import normalize_phone

CASES_PER_PAGE = 25
DISPUTES_PER_PAGE = 25
SEARCH_PAGE_SIZE = 25


# Personal data


@dataclass(frozen=True)
class PersonCard:
    """A person (or what a sender typed online) as this user may see them: IIN, phone and e-mail masked
    for those who need not see them (clinic.personal_data)."""

    person: Person | None
    iin: str
    phone: str
    email: str
    history: HistorySummary | None = None  # the desk's "came before"

    @classmethod
    def of(cls, person: Person, user: User, history: HistorySummary | None = None) -> "PersonCard":
        iin, phone, email = cls._shown(person, user)
        return cls(person, iin, phone, email, history)

    @classmethod
    def sent(cls, submission: OnlineSubmission, user: User) -> "PersonCard":
        iin, phone, email = cls._shown(submission, user)
        return cls(None, iin, phone, email)

    @staticmethod
    def _shown(record: Person | OnlineSubmission, user: User) -> list[str]:
        return [shown(user, record.center_id, field, getattr(record, field)) for field in PERSONAL_FIELDS]


# Reception desk


def at_the_desk(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args, **kwargs) -> HttpResponse:
        rules.ensure_can_use_the_desk(request.user)
        return view(request, *args, **kwargs)

    return wrapper


def _search_results(user: User, query: str) -> dict:
    """The persons found for the desk's search box, and which choice to pre-select: a single exact
    IIN or phone match, or "new person" when nothing was found."""
    persons = persons_found(Person.objects.visible_to(user).select_related("employer"), query)
    histories = history_summaries(persons, user)
    checked = ""
    if not persons:
        checked = forms.WalkInForm.NEW_PERSON
    elif len(persons) == 1 and (
        persons[0].iin == normalize_identifier(query) or persons[0].phone == normalize_phone(query)
    ):
        checked = str(persons[0].pk)
    return {
        "query": query,
        "persons": [PersonCard.of(person, user, histories.get(person.pk)) for person in persons],
        "checked": checked,
        "limit": SEARCH_LIMIT,
    }


def _chosen_person(user: User, form: forms.WalkInForm) -> dict:
    """After a refused POST: the person the user had chosen stays chosen."""
    chosen = form.data.get("person", "")
    persons, pk = [], parse_id(chosen)
    if pk is not None:
        persons = list(Person.objects.visible_to(user).active().filter(pk=pk).select_related("employer"))
    histories = history_summaries(persons, user)
    cards = [PersonCard.of(p, user, histories.get(p.pk)) for p in persons]
    return {"query": "", "persons": cards, "checked": chosen}


@staff_page
@at_the_desk
@require_http_methods(["GET", "POST"])
def reception(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One screen: find or add the person, record the visit, answer it or open a case."""
    form = forms.WalkInForm(request.POST or None, user=request.user)
    if request.method == "POST":
        walk_in = form.perform(by=request.user)
        if walk_in is not None:
            if walk_in.application is not None:
                messages.success(
                    request,
                    _("Visit of %(person)s recorded; case %(number)s opened.")
                    % {"person": walk_in.person, "number": walk_in.application.registration_number},
                )
            else:
                messages.success(request, _("Visit of %s recorded: answered on the spot.") % walk_in.person)
            return redirect("clinic:reception")
        results = _chosen_person(request.user, form)
    else:
        results = _search_results(request.user, request.GET.get("q", ""))
    today = timezone.localdate()
    visits = (
        Visit.objects.visible_to(request.user).on_day(today).with_list_relations().order_by("-visited_at")
    )
    online_pending = (
        Visit.objects.visible_to(request.user)
        .online_pending()
        .select_related("person", "office", "online_submission")
        .prefetch_related("topics", "online_submission__attachments")
    )
    # Suggestions for the employer box; typing the name or the BIN works without them.
    employers = Employer.objects.visible_to(request.user).order_by("name").values_list("name", "bin")[:500]
    return render(
        request,
        "clinic/reception.html",
        {
            "form": form,
            "today": today,
            "visits": visits,
            "online_pending": online_pending,
            "employers": employers,
            **results,
        },
        status=422 if form.errors else 200,
    )


@staff_page
@at_the_desk
@require_GET
def person_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The search box's results (an htmx partial): up to ten persons of the own center."""
    results = _search_results(request.user, request.GET.get("q", ""))
    # oob: the count above the list is a live region of the page, updated out of band.
    return render(request, "clinic/partials/person_results.html", {**results, "oob": True})


# Questions sent online


def _online_visit_or_404(request: AuthenticatedHttpRequest, pk: int) -> Visit:
    return get_object_or_404(
        Visit.objects.visible_to(request.user)
        .filter(online_submission__isnull=False)
        .select_related("person", "person__employer", "office", "employer", "channel", "online_submission")
        .prefetch_related("topics", "online_submission__attachments"),
        pk=pk,
    )


def _render_online_visit(
    request: AuthenticatedHttpRequest, visit: Visit, forms_by_action: dict | None = None, status: int = 200
) -> HttpResponse:
    log_full_record_access(person=visit.person, user=request.user)  # the page shows the sender unmasked
    pending = visit.result == Visit.Result.PENDING
    forms_by_action = forms_by_action or {}
    return render(
        request,
        "clinic/online/visit.html",
        {
            "visit": visit,
            "submission": visit.online_submission,
            "sent": PersonCard.sent(visit.online_submission, request.user),
            "person": PersonCard.of(visit.person, request.user),
            "application": getattr(visit, "application", None),
            "answer_form": forms_by_action.get("answer")
            or (forms.OnlineAnswerForm(target=visit, auto_id="answer-%s") if pending else None),
            "case_form": forms_by_action.get("case")
            or (
                forms.OpenCaseForm(
                    target=visit,
                    auto_id="case-%s",
                    initial={"service": "public_reception", "kind": "written_application"},
                )
                if pending
                else None
            ),
        },
        status=status,
    )


@staff_page
@at_the_desk
@require_GET
def online_visit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A question sent online: what the sender typed, their documents, and the desk's two answers."""
    return _render_online_visit(request, _online_visit_or_404(request, pk))


@staff_page
@at_the_desk
@require_POST
def online_visit_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Answer the question at the desk: the sender reads the answer on the tracking page."""
    visit = _online_visit_or_404(request, pk)
    form = forms.OnlineAnswerForm(request.POST, target=visit, auto_id="answer-%s")
    if form.perform(by=request.user) is not None:
        messages.success(request, _("Answer recorded: the applicant can read it with the tracking code."))
        return redirect("clinic:reception")
    return _render_online_visit(request, visit, {"answer": form}, status=422)


@staff_page
@at_the_desk
@require_POST
def online_visit_open_case(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Open a case from the question, as from a walk-in; the sender follows the case's status."""
    visit = _online_visit_or_404(request, pk)
    form = forms.OpenCaseForm(request.POST, target=visit, auto_id="case-%s")
    application = form.perform(by=request.user)
    if application is not None:
        messages.success(request, _("Case %s opened.") % application.registration_number)
        return redirect("clinic:case_detail", pk=application.pk)
    return _render_online_visit(request, visit, {"case": form}, status=422)


@staff_page
@require_GET
def online_attachment_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A document sent online, as a download, to the staff who may see its center (another's: 404)."""
    attachment = get_object_or_404(OnlineAttachment.objects.visible_to(request.user), pk=pk)
    return stored_file_response(attachment.file, attachment.original_name)


# Paging


@dataclass(frozen=True)
class ListPaging:
    """A page of a list: numbered pages while the bounded count reaches, a cursor after that (and
    whenever a link carries one), so Next always goes on to the list's last row."""

    rows: list
    count: int
    capped: bool
    number: int | None = None  # None on a cursor's page
    num_pages: int = 1
    next_page: int | None = None
    next_cursor: str | None = None
    previous_page: int | None = None
    previous_cursor: str | None = None

    @property
    def has_next(self) -> bool:
        return bool(self.next_page or self.next_cursor)

    @property
    def has_previous(self) -> bool:
        return bool(self.previous_page or self.previous_cursor)

    @classmethod
    def of(cls, queryset, request: AuthenticatedHttpRequest, per_page: int) -> "ListPaging":
        keyset = Keyset(queryset)
        counted = BoundedCountPaginator(keyset.queryset, per_page)
        token = request.GET.get("cursor", "")
        if token:
            try:
                page: KeysetPage = keyset.page(token, per_page)
            except InvalidCursor:
                pass  # a cursor of another order or a mangled link: the first page
            else:
                return cls(
                    page.rows,
                    counted.count,
                    counted.capped,
                    num_pages=counted.num_pages,
                    next_cursor=page.next_cursor,
                    previous_cursor=page.previous_cursor,
                )
        numbered = counted.get_page(request.GET.get("page"))
        rows = list(numbered.object_list)
        return cls(
            rows,
            counted.count,
            counted.capped,
            number=numbered.number,
            num_pages=counted.num_pages,
            next_page=numbered.next_page_number() if numbered.has_next() else None,
            # Past the counted rows, on from the page's last row.
            next_cursor=keyset.cursor(rows[-1])
            if counted.capped and not numbered.has_next() and rows
            else None,
            previous_page=numbered.previous_page_number() if numbered.has_previous() else None,
        )


# Search


@staff_page
@require_GET
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The search box of every page: persons, cases and notes of the user's centers, ten of each;
    `kind` shows all of one kind, page by page."""
    query = " ".join(request.GET.get("q", "").split())[:100]
    kind = request.GET.get("kind", "")
    context: dict = {"query": query, "kind": kind if kind in SEARCH_KINDS else ""}
    if context["kind"]:
        paging = ListPaging.of(search_querysets(request.user, query)[kind], request, SEARCH_PAGE_SIZE)
        context["paging"] = paging
        context["groups"] = [_shown_group(request.user, kind, paging.rows, more=False)]
    else:
        context["groups"] = [
            _shown_group(request.user, group.kind, group.rows, more=group.more)
            for group in site_search(request.user, query)
        ]
    return render(request, "clinic/search.html", context)


def _shown_group(user: User, kind: str, rows: list, *, more: bool) -> dict:
    """A group as the page shows it: persons as cards (their personal data masked as the user may see it)."""
    shown_rows = [PersonCard.of(row, user) for row in rows] if kind == "persons" else rows
    return {"kind": kind, "rows": shown_rows, "more": more}


# Cases


def _soon_until(today: date) -> date:
    """The last day that counts as "due soon": CLINIC_REMINDER_DAYS_AHEAD working days ahead."""
    return workdays.add_working_days(today, settings.CLINIC_REMINDER_DAYS_AHEAD)


def _quick_filter(request: AuthenticatedHttpRequest, filters: forms.CaseFilterForm) -> str:
    """Which of a lawyer's quick links the list shows now (the link gets aria-current), if any."""
    if filters.data is forms.CaseFilterForm.LAWYER_DEFAULTS:
        return "open"
    query = {key: str(value) for key, value in request.GET.items() if key != "page"}
    if query in ({"scope": "mine", "status": ""}, {"scope": "center", "status": ""}):
        return query["scope"]
    return ""


def _filtered_cases(request: AuthenticatedHttpRequest):
    """The case list's filter form and its cases, as the page and its export read them."""
    return forms.filtered_cases(request.GET, user=request.user)


@staff_page
@require_GET
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A lawyer's own cases (or the center's); a manager's center; an analyst's federation."""
    user = request.user
    filters, cases = _filtered_cases(request)
    paging = ListPaging.of(cases, request, CASES_PER_PAGE)
    mine = user.role == Role.LAWYER and filters.cleaned_data.get("scope") != filters.CENTER
    if mine:
        title = _("My cases")
    elif user.sees_all_centers:
        title = _("Cases of all centers")
    else:
        title = _("Cases of the center")
    return render(
        request,
        "clinic/case_list.html",
        {
            "title": title,
            "filters": filters,
            "paging": paging,
            "show_scope": user.role == Role.LAWYER,
            "show_center": user.sees_all_centers,
            "is_lawyer": user.role == Role.LAWYER,
            "quick_filter": _quick_filter(request, filters),
            "read_only": user.is_read_only,
            "days_ahead": settings.CLINIC_REMINDER_DAYS_AHEAD,
            "export_query": exports.export_filters(request.GET),
        },
    )


def _case_or_404(request: AuthenticatedHttpRequest, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.visible_to(request.user).select_related(
            "person",
            "person__employer",
            "center",
            "office",
            "service",
            "kind",
            "topic",
            "channel",
            "lawyer",
            "outcome",
            "employer",
            "registered_by",
            "visit",
            "visit__online_submission",
        ),
        pk=pk,
    )


def _render_case(
    request: AuthenticatedHttpRequest, case: Application, offered: dict[str, OfferedAction], status: int = 200
) -> HttpResponse:
    log_full_record_access(person=case.person, user=request.user)  # the page shows the applicant unmasked
    today = timezone.localdate()
    deadline_state = ""
    if case.is_open and case.due_on < today:
        deadline_state = "overdue"
    elif case.is_open and case.due_on <= _soon_until(today):
        deadline_state = "due_soon"
    # Sent online: the case has a visit.
    submission = cast(Visit, case.visit).online_submission if sent_online(case) else None
    return render(
        request,
        "clinic/case_detail.html",
        {
            "case": case,
            "person": PersonCard.of(case.person, request.user),
            "submission": submission,
            "timeline": case_timeline(case, with_audit_trail=True),
            "other_cases": person_history(case.person, request.user, exclude_case=case, visits=False).cases,
            "actions": list(offered.values()),
            "actions_by_slug": offered,
            "events": case.events.with_record(),
            "deadline_state": deadline_state,
            "read_only": request.user.is_read_only,
        },
        status=status,
    )


@staff_page
@require_GET
def case_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The case, its applicant, its timeline and the actions this user may take now."""
    case = _case_or_404(request, pk)
    return _render_case(request, case, offered_actions(CASE_ACTIONS, request.user, case))


@staff_page
@require_POST
def case_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    """Run one action of the case page; back to the case with a message, or the page with the errors."""
    case = _case_or_404(request, pk)
    return record_action_taken(
        request,
        CASE_ACTIONS,
        case,
        action,
        not_possible=_("“%s” is not possible for the case as it is now; the page shows what is."),
        back_to=reverse("clinic:case_detail", args=[case.pk]),
        page=lambda offered: _render_case(request, case, offered, status=422),
    )


@staff_page
@require_GET
def document_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A case's document, as a download, to those who may see the case (another center's: 404)."""
    document = get_object_or_404(Document.objects.visible_to(request.user), pk=pk)
    return stored_file_response(document.file, document.original_name)


# Persons


def _person_or_404(request: AuthenticatedHttpRequest, pk: int) -> Person:
    return get_object_or_404(
        Person.objects.visible_to(request.user).select_related(
            "center", "employer", "primary_organization", "merged_into"
        ),
        pk=pk,
    )


def _render_person(
    request: AuthenticatedHttpRequest, person: Person, offered: dict[str, OfferedAction], status: int = 200
) -> HttpResponse:
    log_full_record_access(person=person, user=request.user)  # the page shows the person unmasked
    duplicates = []
    if "merge" in offered:
        duplicates = possible_duplicates(
            center_id=person.center_id, full_name=person.full_name, phone=person.phone, exclude_pk=person.pk
        ).all
    return render(
        request,
        "clinic/person_detail.html",
        {
            "card": PersonCard.of(person, request.user),
            "person": person,
            "history": person_history(person, request.user),
            "actions": list(offered.values()),
            "duplicates": [PersonCard.of(duplicate, request.user) for duplicate in duplicates],
            "may_export": allowed(rules.ensure_can_manage, request.user, person.center_id),
        },
        status=status,
    )


@staff_page
@require_GET
def person_duplicates(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Federation staff: persons registered in two centers (the same IIN, or the same name in any
    spelling and the same birth date), IIN and phone masked as the rule says."""
    rules.ensure_can_list_cross_center_duplicates(request.user)
    pairs = [
        {
            "first": PersonCard.of(pair.first, request.user),
            "second": PersonCard.of(pair.second, request.user),
            "same_iin": pair.reason == "same_iin",
        }
        for pair in cross_center_duplicates(request.user)
    ]
    return render(request, "clinic/person_duplicates.html", {"pairs": pairs})


@staff_page
@require_GET
def person_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A person: details as the masking rule allows, earlier visits and cases, the actions allowed."""
    person = _person_or_404(request, pk)
    return _render_person(request, person, offered_actions(PERSON_ACTIONS, request.user, person))


@staff_page
@require_GET
def person_data(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Everything held about the person as one JSON file, for a manager of their center (audited)."""
    person = _person_or_404(request, pk)
    dossier = services.person_data_export(person=person, by=request.user)
    response = HttpResponse(
        json.dumps(dossier, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}-data.json"'
    return response


@staff_page
@require_POST
def person_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    """Run one action of the person page (merging a duplicate into the record)."""
    person = _person_or_404(request, pk)
    return record_action_taken(
        request,
        PERSON_ACTIONS,
        person,
        action,
        not_possible=_("“%s” is not possible for the record as it is now; the page shows what is."),
        back_to=reverse("clinic:person_detail", args=[person.pk]),
        page=lambda offered: _render_person(request, person, offered, status=422),
    )


@staff_page
@require_GET
def destruction_records_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The federation: what each retention run anonymised, by rule; `?download=csv` gives all of it."""
    rules.ensure_can_read_destruction_records(request.user)
    records = destruction_records()
    if request.GET.get("download") == "csv":
        response = HttpResponse(destruction_records_csv(records), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="destruction-records.csv"'
        return response
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    return render(request, "clinic/destruction_records.html", {"page": page})


def destruction_records_csv(records) -> bytes:
    header = [
        _("Run started"),
        _("Run finished"),
        _("Started by"),
        _("Rule"),
        _("Kind of record"),
        _("Retention period"),
        _("Records older than"),
        _("Records anonymised"),
    ]
    rows = (
        [
            timezone.localtime(record.run.started_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(record.run.finished_at).strftime("%Y-%m-%d %H:%M")
            if record.run.finished_at
            else "",
            record.run.started_by,
            record.rule,
            record.get_kind_display(),
            record.kept_for,
            record.cutoff.isoformat() if record.cutoff else "",
            record.count,
        ]
        for record in records.iterator()
    )
    return csv_content(header, rows)


# Labor disputes


def _filtered_disputes(request: AuthenticatedHttpRequest):
    """The dispute list's filter form and its disputes, as the page and its export read them."""
    return forms.filtered_disputes(request.GET, user=request.user)


@staff_page
@require_GET
def dispute_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A lawyer's own disputes (or the center's), a manager's center, an analyst's federation: the
    nearest last day to file or expected decision first, those due soon and passed flagged."""
    user = request.user
    days_ahead = settings.CLINIC_DISPUTE_DAYS_AHEAD
    filters, disputes = _filtered_disputes(request)
    paging = ListPaging.of(disputes, request, DISPUTES_PER_PAGE)
    mine = user.role == Role.LAWYER and filters.cleaned_data.get("scope") != filters.CENTER
    if mine:
        title = _("My labor disputes")
    elif user.sees_all_centers:
        title = _("Labor disputes of all centers")
    else:
        title = _("Labor disputes of the center")
    return render(
        request,
        "clinic/dispute_list.html",
        {
            "title": title,
            "filters": filters,
            "paging": paging,
            "show_scope": user.role == Role.LAWYER,
            "show_center": user.sees_all_centers,
            "days_ahead": days_ahead,
            "export_query": exports.export_filters(request.GET),
        },
    )


def _dispute_or_404(request: AuthenticatedHttpRequest, pk: int) -> LaborDispute:
    return get_object_or_404(
        LaborDispute.objects.visible_to(request.user).select_related(
            "employer", "lawyer", "center", "registered_by"
        ),
        pk=pk,
    )


def _render_dispute(
    request: AuthenticatedHttpRequest,
    dispute: LaborDispute,
    offered: dict[str, OfferedAction],
    status: int = 200,
) -> HttpResponse:
    cases = Application.objects.visible_to(request.user).filter(disputes=dispute).with_list_relations()
    # Only the date the dispute waits on now is flagged: a last day to file met by the claim's
    # registration, or a decision no longer awaited in court, is shown without a flag.
    state, kind = dispute.next_deadline_state, dispute.next_deadline_kind
    return render(
        request,
        "clinic/dispute_detail.html",
        {
            "dispute": dispute,
            "filing_state": state if kind == limitation.FILING else None,
            "decision_state": state if kind == limitation.DECISION else None,
            "rules": limitation_rules_for(dispute),
            "cases": cases.order_by("-received_on", "-sequence", "-pk"),
            "events": dispute.events.with_record(),
            "add_event": "event" in offered,
            "actions": list(offered.values()),
            "read_only": request.user.is_read_only,
            "days_ahead": settings.CLINIC_DISPUTE_DAYS_AHEAD,
        },
        status=status,
    )


@staff_page
@require_GET
def dispute_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A dispute: its facts and stage, its limitation dates flagged, its cases, the actions allowed."""
    dispute = _dispute_or_404(request, pk)
    return _render_dispute(request, dispute, offered_actions(DISPUTE_ACTIONS, request.user, dispute))


@staff_page
@require_POST
def dispute_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    """Run one action of the dispute page: the claim's registration, the stage, the result."""
    dispute = _dispute_or_404(request, pk)
    return record_action_taken(
        request,
        DISPUTE_ACTIONS,
        dispute,
        action,
        not_possible=_("“%s” is not possible for the dispute as it is now; the page shows what is."),
        back_to=reverse("clinic:dispute_detail", args=[dispute.pk]),
        page=lambda offered: _render_dispute(request, dispute, offered, status=422),
    )


def _list_export(request: AuthenticatedHttpRequest, name: str, queryset) -> HttpResponseBase:
    """The list as filtered on its page, as a CSV or XLSX download (clinic.exports); the filters are
    the page's own query string. A list longer than settings.EXPORT_SYNC_MAX_ROWS is built in the
    background: the user is sent to the export's page, which follows it to its download."""
    file_format = request.GET.get(exports.FORMAT_PARAMETER, "csv")
    if file_format not in EXPORT_FORMATS:
        return HttpResponseBadRequest(_("Choose CSV or XLSX."))
    export = exports.EXPORTS[name]
    filters = exports.export_filters(request.GET)
    if exports.too_large(queryset):
        job = exports.export_later(
            user=request.user,
            name=name,
            filters=filters,
            file_format=file_format,
            source=ExportJob.Source.PAGE,
        )
        return redirect("clinic:export_job", job.pk)
    rows = exports.export_rows(export, queryset, user=request.user, filters=filters, file_format=file_format)
    return export_response(file_format, exports.filename(export), exports.header(export), rows)


@staff_page
@require_GET
def case_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The case list as filtered, as a file."""
    _filters, cases = _filtered_cases(request)
    return _list_export(request, "cases", cases)


@staff_page
@require_GET
def dispute_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The dispute list as filtered, as a file."""
    _filters, disputes = _filtered_disputes(request)
    return _list_export(request, "disputes", disputes)


@staff_page
@require_GET
def export_job(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A background export's state, and its file once ready: its owner's only (another user: 404)."""
    job = get_object_or_404(ExportJob, pk=pk, user=request.user)
    template = (
        "clinic/partials/export_job_state.html"
        if request.headers.get("HX-Request")
        else "clinic/export_job.html"
    )
    return render(request, template, {"title": _("Export"), "job": job})


@staff_page
@require_GET
def export_job_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    job = get_object_or_404(ExportJob, pk=pk, user=request.user, status=ExportJob.State.DONE)
    return stored_file_response(job.file, (job.file.name or "").rsplit("/", 1)[-1])
