from django.contrib.admin.apps import AdminConfig


class PlanSupervisorAdminConfig(AdminConfig):
    """django.contrib.admin with our site: administrators only, every edit audited."""

    default_site = "config.admin_site.PlanSupervisorAdminSite"
