"""The audit trail of one record in the admin, for every app's model admins.

django-auditlog's history view is offered only where it can work: for models registered with auditlog
(a reference list is not, so its change page has no link to a page that does not exist), and only to
those who may read audit entries (the role's `auditlog.view_logentry`) and see the record itself.
Anyone else gets no link, and a 403 for the address typed by hand; a record that does not exist or is
not theirs is a 404, as on its change page."""

from urllib.parse import unquote

from auditlog.mixins import AuditlogHistoryAdminMixin
from auditlog.registry import auditlog
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path, reverse

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
