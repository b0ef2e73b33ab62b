"""The default rubric is written in the language of whoever opens the evaluation (issue 16: an
English user saw 完成情况, 质量效果 … in an evaluation they had opened themselves)."""

from django.urls import reverse

from evaluation import services
from evaluation.models import Evaluation


def _names(evaluation):
    return [evaluation.rubric.name, *evaluation.rubric.criteria.order_by("position").values_list("name", flat=True)]


def test_opened_on_an_english_page_the_default_rubric_is_english(client, plan, task_a, supervisor, evaluator):
    client.force_login(supervisor)
    client.cookies["django_language"] = "en"
    url = reverse("evaluation:evaluation_new", args=[plan.pk])
    client.post(url, {"kind": "final", "title": "Final evaluation", "lead": evaluator.pk, "spread_threshold": "10"})
    assert _names(Evaluation.objects.get()) == [
        "Evaluation scoring rubric", "Completion", "Quality and effect", "Evidence", "Funding execution",
    ]


def test_opened_on_a_chinese_page_the_default_rubric_is_chinese(client, plan, task_a, supervisor, evaluator):
    client.force_login(supervisor)
    client.cookies["django_language"] = "zh-hans"
    url = reverse("evaluation:evaluation_new", args=[plan.pk])
    client.post(url, {"kind": "final", "title": "终期评估", "lead": evaluator.pk, "spread_threshold": "10"})
    assert _names(Evaluation.objects.get()) == ["评估评分标准", "完成情况", "质量效果", "佐证材料", "经费执行"]


def test_without_a_page_the_installation_language_names_it(plan, task_a, supervisor):
    evaluation = services.evaluation_create(
        plan=plan, kind=Evaluation.Kind.MID_TERM, title="中期评估", lead=supervisor, user=supervisor
    )
    assert _names(evaluation)[1:] == ["完成情况", "质量效果", "佐证材料", "经费执行"]
