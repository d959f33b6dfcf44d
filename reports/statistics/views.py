"""The pages of the organization statistics, under /statistics/: the yearly returns (entered by a
center's manager, approved by the federation, then locked) and the federation's annual report."""

from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.actions import allowed, offered_actions
from core.inputs import local_path
from core.templatetags.figures import number
from core.views import record_action_taken, staff_page
from organizations.http import AuthenticatedHttpRequest
from organizations.models import User

from . import exports, forms
from . import rules as statistics_rules
from .actions import RETURN_ACTIONS
from .api.filters import StatisticalReturnFilter
from .models import StatisticalReport, StatisticalReturn

# Organization statistics: the centers' yearly returns (entered by a center's manager, approved by the
# federation, then locked) and the federation's annual report. Thin views: each starts from
# visible_to (another center's return is a 404) and lets a form call the service, which refuses what
# reports.statistics.rules forbid; a refusal comes back as an error next to its field.

REPORT_ROW = "reports/statistics/partials/statistical_report_row.html"  # a row, also alone for htmx
RETURNS_PER_PAGE = 25
REPORT_DOWNLOADS = {
    "csv": exports.statistical_report_csv,
    "xlsx": exports.statistical_report_xlsx,
    "html": exports.statistical_report_html,
}


def _may_enter(user: User, center_id: int | None) -> bool:
    return allowed(statistics_rules.ensure_can_enter, user, center_id=center_id)


@staff_page
@require_GET
def statistical_return_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The returns of the user's scope (a center's, or every one for the federation), filtered by year,
    state and scope; with the way to enter a new one for those who may."""
    user = request.user
    statistics_rules.ensure_can_open_returns(user)
    visible = StatisticalReturn.objects.visible_to(user)
    filters = StatisticalReturnFilter(
        request.GET or None, queryset=visible.select_related("center", "branch_union")
    )
    page = Paginator(filters.qs, RETURNS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/statistics/statistical_return_list.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "federation": user.sees_all_centers,
            "may_enter": _may_enter(user, user.center_id),
            "this_year": timezone.localdate().year,
            "default_year": timezone.localdate().year - 1,  # a return reports a completed year
            "may_review": allowed(statistics_rules.ensure_can_review, user),
        },
    )


@staff_page
@require_http_methods(["GET", "POST"])
def statistical_return_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enter a new return: the year and the figures (the shares are derived, never typed)."""
    user = request.user
    statistics_rules.ensure_can_open_returns(user)
    statistics_rules.ensure_can_enter(user, center_id=user.center_id)
    form = forms.StatisticalReturnCreateForm(request.POST or None, user=user, initial=_year_initial(request))
    if request.method == "POST":
        statistical_return = form.perform(by=user)
        if statistical_return is not None:
            messages.success(request, _("Return %s saved as a draft.") % statistical_return)
            return redirect("statistics:return_detail", pk=statistical_return.pk)
    return render(
        request,
        "reports/statistics/statistical_return_form.html",
        {"form": form, "derived": form.preview()},
        status=422 if form.errors else 200,
    )


def _year_initial(request: AuthenticatedHttpRequest) -> dict:
    year = request.GET.get("year", "")
    return {"year": int(year)} if year.isdigit() and len(year) == 4 else {}


