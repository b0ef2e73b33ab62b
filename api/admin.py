from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from api.models import ApiCall, ApiToken
from api.tokens import token_create, token_revoke
from config.admin_site import is_site_administrator
from tasks.access import scoped_regions, visible_departments, visible_users


class AdministratorsOnly:
    """The admin site already lets only administrators in; among them, each manages the tokens
    and calls of the accounts of their own region (``tasks.access.visible_users``)."""

    def has_module_permission(self, request):
        return is_site_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_site_administrator(request.user)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(user__in=visible_users(request.user))


@admin.register(ApiToken)
class ApiTokenAdmin(AdministratorsOnly, admin.ModelAdmin):
    """Administrators create tokens here (the raw token is shown once, in the message), and revoke them."""

    list_display = ["name", "prefix", "user", "kind", "region", "department", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["kind", "revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    autocomplete_fields = []
    list_select_related = ["user", "region", "department"]
    fields = ["user", "kind", "name", "region", "department", "expires_at", "prefix", "created_by", "created_at", "last_used_at", "revoked_at", "revoked_by"]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at", "revoked_at", "revoked_by"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return is_site_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_site_administrator(request.user)  # the revoke action; a saved token's fields are read-only

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        choices = {"user": visible_users, "region": scoped_regions, "department": visible_departments}
        if db_field.name in choices:
            kwargs["queryset"] = choices[db_field.name](request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:  # a token's scope and lifetime never change: revoke it and make another
            return [*self.readonly_fields, "user", "kind", "name", "region", "department", "expires_at"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, raw = token_create(
            user=obj.user, name=obj.name, kind=obj.kind, region=obj.region, department=obj.department,
            lifetime=obj.expires_at - obj.created_at, created_by=request.user,
        )
        obj.pk = token.pk
        obj.__dict__.update(token.__dict__)
        self.message_user(
            request, _("The token, shown this once — copy it now: %(token)s") % {"token": raw}, messages.WARNING
        )

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            token_revoke(token=token, user=request.user)
        self.message_user(request, _("Revoked."))


@admin.register(ApiCall)
class ApiCallAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ["at", "method", "path", "status", "user", "token", "duration_ms"]
    list_filter = ["method", "status"]
    search_fields = ["path", "user__username", "token__prefix"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
