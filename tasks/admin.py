from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.admin import UserAdmin
from accounts.models import User
from audit.admin import AuditEntryAdmin
from audit.models import AuditEntry
from tasks import access, services
from tasks.models import (
    AnnualTarget,
    Department,
    DepartmentAlias,
    KeyTask,
    Membership,
    Milestone,
    Plan,
    PlanSection,
    Region,
    TaskDepartment,
)


class InRegionScope:
    """The admin's lists and pages hold only rows of the administrator's region and below
    (``region_field`` is the path to the row's Region); another prefecture's rows answer 404."""

    region_field = "region"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(access.region_scope_q(request.user, self.region_field))


@admin.register(Region)
class RegionAdmin(InRegionScope, admin.ModelAdmin):
    region_field = ""
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


class DepartmentAliasInline(admin.TabularInline):
    model = DepartmentAlias
    extra = 1


@admin.register(Department)
class DepartmentAdmin(InRegionScope, admin.ModelAdmin):
    region_field = "region"
    list_display = ["name", "short_name", "code", "region", "is_supervising", "is_active", "position"]
    list_filter = ["region", "is_active", "is_supervising"]
    search_fields = ["name", "short_name", "code", "aliases__alias"]
    list_select_related = ["region"]
    inlines = [DepartmentAliasInline]


@admin.register(Membership)
class MembershipAdmin(InRegionScope, admin.ModelAdmin):
    region_field = "department__region"
    list_display = ["user", "department", "role", "is_active"]
    list_filter = ["role", "is_active", "department"]
    search_fields = ["user__username", "user__display_name", "department__name"]
    autocomplete_fields = ["user", "department"]
    list_select_related = ["user", "department"]


class PlanSectionInline(admin.TabularInline):
    model = PlanSection
    extra = 0
    fields = ["code", "title", "parent", "position"]


@admin.register(Plan)
class PlanAdmin(InRegionScope, admin.ModelAdmin):
    region_field = "region"
    list_display = ["title", "region", "start_year", "end_year", "status"]
    list_filter = ["status", "region"]
    search_fields = ["title"]
    readonly_fields = ["status", "created_at", "updated_at"]
    inlines = [PlanSectionInline]
    actions = ["activate", "close"]

    def _set_status(self, request, queryset, status):
        for plan in queryset:
            try:
                services.plan_set_status(plan=plan, status=status, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{plan}: {exc.messages[0]}", messages.ERROR)

    @admin.action(description=_("Put the selected plans in force"), permissions=["change"])
    def activate(self, request, queryset):
        self._set_status(request, queryset, Plan.Status.ACTIVE)

    @admin.action(description=_("Close the selected plans"), permissions=["change"])
    def close(self, request, queryset):
        self._set_status(request, queryset, Plan.Status.CLOSED)


class TaskDepartmentInline(admin.TabularInline):
    model = TaskDepartment
    extra = 0
    autocomplete_fields = ["department"]


class AnnualTargetInline(admin.TabularInline):
    model = AnnualTarget
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["title", "due_date", "evidence_required", "status", "completed_on"]
    readonly_fields = ["status", "completed_on"]


@admin.register(KeyTask)
class KeyTaskAdmin(InRegionScope, admin.ModelAdmin):
    region_field = "plan__region"
    list_display = ["code", "title", "plan", "section", "due_date", "status", "progress"]
    list_filter = ["plan", "status", "cadence", "deadline_undated"]
    search_fields = ["code", "title", "content"]
    list_select_related = ["plan", "section"]
    readonly_fields = ["status", "progress", "light"]  # the light is written by tasks.lights only
    inlines = [TaskDepartmentInline, AnnualTargetInline, MilestoneInline]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["department"]


# A user's departments and roles are edited on the user's page.
admin.site.unregister(User)


@admin.register(User)
class UserWithMembershipsAdmin(UserAdmin):
    inlines = [MembershipInline]

    def get_queryset(self, request):
        """An administrator manages the accounts of their region and below (``tasks.access.visible_users``).
        accounts knows nothing of regions (it sits below tasks): the scope is added here."""
        return super().get_queryset(request).filter(pk__in=access.visible_users(request.user).values("pk"))


# --- region scope of the audit trail's admin page: audit knows nothing of regions (it sits
# below tasks), so its admin page is registered again here with the administrator's scope.


class RegionScopedAuditEntryAdmin(AuditEntryAdmin):
    def get_queryset(self, request):
        """An administrator reads what the people of their regions did (``tasks.access.region_users``):
        never another prefecture's trail. Entries of the system (no actor) and of staff above them are
        left to the province's administrators and superusers."""
        entries = super().get_queryset(request)
        if request.user.is_superuser:
            return entries
        return entries.filter(actor__in=access.region_users(request.user).values("pk"))


admin.site.unregister(AuditEntry)
admin.site.register(AuditEntry, RegionScopedAuditEntryAdmin)