@staff_page
@require_GET
def statistical_return_derived(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The derived shares of the figures typed so far (an htmx partial of the entry form): nothing saved."""
    statistics_rules.ensure_can_open_returns(request.user)
    preview = forms.DerivedFiguresForm(request.GET).preview()
    return render(request, "reports/statistics/partials/derived_figures.html", {"figures": preview})


def _return_or_404(request: AuthenticatedHttpRequest, pk: int) -> StatisticalReturn:
    return get_object_or_404(
        StatisticalReturn.objects.visible_to(request.user).select_related(
            "center", "branch_union", "submitted_by", "approved_by", "returned_by"
        ),
        pk=pk,
    )


def _render_return(
    request: AuthenticatedHttpRequest,
    statistical_return: StatisticalReturn,
    *,
    form: forms.StatisticalReturnFiguresForm | None = None,
    offered: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    editable = statistical_return.state == StatisticalReturn.State.DRAFT and _may_enter(
        user, statistical_return.center_id
    )
    if form is None and editable:
        form = forms.StatisticalReturnFiguresForm(target=statistical_return)
    offered = offered_actions(RETURN_ACTIONS, user, statistical_return) if offered is None else offered
    return render(
        request,
        "reports/statistics/statistical_return_detail.html",
        {
            "statistical_return": statistical_return,
            "form": form,
            "derived": form.preview() if form is not None and form.is_bound else statistical_return,
            "groups": [
                (
                    title,
                    [
                        (StatisticalReturn._meta.get_field(name), getattr(statistical_return, name))
                        for name in names
                    ],
                )
                for title, names in forms.FIGURE_GROUPS
            ],
            "actions": list(offered.values()),
        },
        status=status,
    )


@staff_page
@require_http_methods(["GET", "POST"])
def statistical_return_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A return: its figures (a form while it is a draft the user may enter), the derived shares, its
    history and the actions this user may take now. POST saves the draft's figures."""
    statistical_return = _return_or_404(request, pk)
    if request.method == "GET":
        return _render_return(request, statistical_return)
    RETURN_ACTIONS["submit"].rule(request.user, statistical_return)  # entering: 403 before the body is read
    form = forms.StatisticalReturnFiguresForm(request.POST, target=statistical_return)
    if form.perform(by=request.user) is not None:
        messages.success(request, _("Return %s saved.") % statistical_return)
        return redirect("statistics:return_detail", pk=statistical_return.pk)
    return _render_return(request, statistical_return, form=form, status=422)


@staff_page
@require_POST
def statistical_return_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    """Submit, approve or return to draft; back to the return with a message, or its page with the errors."""
    statistical_return = _return_or_404(request, pk)
    return record_action_taken(
        request,
        RETURN_ACTIONS,
        statistical_return,
        action,
        not_possible=_("“%s” is not possible for the return as it is now; the page shows what is."),
        back_to=reverse("statistics:return_detail", args=[statistical_return.pk]),
        page=lambda offered: _render_return(request, statistical_return, offered=offered, status=422),
    )


# The federation's annual statistical report


def _visible_report(request: AuthenticatedHttpRequest, pk: int) -> StatisticalReport:
    return get_object_or_404(StatisticalReport.objects.visible_to(request.user), pk=pk)


def _is_built(report: StatisticalReport) -> bool:
    return report.state == StatisticalReport.State.DONE and bool(report.figures)


@staff_page
@require_GET
def statistical_report_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The annual reports, one per year, with their build state and downloads; build one on demand."""
    statistics_rules.ensure_can_read_the_annual_report(request.user)
    return render(
        request,
        "reports/statistics/statistical_report_list.html",
        {
            "reports": StatisticalReport.objects.visible_to(request.user),
            "build_form": forms.StatisticalReportBuildForm(),
        },
    )


def _back(request: AuthenticatedHttpRequest) -> HttpResponse:
    return redirect(local_path(request, request.POST.get("next"), reverse("statistics:report_list")))


@staff_page
@require_POST
def statistical_report_build(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Request the report of a year (built in the background); back to the page it was asked from."""
    statistics_rules.ensure_can_read_the_annual_report(request.user)
    form = forms.StatisticalReportBuildForm(request.POST)
    report = form.perform(by=request.user)
    if report is None:
        errors = [str(error) for errors in form.errors.values() for error in errors]
        messages.error(request, _("The report was not requested: %s") % " ".join(errors))
    else:
        messages.success(request, _("%s requested: it is being built.") % report)
    if request.headers.get("HX-Request"):  # the Retry or Rebuild button of a row
        if report is not None:
            return render(request, REPORT_ROW, {"report": report})
        response = HttpResponse()
        response["HX-Refresh"] = "true"  # the whole page again, with the message saying why
        return response
    return _back(request)


@staff_page
@require_GET
def statistical_report_row(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One report's row (an htmx partial): it polls itself while the build is under way."""
    report = _visible_report(request, pk)
    response = render(request, REPORT_ROW, {"report": report})
    polled_from = urlsplit(request.headers.get("HX-Current-URL", "")).path
    if _is_built(report) and polled_from == reverse("statistics:report_detail", args=[report.pk]):
        response["HX-Refresh"] = "true"  # the report's own page waited for the build: show the figures
    return response


def shown(value: int | str | None) -> str:
    """A figure as the report page shows it, in the page's language (10 382 and 31,1 in Russian), "—"
    for none."""
    return "—" if value is None else number(value)


def change_text(change: dict, *, share: bool = False) -> str:
    """A change against the year before as the federation's reports word it: "down 10,382, or 0.6%"."""
    absolute = change.get("absolute")
    if absolute is None:
        return "—"
    if share:
        points = Decimal(absolute)
        if not points:
            return _("unchanged")
        template = _("up %(points)s points") if points > 0 else _("down %(points)s points")
        return template % {"points": number(abs(points))}
    if not absolute:
        return _("unchanged")
    values = {"count": shown(abs(absolute)), "percent": number((change.get("percent") or "").lstrip("-"))}
    if not values["percent"]:
        return (_("up %(count)s") if absolute > 0 else _("down %(count)s")) % values
    return (
        _("up %(count)s, or %(percent)s%%") if absolute > 0 else _("down %(count)s, or %(percent)s%%")
    ) % values


@staff_page
@require_GET
def statistical_report_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The annual report: the headline, the federation's figures against the year before, coverage, and
    the tables of centers and branch unions; the build's progress while it is not built."""
    report = _visible_report(request, pk)
    context: dict[str, Any] = {"report": report, "built": _is_built(report)}
    if context["built"]:
        context.update(exports.statistical_report_print_context(report))
        for line in context["federation"]:
            line["cells"] = [shown(line["value"]), shown(line["change"]["earlier"])]
            line["change_text"] = change_text(line["change"], share=line["is_share"])
        for row in [*context["centers"], *context["branch_unions"]]:
            row["cells"] = [shown(value) for value in row["values"]]
            row["members_change_text"] = change_text(row["members_change"])
    return render(request, "reports/statistics/statistical_report_detail.html", context)


@staff_page
@require_GET
def statistical_report_print(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The printable page of a built report, in the browser."""
    report = _visible_report(request, pk)
    if not _is_built(report):
        raise Http404(_("The report is not built yet."))
    return render(
        request,
        "reports/statistics/statistical_report_print.html",
        exports.statistical_report_print_context(report),
    )


@staff_page
@require_GET
def statistical_report_download(request: AuthenticatedHttpRequest, pk: int, file_format: str) -> HttpResponse:
    """A built report as a CSV, XLSX or HTML file."""
    export = REPORT_DOWNLOADS.get(file_format)
    if export is None:
        raise Http404
    report = _visible_report(request, pk)
    if not _is_built(report):
        raise Http404(_("The report is not built yet."))
    file = export(report)
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    return response
