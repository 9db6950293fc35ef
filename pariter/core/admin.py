from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from pariter.core.models import AuditEntry, Membership, Municipality, Organisation, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    list_filter = ["is_active", "is_staff"]
    exclude = ["password", "groups", "user_permissions"]
    readonly_fields = ["last_login", "date_joined", "is_staff", "is_superuser"]
    inlines = [MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "tax_code", "municipality"]
    list_filter = ["kind", "source"]
    search_fields = ["name", "tax_code"]
    raw_id_fields = ["municipality"]
    show_full_result_count = False


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "istat_code", "cadastral_code", "province_code", "valid_from", "valid_to"]
    list_filter = ["is_metropolitan", "province_code"]
    search_fields = ["name", "istat_code", "cadastral_code"]
    show_full_result_count = False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "actor_label", "object_repr", "ip_address"]
    search_fields = ["action", "actor_label", "object_repr"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
