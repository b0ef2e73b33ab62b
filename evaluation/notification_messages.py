"""The notifications the evaluation sends, registered from ``EvaluationConfig.ready()``.
Keys: ``evaluation.<subject>.<event>``; parameters are names (evaluation title, department,
evaluator) and the reason a user wrote."""

from django.utils.translation import gettext_lazy as _

from notifications.messages import register_message


def register() -> None:
    register_message(
        "evaluation.self_assessment.requested",
        title=_("Self-assessment requested: %(evaluation)s"),
        body=_("Score your department's work on each criterion, write the narrative, attach evidence and submit."),
    )
    # Submissions and decisions of a self-assessment are told by the review lifecycle now
    # (``review.self_assessment.*``); these two stay registered so that notifications sent before
    # still read in the reader's language.
    register_message(
        "evaluation.self_assessment.submitted",
        title=_("%(department)s submitted its self-assessment: %(evaluation)s"),
    )
    register_message(
        "evaluation.self_assessment.returned",
        title=_("Your self-assessment was returned: %(evaluation)s"),
        body="%(reason)s",
    )
    register_message(
        "evaluation.scoring.assigned",
        title=_("Please score %(department)s: %(evaluation)s"),
    )
    register_message(
        "evaluation.scoring.submitted",
        title=_("%(evaluator)s submitted the scores of %(department)s"),
    )
