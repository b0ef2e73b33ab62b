from django.contrib import admin

from indicators.models import AnnualIndicatorTarget, Indicator, IndicatorValue


class AnnualIndicatorTargetInline(admin.TabularInline):
    model = AnnualIndicatorTarget
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "plan", "unit_kind", "comparison", "target_value", "nature", "department"]
    list_filter = ["plan", "nature", "unit_kind", "aggregation"]
    search_fields = ["name", "code"]
    inlines = [AnnualIndicatorTargetInline]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    """Read only: values change through the reporting pages (services), never here."""

    list_display = ["indicator", "period_code", "region", "value", "status", "is_late"]
    list_filter = ["status", "year"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
