from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from evidence.models import Evidence, EvidenceDownload


class ReadOnlyAdmin(admin.ModelAdmin):
    """Evidence is written by its services only; the admin shows it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = [
        "original_name",
        "content_type",
        "object_id",
        "media_type",
        "size",
        "uploaded_by",
        "uploaded_at",
        "review_status",
        "removed_at",
    ]
    list_filter = ["review_status", "media_type", "content_type", ("removed_at", admin.EmptyFieldListFilter)]
    search_fields = [
        "original_name",
        "sha256",
        "=public_id",
        "uploaded_by__username",
        "uploaded_by__display_name",
    ]
    date_hierarchy = "uploaded_at"
    list_select_related = ["uploaded_by", "content_type"]
    # The stored path is not shown as a link: MEDIA_URL is never served; files go out through evidence:download.
    exclude = ["file"]
    readonly_fields = ["stored_name"]

    @admin.display(description=_("stored as"))
    def stored_name(self, obj: Evidence) -> str:
        return obj.file.name


@admin.register(EvidenceDownload)
class EvidenceDownloadAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "evidence"]
    search_fields = [
        "evidence__original_name",
        "=evidence__public_id",
        "user__username",
        "user__display_name",
    ]
    date_hierarchy = "at"
    list_select_related = ["user", "evidence"]
