"""Process classes of the flows. Domain data stays in tasks' models; ``Process.artifact`` points at it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process


class Acceptance(models.TextChoices):
    """The higher level's step after a lower level approved (two-level approval, as DHIS2's accept)."""

    NOT_NEEDED = "", _("Not needed")
    PENDING = "pending", _("Awaiting acceptance")
    ACCEPTED = "accepted", _("Accepted")


class AcceptedByHigherLevel(models.Model):
    """Fields of a subject whose approval a higher level accepts or sends back (abstract)."""

    acceptance = models.CharField(
        _("acceptance by the higher level"), max_length=10, choices=Acceptance.choices, default="", blank=True
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    class Meta:
        abstract = True


class ArtifactProcess(Process):
    class Meta:
        proxy = True

    @property
    def subject(self):
        """The report, contribution or milestone claim this process is about."""
        return self.artifact


class ProgressReportProcess(ArtifactProcess):
    class Meta:
        proxy = True


class ContributionProcess(ArtifactProcess):
    class Meta:
        proxy = True


class MilestoneClaimProcess(ArtifactProcess):
    class Meta:
        proxy = True


class NoticeProcess(ArtifactProcess):
    """督办单: the artifact is a ``supervision.SupervisionNotice``."""

    class Meta:
        proxy = True


class IndicatorValueProcess(ArtifactProcess):
    """指标值: the artifact is an ``indicators.IndicatorValue``."""

    class Meta:
        proxy = True


class EvaluationProcess(ArtifactProcess):
    """评估: the artifact is an ``evaluation.Evaluation``."""

    class Meta:
        proxy = True


class SelfAssessmentProcess(ArtifactProcess):
    """自评: the artifact is an ``evaluation.SelfAssessment``; its parent is the evaluation's."""

    class Meta:
        proxy = True


class ScoringProcess(ArtifactProcess):
    """专家评分: the artifact is an ``evaluation.EvaluatorAssignment``."""

    class Meta:
        proxy = True


class ExtensionRequestProcess(ArtifactProcess):
    """延期申请: the artifact is a ``supervision.ExtensionRequest``."""

    class Meta:
        proxy = True
