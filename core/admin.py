"""What every app's model admins share: the audit trail of one record, the actions offered on it, and
saving through the services.

django-auditlog's history view is offered only where it can work: for models registered with auditlog
(a reference list is not, so its change page has no link to a page that does not exist), and only to
those who may read audit entries (the role's `auditlog.view_logentry`) and see the record itself.
Anyone else gets no link, and a 403 for the address typed by hand; a record that does not exist or is
not theirs is a 404, as on its change page."""

from collections.abc import Mapping
from urllib.parse import unquote

from auditlog.mixins import AuditlogHistoryAdminMixin
from auditlog.registry import auditlog
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from .actions import RecordAction, may_take
from .forms import add_refusal

AUDIT_PERMISSION = "auditlog.view_logentry"


class AuditTrailAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    """A model admin whose records each have their audit trail one click away, where it exists and the
    user may read it. The change form template shows `audit_trail_url` when it is set."""

    show_auditlog_history_link = True

    @classmethod
    def has_audit_trail(cls, model) -> bool:
        return auditlog.contains(model)

    def may_see_audit_trail(self, request, obj=None) -> bool:
        return (
            self.has_audit_trail(self.model)
            and request.user.has_perm(AUDIT_PERMISSION)
            and self.has_view_permission(request, obj)
        )

    def audit_trail_url(self, request, obj) -> str | None:
        if obj is None or obj.pk is None or not self.may_see_audit_trail(request, obj):
            return None
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_auditlog", args=[obj.pk])

    def get_urls(self):
        # django-auditlog's own adds the address for every model: the next admin's, then ours.
        if not self.has_audit_trail(self.model):
            return super(AuditlogHistoryAdminMixin, self).get_urls()  # no audit trail: no address for one
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/auditlog/",
                self.admin_site.admin_view(self.auditlog_history_view),
                name=f"{opts.app_label}_{opts.model_name}_auditlog",
            ),
            *super(AuditlogHistoryAdminMixin, self).get_urls(),
        ]

    def get_list_display(self, request):
        # django-auditlog's own adds the column for everyone: the next admin's list, then ours.
        list_display = list(super(AuditlogHistoryAdminMixin, self).get_list_display(request))
        if self.show_auditlog_history_link and self.may_see_audit_trail(request):
            list_display.append("auditlog_link")
        return list_display

    def auditlog_history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.may_see_audit_trail(request, obj):
            raise PermissionDenied
        return super().auditlog_history_view(request, object_id, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["audit_trail_url"] = self.audit_trail_url(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)


class RecordActionsAdmin(admin.ModelAdmin):
    """Offers on a record's change page the actions of its kind's catalogue (core.actions) that the user
    may take on it now, each on a page of its own; the same catalogue as the record's web page."""

    record_actions: Mapping[str, RecordAction] = {}
    change_form_template = "admin/core/change_form.html"

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/action/<slug:action>/",
                self.admin_site.admin_view(self.action_view),
                name=f"{opts.app_label}_{opts.model_name}_action",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["object_actions"] = [
            (slug, action.title)
            for slug, action in self.record_actions.items()
            if obj is not None and may_take(action, request.user, obj)
        ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _change_url(self, obj) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])

    def action_view(self, request, object_id, action):
        obj = self.get_object(request, unquote(object_id))
        spec = self.record_actions.get(action)
        if obj is None or spec is None:
            raise Http404
        spec.rule(request.user, obj)  # PermissionDenied (403), as on the record's page
        if not spec.available(obj):
            self.message_user(
                request, _("This is not possible for the record as it is now."), messages.WARNING
            )
            return HttpResponseRedirect(self._change_url(obj))
        # Bound on POST even when empty: submitting or approving has no fields.
        data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
        form = spec.form_class(data, files, target=obj, initial=spec.initial(obj))
        if request.method == "POST" and form.perform(by=request.user) is not None:
            self.message_user(request, spec.done or _("Done: %s.") % spec.title, messages.SUCCESS)
            opts = self.model._meta
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"{spec.title}: {obj}",
            "button": spec.title,
            "form": form,
            "object": obj,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/core/action_form.html", context)


class ServiceBackedAdmin(RecordActionsAdmin):
    """Saves through `perform` (a service call, which applies the same rules and writes the same audit
    trail as every other way in) while the form is validated, so a refusal lands on its field; offers
    the record's actions."""

    def perform(self, request, obj, data: dict):
        """Create (obj is None) or change the record through its service; return it."""
        raise PermissionDenied(_("Records of this kind are changed through their actions."))

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ServiceForm(base):  # a class built at run time
            def _post_clean(self):
                if self.errors:
                    return
                try:
                    self.instance = model_admin.perform(request, obj, self.cleaned_data)
                except (ValidationError, PermissionDenied) as error:
                    add_refusal(self, error)

        return ServiceForm

    def save_model(self, request, obj, form, change):
        """Already saved by `perform` during validation."""

    def save_related(self, request, form, formsets, change):
        """Related rows are written by the services."""

    def has_delete_permission(self, request, obj=None):
        return False  # closed or corrected, never deleted: the audit trail must stay whole
