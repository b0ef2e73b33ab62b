from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User

# Fields only a superuser may change: the rest of the admin grants rights through roles (groups).
SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("display_name", "email", "phone")}),
        (_("Roles"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    list_display = ["username", "display_name", "email", "is_active", "is_staff"]
    search_fields = ["username", "display_name", "email"]
    list_filter = ["groups", "is_active", "is_staff"]

    def get_readonly_fields(self, request, obj=None):
        readonly = ["last_login", "date_joined", *super().get_readonly_fields(request, obj)]
        if not request.user.is_superuser:
            readonly += SUPERUSER_ONLY_FIELDS
        return readonly

    def _touches_a_superuser(self, request, obj) -> bool:
        """An administrator who is not a superuser may not edit (or reset the password of) one."""
        return obj is not None and obj.is_superuser and not request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._touches_a_superuser(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._touches_a_superuser(request, obj)
