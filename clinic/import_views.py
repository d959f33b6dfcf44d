"""The imports' pages: upload a register and choose what it holds, read the check (counts and refused
rows), confirm, watch the progress (the page polls its own state), read the result. The work is done
by clinic.services.imports and its task."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import add_refusal
from core.views import staff_page
from organizations.http import AuthenticatedHttpRequest
from organizations.models import TerritorialCenter

from . import rules, services
from .imports import template_response
from .models import ImportJob


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("The file holds"), choices=ImportJob.Kind.choices)
    center = forms.ModelChoiceField(
        label=_("Territorial center"), queryset=TerritorialCenter.objects.order_by("code"), required=False
    )
    file = forms.FileField(label=_("File (.xlsx or .csv)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.center_id is not None:
            del self.fields["center"]  # a center's manager imports into the own center


def _ensure_may_import(request: AuthenticatedHttpRequest) -> None:
    if not rules.may_import(request.user):
        raise PermissionDenied(_("Only a manager may import registers."))


@staff_page
@require_http_methods(["GET", "POST"])
def import_list(request: AuthenticatedHttpRequest):
    _ensure_may_import(request)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_create(by=request.user, language=get_language(), **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            add_refusal(form, error)
        else:
            return redirect("clinic:import_detail", job.pk)
    jobs = ImportJob.objects.visible_to(request.user).select_related("center", "created_by")[:50]
    return render(
        request, "clinic/imports.html", {"form": form, "jobs": jobs, "kinds": ImportJob.Kind.choices}
    )


@staff_page
@require_GET
def import_detail(request: AuthenticatedHttpRequest, pk: int):
    _ensure_may_import(request)
    job = get_object_or_404(ImportJob.objects.visible_to(request.user).select_related("center"), pk=pk)
    working = job.state in (ImportJob.State.QUEUED, ImportJob.State.CHECKING, ImportJob.State.RUNNING)
    template = (
        "clinic/partials/import_state.html" if request.headers.get("HX-Request") else "clinic/import.html"
    )
    return render(request, template, {"job": job, "working": working})


@staff_page
@require_POST
def import_confirm(request: AuthenticatedHttpRequest, pk: int):
    _ensure_may_import(request)
    job = get_object_or_404(ImportJob.objects.visible_to(request.user), pk=pk)
    try:
        services.import_confirm(job=job, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("clinic:import_detail", job.pk)


@staff_page
@require_GET
def import_template(request: AuthenticatedHttpRequest, kind: str):
    _ensure_may_import(request)
    if kind not in ImportJob.Kind.values:
        raise Http404
    return template_response(kind, get_language())
