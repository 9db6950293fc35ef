from __future__ import annotations

from django.contrib import admin

from pariter.registry.models import (
    DepositedDocument,
    Entity,
    EntitySection,
    EntityVersion,
    GeneralInterestActivity,
    OfficeHolder,
    SecondaryOffice,
    Section,
)


class EntitySectionInline(admin.TabularInline):
    model = EntitySection
    extra = 0


class OfficeHolderInline(admin.TabularInline):
    model = OfficeHolder
    extra = 0
    exclude = ["tax_code"]


class SecondaryOfficeInline(admin.TabularInline):
    model = SecondaryOffice
    extra = 0
    raw_id_fields = ["municipality"]


class DocumentInline(admin.TabularInline):
    model = DepositedDocument
    extra = 0


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ["repertory_number", "name", "tax_code", "municipality", "status", "is_synthetic"]
    list_filter = ["status", "registration_route", "five_per_thousand", "is_synthetic"]
    # Exact look-ups only: a substring search over 150,000 names would scan the table.
    search_fields = ["=tax_code", "=repertory_number"]
    raw_id_fields = ["organisation", "municipality", "networks"]
    readonly_fields = ["repertory_number", "sort_name"]
    show_full_result_count = False
    list_select_related = ["municipality"]
    inlines = [EntitySectionInline, OfficeHolderInline, SecondaryOfficeInline, DocumentInline]


@admin.register(EntityVersion)
class EntityVersionAdmin(admin.ModelAdmin):
    list_display = ["entity", "valid_from", "valid_to", "reason"]
    raw_id_fields = ["entity"]
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


admin.site.register(Section)
admin.site.register(GeneralInterestActivity)
