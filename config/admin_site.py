"""The Django admin of 规划督导平台: for administrators only, and every edit in it audited.

``is_staff`` alone does not open the admin (anyone with the user admin could tick it): the user
must be a superuser, or staff *and* in the administrator role (accounts.roles). Every ModelAdmin
registered here gets :class:`audit.admin_mixins.AuditedAdminMixin`.
"""

from django.contrib import admin

from accounts.roles import ADMINISTRATOR
from accounts.services import user_roles
from audit.admin_mixins import AuditedAdminMixin


def is_site_administrator(user) -> bool:
    if not (user.is_active and user.is_authenticated):
        return False
    return user.is_superuser or (user.is_staff and ADMINISTRATOR in user_roles(user))


class PlanSupervisorAdminSite(admin.AdminSite):
    def has_permission(self, request):
        return is_site_administrator(request.user)

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedAdminMixin):
            admin_class = type(admin_class.__name__, (AuditedAdminMixin, admin_class), {"__module__": admin_class.__module__})
        super().register(model_or_iterable, admin_class, **options)
