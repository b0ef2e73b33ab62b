"""Demo data: the demo plan's progress is published (政务公开), as a city would do."""

from public.services import publication_set
from tasks.models import Plan


def seed(plan: Plan) -> None:
    """Publish ``plan``'s public page (idempotent: nothing is recorded when it already is)."""
    publication_set(plan=plan, user=None, published=True)
