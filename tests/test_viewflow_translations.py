"""viewflow's strings that the UI shows are Chinese (its own zh_Hans catalogue is empty)."""

from django.utils import translation
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from workflows.progress_report.flows import ProgressReportFlow


def test_viewflow_model_and_status_names_are_chinese():
    with translation.override("zh-hans"):
        assert str(Process._meta.verbose_name) == "流程实例"
        assert str(Task._meta.verbose_name_plural) == "流程环节"
        assert str(STATUS.DONE.label) == "已完成"
        assert str(STATUS.NEW.label) == "待处理"


def test_our_flow_and_step_names_are_chinese():
    with translation.override("zh-hans"):
        assert str(ProgressReportFlow.process_title) == "进展报告"
        assert str(ProgressReportFlow.review.task_title) == "审核报告"
