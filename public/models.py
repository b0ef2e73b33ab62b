"""政务公开: whether a plan's progress is published for citizens (one row per plan, once switched on)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tasks.models import Plan


class PublicationState(models.TextChoices):
    """The states the audit trail records for a publication (``public.services.publication_set``)."""

    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Not published")


class PlanPublication(models.Model):
    """The per-plan switch of the public progress page. Kept here, beside the plan, so that the
    plan's own model knows nothing of publishing."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="publication", verbose_name=_("plan"))
    is_published = models.BooleanField(_("published"), default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("changed by")
    )
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("plan publication")
        verbose_name_plural = _("plan publications")

    def __str__(self) -> str:
        return f"{self.plan} · {'+' if self.is_published else '-'}"
