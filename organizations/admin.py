from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import (
    BranchUnion,
    Employer,
    PrimaryOrganization,
    RegionalBranch,
    RepresentativeOffice,
    TerritorialCenter,
    User,
)
from .services import staff_sync_groups

NAME_FIELDS = ("name_en", "name_ru", "name_kk")


class CenterScopedAdmin(admin.ModelAdmin):
    """Shows center staff only their own center's rows, through the model's visible_to."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if hasattr(related.objects, "visible_to"):
            kwargs["queryset"] = related.objects.visible_to(request.user)
        elif related is TerritorialCenter and not request.user.sees_all_centers:
            kwargs["queryset"] = TerritorialCenter.objects.filter(pk=request.user.center_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OfficeInline(admin.TabularInline):
    model = RepresentativeOffice
    extra = 0
    fields = ("code", *NAME_FIELDS)


@admin.register(TerritorialCenter)
class TerritorialCenterAdmin(admin.ModelAdmin):
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
class BranchUnionAdmin(admin.ModelAdmin):
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
class UserAdmin(DjangoUserAdmin):
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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        staff_sync_groups(user=form.instance)
