"""The reports' web pages: the manager's dashboard, the federation analyst's comparison of centers
(with a drill-down into one center), and the list of stored reports with builds on demand.

The dashboards compute their figures live with reports.queries (a fixed number of aggregate
queries, each reading the period's rows and the open cases, whatever the number of cases) and keep
them for a minute (settings.REPORTS_LIVE_FIGURES_SECONDS) in the cache: a page opened again and again
does not repeat them. The stored reports are the snapshots to download.
Every view starts from `visible_to(request.user)`: another center's report is a 404.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from clinic.forms import AssignForm, LawyerChoiceField
from clinic.models import Application
from core import charts
from core.db import reading_from_replica
from core.forms import DateField
from core.inputs import local_path
from core.views import staff_page
from organizations.http import AuthenticatedHttpRequest
from organizations.models import Role, TerritorialCenter, User

from . import exports, queries, rules, services
from .models import Report
from .periods import FIRST_YEAR, LAST_YEAR, Period, PeriodKind, years_message

REPORTS_PER_PAGE = 25
DASHBOARD_REPORTS = 10
UNASSIGNED_SHOWN = 20
IN_PROGRESS = (Report.State.QUEUED, Report.State.RUNNING)
DOWNLOADS = {"csv": exports.report_csv, "xlsx": exports.report_xlsx, "html": exports.report_html}

# The figures the dashboards compare, and whether a rise is good news (pending and overdue: not).
KPIS = (
    ("received", gettext_lazy("Received"), True),
    ("decided", gettext_lazy("Decided"), True),
    ("positive", gettext_lazy("Positive result"), True),
    ("positive_rate", gettext_lazy("Positive result, % of decided"), True),
    ("pending", gettext_lazy("Open (pending)"), False),
    ("overdue", gettext_lazy("Of them overdue"), False),
    ("recovered_kzt", gettext_lazy("Money recovered by applications, KZT"), True),
)
TABLE_KPIS = ("received", "decided", "positive", "positive_rate", "pending", "overdue", "recovered_kzt")


# Who may see which page


# Forms


class PeriodForm(forms.Form):
    """A month, quarter or year, given by its kind and any day in it."""

    period_kind = forms.ChoiceField(label=gettext_lazy("Period"), choices=PeriodKind.choices)
    day = DateField(label=gettext_lazy("Any day of the period"))

    def clean_day(self) -> date:
        day = self.cleaned_data["day"]
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValidationError(years_message())
        return day

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())  # forms.Form.clean returns cleaned_data
        if "period_kind" in data and "day" in data:
            data["period"] = Period.containing(data["period_kind"], data["day"])
        return data

    def period(self, default: Period) -> Period:
        """The chosen period, or the default when nothing (valid) was chosen."""
        return self.cleaned_data["period"] if self.is_bound and self.is_valid() else default


class BuildForm(PeriodForm):
    """Request a report: a manager's own center; federation staff choose the center or the roll-up."""

    FEDERATION = ""

    scope = forms.ChoiceField(label=gettext_lazy("Scope"), required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.sees_all_centers:
            centers = [(str(center.pk), str(center)) for center in TerritorialCenter.objects.all()]
            cast(forms.ChoiceField, self.fields["scope"]).choices = [
                (self.FEDERATION, _("Federation (all centers)")),
                *centers,
            ]
        else:
            del self.fields["scope"]

    def center(self) -> TerritorialCenter | None:
        if not self.user.sees_all_centers:
            return self.user.center
        scope = self.cleaned_data.get("scope") or self.FEDERATION
        return None if scope == self.FEDERATION else TerritorialCenter.objects.get(pk=scope)

    def perform(self) -> Report | None:
        """Request the report; None with the refusal on the form."""
        if not self.is_valid():
            return None
        period = self.cleaned_data["period"]
        try:
            return services.report_request(
                center=self.center(), period_kind=period.kind, period_start=period.start, by=self.user
            )
        except ValidationError as error:
            self.add_error(None, error.messages)
        except PermissionDenied as error:
            self.add_error(None, str(error))
        return None


def _last_month(today: date) -> Period:
    return Period.last_completed(PeriodKind.MONTH, today)


def _build_form(user: User, today: date) -> BuildForm:
    return BuildForm(user=user, initial={"period_kind": PeriodKind.MONTH, "day": _last_month(today).start})


# Figures


@dataclass(frozen=True)
class Kpi:
    key: str
    name: str
    value: Any
    earlier: Any
    change: Any
    trend: str  # "up" (good news), "down" (bad news) or ""


def _as_number(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def _kpis(totals: dict, earlier: dict) -> list[Kpi]:
    result = []
    for key, name, rise_is_good in KPIS:
        now, then = _as_number(totals[key]), _as_number(earlier[key])
        change = None if now is None or then is None else now - then
        trend = ""
        if change:
            trend = "up" if (change > 0) == rise_is_good else "down"
        result.append(Kpi(key, str(name), totals[key], earlier[key], change, trend))
    return result


def _received_and_positive(rows: list[tuple[str, dict]]) -> list[tuple[str, list[int]]]:
    return [
        (str(exports.FIGURE_NAMES["received"]), [counters["received"] for _name, counters in rows]),
        (str(exports.FIGURE_NAMES["positive"]), [counters["positive"] for _name, counters in rows]),
    ]


def _named_rows(breakdown: dict, names: dict, group: str) -> list[tuple[str, str, dict]]:
    rows = [
        (key, exports.label({"labels": names}, group, key), counters) for key, counters in breakdown.items()
    ]
    return sorted(rows, key=lambda row: (-row[2]["received"], row[1]))


def _live(key: str, compute: Callable[[], Any]) -> Any:
    """Figures computed live, kept for LIVE_FIGURES_SECONDS (settings; the cache framework, in-process
    unless configured otherwise): a page opened again and again repeats the same aggregates otherwise.
    The key names the scope, the period and the day (the day decides which cases are open)."""
    seconds = settings.REPORTS_LIVE_FIGURES_SECONDS
    if not seconds:
        return compute()
    key = f"reports:live:{key}:{timezone.localdate().isoformat()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def _center_counts(center_id: int, period: Period) -> dict[str, Any]:
    """The counts a center's dashboard shows, before any language: 4 queries."""
    as_of = timezone.now()
    rollup = queries.application_rollup(
        center_id=center_id, period=period, as_of=as_of, fields=["topic_id", "service_id"]
    )
    earlier = queries.application_totals(center_id=center_id, period=period.previous(), as_of=as_of)
    return {
        "totals": rollup["totals"],
        "earlier": earlier,
        "by_topic": rollup["topic_id"],
        "by_service": rollup["service_id"],
        "open_on": queries.cut_off(period, as_of),
        "trend": queries.monthly_trend(center_id=center_id, period=period),
        "names": queries.labels(center_id=center_id),
    }


def center_figures(center_id: int, period: Period) -> dict[str, Any]:
    """A center's figures for a period against the period before, with their charts."""
    counts = _live(
        f"center:{center_id}:{period.kind}:{period.start}", lambda: _center_counts(center_id, period)
    )
    totals, names, trend = counts["totals"], counts["names"], counts["trend"]
    by_topic = _named_rows(counts["by_topic"], names, "topic")
    by_service = _named_rows(counts["by_service"], names, "service")
    outcomes = [(str(exports.FIGURE_NAMES[name]), totals[name]) for name in queries.OUTCOME_FIGURES]
    return {
        "period": period,
        "previous": period.previous(),
        "open_on": counts["open_on"],
        "kpis": _kpis(totals, counts["earlier"]),
        "by_topic": by_topic,
        "by_service": by_service,
        "outcomes": outcomes,
        "trend_chart": charts.line_chart(
            [month["month"] for month in trend],
            [
                (str(exports.FIGURE_NAMES["received"]), [month["received"] for month in trend]),
                (str(exports.FIGURE_NAMES["positive"]), [month["positive"] for month in trend]),
            ],
            title=_("Received and positive results, 12 months"),
        ),
        "topic_chart": charts.bar_chart(
            [name for _key, name, _counters in by_topic],
            _received_and_positive([(name, counters) for _key, name, counters in by_topic]),
            title=_("By topic"),
        ),
        "service_chart": charts.bar_chart(
            [name for _key, name, _counters in by_service],
            _received_and_positive([(name, counters) for _key, name, counters in by_service]),
            title=_("By service"),
        ),
        "outcome_chart": charts.bar_chart(
            [name for name, _count in outcomes],
            [(str(exports.FIGURE_NAMES["decided"]), [count for _name, count in outcomes])],
            title=_("By outcome"),
        ),
    }


# The manager's dashboard


def _assign_forms(user: User) -> list[tuple[Application, AssignForm]]:
    """Open cases of the center with no lawyer, each with its assignment form: 2 queries."""
    cases = list(
        Application.objects.visible_to(user)
        .open()
        .filter(lawyer__isnull=True)
        .with_list_relations()
        .order_by("due_on", "pk")[:UNASSIGNED_SHOWN]
    )
    if not cases:
        return []
    lawyers = list(
        User.objects.filter(center_id=user.center_id, role__in=(Role.LAWYER, Role.MANAGER), is_active=True)
        .order_by("last_name", "first_name")
        .values_list("pk", "first_name", "last_name", "username")
    )
    choices = [("", "---------")] + [
        (pk, f"{first} {last}".strip() or username) for pk, first, last, username in lawyers
    ]
    result = []
    for case in cases:
        form = AssignForm(target=case, auto_id=f"assign-{case.pk}-%s")
        # The same lawyers for every row: one query, not one per form.
        cast(LawyerChoiceField, form.fields["lawyer"]).choices = choices
        result.append((case, form))
    return result


@staff_page
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """This month against last month, the charts, cases to assign and the center's reports."""
    user = request.user
    rules.ensure_can_read_the_dashboard(user)
    today = timezone.localdate()
    period = Period.containing(PeriodKind.MONTH, today)
    reports = Report.objects.visible_to(user).select_related("center")[:DASHBOARD_REPORTS]
    return render(
        request,
        "reports/dashboard.html",
        {
            "center": user.center,
            **center_figures(cast(int, user.center_id), period),  # a center manager has a center
            "unassigned": _assign_forms(user),
            "reports": reports,
            "build_form": _build_form(user, today),
        },
    )


# The federation


def _federation_rows(period: Period) -> tuple[list[dict], dict]:
    """Every center's counters for the period from one GROUP BY query, and the federation's sums."""
    by_center = _live(
        f"federation:{period.kind}:{period.start}",
        lambda: queries.application_breakdown(
            center_id=None, period=period, as_of=timezone.now(), field="center_id"
        ),
    )
    rows: list[dict] = []
    sums: dict[str, Any] = dict.fromkeys(("received", "decided", "positive", "pending", "overdue"), 0)
    recovered = Decimal(0)
    for center in TerritorialCenter.objects.all():
        counters = by_center.get(str(center.pk))
        values = {key: (counters or {}).get(key, 0) for key in sums}
        values["positive_rate"] = counters["positive_rate"] if counters else None
        values["recovered_kzt"] = counters["recovered_kzt"] if counters else "0.00"
        for key in sums:
            sums[key] += values[key]
        recovered += Decimal(values["recovered_kzt"])
        rows.append({"center": center, "values": [values[key] for key in TABLE_KPIS], **values})
    sums["positive_rate"] = queries.percent(sums["positive"], sums["decided"])
    sums["recovered_kzt"] = recovered
    return rows, {"values": [sums[key] for key in TABLE_KPIS]}


FEDERATION_SORTS = ("center", *TABLE_KPIS)


def _sort_key(key: str) -> Callable[[dict], Any]:
    if key == "center":
        return lambda row: str(row["center"]).casefold()
    return lambda row: Decimal(str(row[key]))


def _sorted_rows(rows: list[dict], sort: str) -> tuple[list[dict], str]:
    """The rows in the order of `sort` (a column of FEDERATION_SORTS, "-" before it for descending);
    a column without a figure goes last either way. Any other value keeps the centers' order."""
    key, descending = sort.removeprefix("-"), sort.startswith("-")
    if key not in FEDERATION_SORTS:
        return rows, ""
    with_value = [row for row in rows if key == "center" or row[key] is not None]
    without = [row for row in rows if row not in with_value]
    return sorted(with_value, key=_sort_key(key), reverse=descending) + without, sort


def _sort_headers(request: AuthenticatedHttpRequest, sort: str) -> list[dict]:
    """Each column of the table with its name, its aria-sort and the link that sorts by it (the other
    way round when it is the current order), the period of the page kept."""
    names = {"center": _("Center"), **{key: exports.FIGURE_NAMES[key] for key in TABLE_KPIS}}
    headers = []
    for key in FEDERATION_SORTS:
        state = "ascending" if sort == key else "descending" if sort == f"-{key}" else "none"
        query = request.GET.copy()
        # Names read best A to Z; figures largest first.
        query["sort"] = f"-{key}" if state == "ascending" or (state == "none" and key != "center") else key
        headers.append({"key": key, "name": names[key], "aria_sort": state, "query": query.urlencode()})
    return headers


def _period_form(request: AuthenticatedHttpRequest, default: Period) -> tuple[PeriodForm, Period]:
    if "period_kind" in request.GET:
        form = PeriodForm(request.GET)
    else:
        form = PeriodForm(initial={"period_kind": default.kind, "day": default.start})
    return form, form.period(default)


@staff_page
@require_GET
@reading_from_replica()  # every center's figures: a read replica's if one is fit (core.db)
def federation(request: AuthenticatedHttpRequest) -> HttpResponse:
    """All centers side by side for a period (default: last month): a table and a bar chart."""
    rules.ensure_can_read_the_federation_page(request.user)
    form, period = _period_form(request, _last_month(timezone.localdate()))
    rows, total = _federation_rows(period)
    chart = charts.bar_chart(
        [row["center"].code for row in rows],
        [
            (str(exports.FIGURE_NAMES["received"]), [row["received"] for row in rows]),
            (str(exports.FIGURE_NAMES["positive"]), [row["positive"] for row in rows]),
        ],
        title=_("Received and positive results by center"),
        width=960,
    )
    rows, sort = _sorted_rows(rows, request.GET.get("sort", ""))  # the chart keeps the centers' order
    period_query = request.GET.copy()
    period_query.pop("sort", None)
    return render(
        request,
        "reports/federation.html",
        {
            "form": form,
            "period": period,
            "rows": rows,
            "total": total,
            "headers": _sort_headers(request, sort),
            "chart": chart,
            "query": period_query.urlencode(),
        },
    )


@staff_page
@require_GET
@reading_from_replica()
def federation_center(request: AuthenticatedHttpRequest, center_id: int) -> HttpResponse:
    """One center's figures for the chosen period, read-only."""
    rules.ensure_can_read_the_federation_page(request.user)
    center = get_object_or_404(TerritorialCenter, pk=center_id)
    form, period = _period_form(request, _last_month(timezone.localdate()))
    return render(
        request,
        "reports/federation_center.html",
        {
            "center": center,
            "form": form,
            "query": request.GET.urlencode(),
            **center_figures(center.pk, period),
        },
    )


# Stored reports


@staff_page
@require_GET
def report_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The reports this user may see (a manager's center; federation staff: all and the roll-ups)."""
    rules.ensure_can_read_reports(request.user)
    reports = Report.objects.visible_to(request.user).select_related("center")
    page = Paginator(reports, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/report_list.html",
        {
            "page": page,
            "build_form": _build_form(request.user, timezone.localdate()),
            "show_scope": request.user.sees_all_centers,
        },
    )


def _back(request: AuthenticatedHttpRequest) -> HttpResponse:
    return redirect(local_path(request, request.POST.get("next"), reverse("reports:list")))


@staff_page
@require_POST
def report_build(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Request a report (built in the background); back to the page it was asked from."""
    rules.ensure_can_read_reports(request.user)
    form = BuildForm(request.POST, user=request.user)
    report = form.perform()
    if report is None:
        errors = [str(error) for errors in form.errors.values() for error in errors]
        messages.error(request, _("The report was not requested: %s") % " ".join(errors))
    elif not _said_if_waiting(request, report):
        messages.success(request, _("Report %s requested: it is being built.") % report)
    return _back(request)


def _said_if_waiting(request: AuthenticatedHttpRequest, report: Report) -> bool:
    """Tell the user when the request is recorded but its build waits for the task queue."""
    if not report.is_waiting_for_queue:
        return False
    messages.warning(
        request,
        _(
            "Report %s requested, but the task queue is unavailable right now: the request is kept and the "
            "report will be built as soon as the queue is back. There is no need to request it again."
        )
        % report,
    )
    return True


def _visible_report(request: AuthenticatedHttpRequest, pk: int) -> Report:
    return get_object_or_404(Report.objects.visible_to(request.user).select_related("center"), pk=pk)


@staff_page
@require_GET
def report_row(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One report's row (an htmx partial): it polls itself while the build is under way."""
    return render(request, "reports/partials/report_row.html", {"report": _visible_report(request, pk)})


@staff_page
@require_POST
def report_rebuild(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Build a report again (the Retry button of a failed build)."""
    report = _visible_report(request, pk)
    try:
        report = services.report_rebuild(report=report, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    if request.headers.get("HX-Request"):
        # The row itself shows the note of a build that waits for the task queue.
        report = _visible_report(request, pk)
        return render(request, "reports/partials/report_row.html", {"report": report})
    _said_if_waiting(request, report)
    return _back(request)


def _built(report: Report) -> None:
    if report.state != Report.State.DONE or not report.figures:
        raise Http404(_("The report is not built yet."))


@staff_page
@require_GET
def report_print(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The printable page of a built report, in the browser."""
    report = _visible_report(request, pk)
    _built(report)
    return render(request, "reports/report_print.html", exports.report_print_context(report))


@staff_page
@require_GET
def report_download(request: AuthenticatedHttpRequest, pk: int, file_format: str) -> HttpResponse:
    """A built report as a CSV, XLSX or HTML file."""
    export = DOWNLOADS.get(file_format)
    if export is None:
        raise Http404
    report = _visible_report(request, pk)
    _built(report)
    file = export(report)
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    return response
