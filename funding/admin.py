from django.contrib import admin

from funding.models import FundingLine, LedgerEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    """Funding is written through ``funding.services`` only (audited, locked, checked)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FundingLine)
class FundingLineAdmin(ReadOnlyAdmin):
    list_display = ["code", "purpose", "fiscal_year", "source", "department", "plan"]
    list_filter = ["fiscal_year", "source"]
    search_fields = ["code", "purpose", "budget_subject"]
    list_select_related = ["department", "plan"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["line", "kind", "amount", "date", "document_number", "reverses", "recorded_by", "recorded_at"]
    list_filter = ["kind"]
    search_fields = ["document_number", "note", "line__code"]
    date_hierarchy = "date"
    list_select_related = ["line", "recorded_by", "reverses"]
