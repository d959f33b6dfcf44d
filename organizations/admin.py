from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import AuditTrailAdmin
from core.snapshot_admin import SnapshotAdminMixin

from . import services
from .forms import ActionForm, add_refusal
from .models import (
    RETURN_FIGURES,
    BranchUnion,
    Employer,
    PrimaryOrganization,
    RegionalBranch,
    RepresentativeOffice,
    StatisticalReport,
    StatisticalReturn,
    TerritorialCenter,
    User,
)
from .roles import ensure_can_manage_staff, roles_up_to
from .services import staff_sync_groups
from .statistics import rules as statistics_rules
from .statistics.exports import statistical_report_csv, statistical_report_html, statistical_report_xlsx

NAME_FIELDS = ("name_en", "name_ru", "name_kk")


class VisibleChoicesAdmin(admin.ModelAdmin):
    """Every choice list (foreign key, many-to-many, autocomplete) offers only the rows the user may see,
    through the related model's visible_to: another center's id in a crafted POST is "not a valid
    choice", an error next to the field."""

    def _visible_choices(self, db_field, request, kwargs: dict) -> dict:
        if "queryset" not in kwargs:
            queryset = self.get_field_queryset(None, db_field, request)
            if queryset is None:
                queryset = db_field.related_model._default_manager.all()
            if hasattr(queryset, "visible_to"):
                kwargs["queryset"] = queryset.visible_to(request.user)
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **self._visible_choices(db_field, request, kwargs)
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(
            db_field, request, **self._visible_choices(db_field, request, kwargs)
        )


class CenterScopedAdmin(VisibleChoicesAdmin):
    """Shows center staff only their own center's rows, through the model's visible_to."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


class FederationOwned:
    """Records every center shares (the centers, branch unions, reference lists): read by all whose role
    may, changed by federation-level staff only, so a center's administrator changes nothing of the other
    centers through them. A mixin of model admins and inlines."""

    def has_add_permission(self, request, *args) -> bool:
        return request.user.sees_all_centers and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.sees_all_centers and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.sees_all_centers and super().has_delete_permission(request, obj)


class FederationOwnedAdmin(FederationOwned, admin.ModelAdmin):
    pass


class OfficeInline(FederationOwned, admin.TabularInline):
    model = RepresentativeOffice
    extra = 0
    fields = ("code", *NAME_FIELDS)


@admin.register(TerritorialCenter)
class TerritorialCenterAdmin(FederationOwnedAdmin):
    list_display = ("iso_code", "code", "name_en", "name_ru", "name_kk", "kind")
    list_filter = ("kind",)
    search_fields = ("iso_code", "code", *NAME_FIELDS)
    inlines = [OfficeInline]


@admin.register(RepresentativeOffice)
class RepresentativeOfficeAdmin(CenterScopedAdmin):
    list_display = ("code", "name_en", "center")
    list_filter = ("center",)
    search_fields = ("code", *NAME_FIELDS)
    list_select_related = ("center",)


@admin.register(BranchUnion)
class BranchUnionAdmin(FederationOwnedAdmin):
    list_display = ("code", *NAME_FIELDS)
    search_fields = ("code", *NAME_FIELDS)


@admin.register(RegionalBranch)
class RegionalBranchAdmin(CenterScopedAdmin):
    list_display = ("branch_union", "center")
    list_filter = ("center", "branch_union")
    list_select_related = ("branch_union", "center")


@admin.register(Employer)
class EmployerAdmin(CenterScopedAdmin):
    list_display = ("name", "bin", "size", "center")
    list_filter = ("size", "center")
    search_fields = ("name", "=bin")
    list_select_related = ("center",)


@admin.register(PrimaryOrganization)
class PrimaryOrganizationAdmin(CenterScopedAdmin):
    list_display = ("name", "center", "branch_union", "employer", "member_count", "has_collective_agreement")
    list_filter = ("center", "branch_union", "has_collective_agreement")
    search_fields = ("name", "employer__name", "=employer__bin")
    list_select_related = ("center", "branch_union", "employer")
    autocomplete_fields = ("employer",)


@admin.register(User)
class UserAdmin(VisibleChoicesAdmin, DjangoUserAdmin):
    """A center's administrator manages the accounts of their own center with roles up to their own
    (organizations.roles.ensure_can_manage_staff, checked on every save, whatever the POST holds);
    federation-wide accounts, superusers and moves between centers are a federation administrator's."""

    list_display = ("username", "first_name", "last_name", "role", "center", "office", "is_active")
    list_filter = ("role", "center", "is_active")
    list_select_related = ("center", "office")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Place in the federation"), {"fields": ("role", "center", "office")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Place in the federation"), {"fields": ("role", "center", "office")}),
    )

    def get_queryset(self, request):
        staff = super().get_queryset(request).visible_to(request.user)
        # A superuser's account is a federation administrator's to manage, whatever its center.
        return staff if request.user.is_superuser else staff.filter(is_superuser=False)

    def get_readonly_fields(self, request, obj=None):
        # Permissions follow the role; only a superuser may grant anything beyond it.
        if request.user.is_superuser:
            return ()
        return ("is_superuser", "groups", "user_permissions", "last_login", "date_joined")

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            allowed = roles_up_to(request.user.role)
            kwargs["choices"] = [("", "---------")] + [(role.value, role.label) for role in allowed]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)

        class StaffForm(base):
            def _post_clean(self):
                stored = User.objects.filter(pk=self.instance.pk).first() if self.instance.pk else None
                super()._post_clean()
                if self.errors:
                    return
                account = self.instance
                try:
                    ensure_can_manage_staff(
                        request.user,
                        staff=stored,
                        role=account.role,
                        center=account.center,
                        office=account.office,
                        is_superuser=account.is_superuser,
                    )
                except (ValidationError, PermissionDenied) as error:
                    add_refusal(self, error)

        return StaffForm

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        staff_sync_groups(user=form.instance)


