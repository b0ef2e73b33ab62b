from django.contrib import admin

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "content_type", "object_id", "action", "from_state", "to_state"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_id", "comment", "actor__username"]
    date_hierarchy = "at"
    list_select_related = ["actor", "content_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
