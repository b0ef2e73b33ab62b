"""Who may switch a plan's public page on and off: administrators overseeing the plan's region."""

from __future__ import annotations

from accounts.models import User
from tasks import access
from tasks.models import Plan


def can_publish(user: User, plan: Plan) -> bool:
    """An administrator (may change plans) whose region holds the plan's region, or a superuser."""
    return user.is_active and user.has_perm("tasks.change_plan") and access.oversees_region(user, plan.region)