# Organization statistics: the returns are entered, submitted, approved and returned through
# organizations.services, so the admin obeys the same rules and writes the same audit trail.


class StatisticalReturnSubmitForm(ActionForm):
    def apply(self, *, target, by):
        return services.statistical_return_submit(statistical_return=target, by=by)


class StatisticalReturnApproveForm(ActionForm):
    def apply(self, *, target, by):
        return services.statistical_return_approve(statistical_return=target, by=by)


class StatisticalReturnToDraftForm(ActionForm):
    reason = forms.CharField(
        label=_("What should the center correct?"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def apply(self, *, target, by, reason):
        return services.statistical_return_return_to_draft(statistical_return=target, by=by, reason=reason)


def _may(check, *args, **kwargs) -> bool:
    try:
        check(*args, **kwargs)
    except PermissionDenied:
        return False
    return True


@admin.register(StatisticalReturn)
class StatisticalReturnAdmin(AuditTrailAdmin, CenterScopedAdmin):
    """Drafts are edited through statistical_return_save; submitted and approved returns are read-only."""

    list_display = (
        "__str__",
        "year",
        "state",
        "members",
        "member_share",
        "collective_agreements",
        "agreement_coverage",
        "submitted_at",
        "approved_at",
    )
    list_filter = ("year", "state", "center", "branch_union")
    list_select_related = ("center", "branch_union")
    change_form_template = "organizations/admin/statisticalreturn_change_form.html"
    actions = ["submit_selected", "approve_selected"]
    derived_fields = ("member_share", "total_enterprises", "agreement_coverage", "covered_member_share")
    workflow_fields = (
        "state",
        "submitted_at",
        "submitted_by",
        "approved_at",
        "approved_by",
        "returned_at",
        "returned_by",
        "return_reason",
    )
    object_actions = {
        "submit": (_("Submit to the federation"), StatisticalReturnSubmitForm),
        "approve": (_("Approve"), StatisticalReturnApproveForm),
        "return": (_("Return to draft"), StatisticalReturnToDraftForm),
    }

    def get_fieldsets(self, request, obj=None):
        scope = ("center", "branch_union", "year") if request.user.sees_all_centers else ("year",)
        return (
            (None, {"fields": scope}),
            (_("Membership"), {"fields": RETURN_FIGURES[:5]}),
            (_("Enterprises"), {"fields": RETURN_FIGURES[5:8]}),
            (_("Collective agreements"), {"fields": RETURN_FIGURES[8:12]}),
            (_("Labor protection"), {"fields": RETURN_FIGURES[12:]}),
            (_("Derived"), {"fields": self.derived_fields}),
            (_("Check and approval"), {"fields": self.workflow_fields}),
        )

    def get_readonly_fields(self, request, obj=None):
        fixed = (*self.derived_fields, *self.workflow_fields)
        return ("center", "branch_union", "year", *fixed) if obj else fixed

    # xgettext:no-python-format
    @admin.display(description=_("union members, % of the employed"))
    def member_share(self, obj):
        return obj.member_share

    @admin.display(description=_("enterprises"))
    def total_enterprises(self, obj):
        return obj.total_enterprises

    # xgettext:no-python-format
    @admin.display(description=_("coverage, % of enterprises"))
    def agreement_coverage(self, obj):
        return obj.agreement_coverage

    @admin.display(description=_("union members among the covered, %"))
    def covered_member_share(self, obj):
        return obj.covered_member_share

    def has_change_permission(self, request, obj=None) -> bool:
        # Submitted returns wait for the federation and approved ones are locked: nobody edits them here.
        if obj is not None and obj.state != StatisticalReturn.State.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a return is corrected or returned to draft, never deleted: the audit trail stays whole

    def has_approve_permission(self, request) -> bool:
        return _may(statistics_rules.ensure_can_review, request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)

        class ServiceForm(base):
            def _post_clean(self):
                # The service validates and saves; its refusals land on the fields.
                if self.errors:
                    return
                data = self.cleaned_data
                scope = obj or StatisticalReturn(
                    center=data.get("center"), branch_union=data.get("branch_union"), year=data.get("year")
                )
                try:
                    self.instance = services.statistical_return_save(
                        by=request.user,
                        year=scope.year,
                        center=scope.center,
                        branch_union=scope.branch_union,
                        **{figure: data[figure] for figure in RETURN_FIGURES if figure in data},
                    )
                except (ValidationError, PermissionDenied) as error:
                    add_refusal(self, error)

        return ServiceForm

    def save_model(self, request, obj, form, change):
        """Already saved by the service while the form was validated."""

    def save_related(self, request, form, formsets, change):
        """A return has no related rows to save."""

    def _available_actions(self, request, obj: StatisticalReturn) -> list[str]:
        user, state = request.user, obj.state
        available = []
        if state == StatisticalReturn.State.DRAFT and _may(
            statistics_rules.ensure_can_enter, user, center_id=obj.center_id
        ):
            available.append("submit")
        if state == StatisticalReturn.State.SUBMITTED and _may(statistics_rules.ensure_can_review, user):
            available += ["approve", "return"]
        return available

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["object_actions"] = (
            [(slug, self.object_actions[slug][0]) for slug in self._available_actions(request, obj)]
            if obj
            else []
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/action/<slug:action>/",
                self.admin_site.admin_view(self.action_view),
                name="organizations_statisticalreturn_action",
            ),
            *super().get_urls(),
        ]

    def action_view(self, request, object_id, action):
        obj = self.get_object(request, object_id)
        if obj is None or action not in self.object_actions:
            raise Http404
        title, form_class = self.object_actions[action]
        # Bound on POST even when empty: submitting and approving have no fields.
        form = form_class(request.POST if request.method == "POST" else None, target=obj)
        if request.method == "POST" and form.perform(by=request.user) is not None:
            self.message_user(request, _("Done: %s.") % title, messages.SUCCESS)
            return HttpResponseRedirect(
                reverse("admin:organizations_statisticalreturn_change", args=[obj.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"{title}: {obj}",
            "form": form,
            "object": obj,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/clinic/action_form.html", context)

    def _run_on_selected(self, request, queryset, service) -> int:
        """Run the service on each selected return; report each refusal; return how many succeeded."""
        done = 0
        for statistical_return in queryset.select_related("center", "branch_union"):
            try:
                service(statistical_return=statistical_return, by=request.user)
            except PermissionDenied as error:
                self.message_user(request, f"{statistical_return}: {error}", messages.ERROR)
            except ValidationError as error:
                self.message_user(
                    request, f"{statistical_return}: {' '.join(error.messages)}", messages.ERROR
                )
            else:
                done += 1
        return done

    @admin.action(description=_("Submit the selected returns to the federation"), permissions=["change"])
    def submit_selected(self, request, queryset) -> None:
        done = self._run_on_selected(request, queryset, services.statistical_return_submit)
        if done:
            message = ngettext("%d return submitted.", "%d returns submitted.", done) % done
            self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Approve the selected returns"), permissions=["approve"])
    def approve_selected(self, request, queryset) -> None:
        done = self._run_on_selected(request, queryset, services.statistical_return_approve)
        if done:
            message = ngettext("%d return approved.", "%d returns approved.", done) % done
            self.message_user(request, message, messages.SUCCESS)


class StatisticalReportRequestForm(forms.ModelForm):
    class Meta:
        model = StatisticalReport
        fields = ["year"]


STATISTICS_EXPORTS = {
    "csv": statistical_report_csv,
    "xlsx": statistical_report_xlsx,
    "html": statistical_report_html,
}


@admin.register(StatisticalReport)
class StatisticalReportAdmin(SnapshotAdminMixin, admin.ModelAdmin):
    """Requested (add: just the year) and rebuilt through the services; the snapshot itself is read-only."""

    list_display = ("__str__", "year", "state", "built_at", "data_as_of", "attempts", "requested_by")
    list_filter = ("state",)
    list_select_related = ("requested_by",)
    exports = STATISTICS_EXPORTS
    fields = (
        "year",
        "state",
        "error",
        "downloads",
        "requested_by",
        "requested_at",
        "data_as_of",
        "built_at",
        "task_id",
        "attempts",
        "figures_json",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request) -> bool:
        # "Adding" is requesting a build: what the rules allow federation staff who read the reports,
        # analysts included (their group holds view permissions only).
        return self.has_view_permission(request) and _may(
            statistics_rules.ensure_can_request_statistics_report, request.user
        )

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else ()

    def get_fields(self, request, obj=None):
        return self.fields if obj else ("year",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)

        class RequestForm(StatisticalReportRequestForm):
            def _post_clean(self):
                # The service creates the row (or finds it) and queues the build after commit.
                if self.errors:
                    return
                try:
                    self.instance = services.statistical_report_request(
                        year=self.cleaned_data["year"], by=request.user
                    )
                except (ValidationError, PermissionDenied) as error:
                    add_refusal(self, error)

        return RequestForm

    def save_model(self, request, obj, form, change):
        """Already requested by the service while the form was validated."""

    def rebuild_one(self, report: StatisticalReport, by) -> None:
        services.statistical_report_request(year=report.year, by=by)
