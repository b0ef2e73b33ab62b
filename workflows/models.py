"""Process classes of the flows. Domain data stays in tasks' models; ``Process.artifact`` points at it."""

from viewflow.workflow.models import Process


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
