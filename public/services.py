"""Publishing a plan's progress page (政务公开): one switch per plan, changed with an audit entry."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.models import User
from audit.services import audit_record
from public.access import can_publish
from public.models import PlanPublication, PublicationState
from tasks.models import Plan


@transaction.atomic
def publication_set(*, plan: Plan, user: User | None, published: bool) -> PlanPublication:
    """Publish (or withdraw) ``plan``'s public page. ``user`` None: a system action (the demo)."""
    if user is not None and not can_publish(user, plan):
        raise PermissionDenied
    publication, _created = PlanPublication.objects.select_for_update().get_or_create(plan=plan)
    if publication.is_published == published and not _created:
        return publication
    previous = publication.is_published
    publication.is_published, publication.changed_by = published, user
    publication.save()  # the save replaces the public cache's version once committed (public.invalidation)
    audit_record(
        subject=plan,
        actor=user,
        action="publish" if published else "unpublish",
        from_state=PublicationState.PUBLISHED if previous else PublicationState.UNPUBLISHED,
        to_state=PublicationState.PUBLISHED if published else PublicationState.UNPUBLISHED,
    )
    return publication


def is_published(plan: Plan) -> bool:
    return PlanPublication.objects.filter(plan=plan, is_published=True).exists()
