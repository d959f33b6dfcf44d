from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.contrib.admin.options import BaseModelAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.forms import add_refusal

from .models import (
    BranchUnion,
    Employer,
    PrimaryOrganization,
    RegionalBranch,
    RepresentativeOffice,
    TerritorialCenter,
    User,
)
from .roles import ensure_can_manage_staff, roles_up_to
from .services import staff_sync_groups
from .two_factor import two_factor_reset

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


if TYPE_CHECKING:
    _OwnedAdmin = BaseModelAdmin  # FederationOwned is mixed into model admins and inlines
else:
    _OwnedAdmin = object


class FederationOwned(_OwnedAdmin):
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
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]  # Django's UserAdmin sets its fieldsets
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

    actions = ["reset_second_factor"]

    @admin.action(description=_("Reset the second factor (a lost phone)"), permissions=["change"])
    def reset_second_factor(self, request, queryset):
        """The staff member enrols again at their next sign-in; their sessions and API token end. Only the
        accounts this administrator may manage (get_queryset above) can be chosen."""
        done = 0
        for staff in queryset:
            try:
                two_factor_reset(by=request.user, staff=staff)
            except PermissionDenied as error:
                self.message_user(request, f"{staff}: {error}", level=messages.ERROR)
                continue
            done += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "The second factor of %(count)d staff member was reset: "
                    "they set it up again at their next sign-in.",
                    "The second factor of %(count)d staff members was reset: "
                    "they set it up again at their next sign-in.",
                    done,
                )
                % {"count": done},
                level=messages.SUCCESS,
            )
