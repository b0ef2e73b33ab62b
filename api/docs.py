"""The schema's words: every operation has a summary and a description in Chinese and in English
(both in the text, so that the schema is the same whoever fetches it), and examples."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema

from api import serializers as s

REPORT_LOCKED = _("The report has been submitted or approved: only a draft or a returned report is saved.")
STALE_VERSION = _("The report was saved by someone else after this version was read: read it again.")

# tag → (中文, English, what the pages' gatekeeper shows)
RESOURCES = {
    "plans": ("规划", "plans", "督导员、评估专家、管理员：本地区及下级地区的规划；联络员：本部门所在地区已实施的规划。· Staff: the plans of their region and below; liaisons: plans in force of their departments' regions."),
    "sections": ("规划章节", "plan sections", "所见规划的章节。· The sections of the plans one sees."),
    "tasks": ("重点任务（含牵头/配合部门与红黄绿灯）", "key tasks (with lead and co-operating departments and lights)", "工作人员：所见规划的全部任务；联络员：本部门牵头或配合的任务。· Staff: every task of the plans they see; liaisons: the tasks their department leads or co-operates on."),
    "periods": ("报告期", "reporting periods", "所见规划的报告期。· The reporting periods of the plans one sees."),
    "progress-reports": ("进展报告", "progress reports", "督导员与管理员：范围内全部报告；评估专家：已通过的报告；联络员：本部门的报告及所配合任务已通过的报告。· Supervisors and administrators: every report in scope; evaluators: approved reports; liaisons: their department's reports and approved reports of tasks they co-operate on."),
    "notices": ("督办单", "supervision notices", "督导员与管理员：本地区的督办单；联络员：本部门的督办单；评估专家：已办结的督办单。· Supervisors and administrators: their regions' notices; liaisons: their departments'; evaluators: closed notices."),
    "indicators": ("主要指标（含年度目标与达标情况）", "indicators (with annual targets and attainment)", "工作人员：所见规划的全部指标；联络员：本部门负责的指标。· Staff: every indicator of the plans they see; liaisons: the indicators of their department."),
    "indicator-values": ("指标值", "indicator values", "督导员与管理员：全部；评估专家：已通过的；联络员：本部门的。· Supervisors and administrators: all; evaluators: approved values; liaisons: their department's."),
    "funding-lines": ("经费科目（含下达、拨付、支出合计）", "funding lines (with allocated, disbursed and spent totals)", "工作人员：全部；联络员：本部门的。· Staff: all; liaisons: their department's."),
    "evaluations": ("评估（签发后的结论）", "evaluations (their conclusions once signed off)", "可查看该评估的人员，仅限已签发的评估。· Those who may open the evaluation, once it has been signed off."),
    "departments": ("部门", "departments", "本地区及下级地区的部门（联络员：本部门所在地区）。· The departments of one's regions."),
}
SCOPE_NOTE = (
    "\n\n范围与网页完全一致；令牌另限定于其地区（及下级）和部门。· Exactly what the pages show the account; "
    "a token is further limited to its region (and below) and department."
)


def listing(tag: str, parameters=None):
    chinese, english, who = RESOURCES[tag]
    return extend_schema(
        tags=[tag],
        summary=f"{chinese}列表 · List {english}",
        description=(
            f"{who}{SCOPE_NOTE}\n\n按 id 游标分页（next/previous），limit 每页 1–500 条；updated_since 用于增量同步；"
            "响应带 ETag，可用 If-None-Match 条件请求。· Cursor pages by id (next/previous), limit 1–500 rows a page; "
            "updated_since for incremental sync; answers carry an ETag for If-None-Match."
        ),
        parameters=parameters,
    )


def detail(tag: str, parameters=None):
    chinese, english, who = RESOURCES[tag]
    return extend_schema(
        tags=[tag],
        summary=f"单个{chinese} · One of the {english}",
        description=(
            f"{who}{SCOPE_NOTE}\n\n范围外的 id 与不存在的 id 一样答 404。带 ETag（有更新时间的对象另带 Last-Modified）。"
            "· An id outside the scope answers 404, like one that does not exist. With an ETag (and Last-Modified "
            "where the object keeps its update time)."
        ),
        parameters=parameters,
    )


def report_draft():
    return extend_schema(
        tags=["progress-reports"],
        summary="保存进展报告草稿 · Save a progress report draft",
        description=(
            "由报告的联络员（令牌账号）保存草稿或退回后的报告内容，与网页“保存”相同；提交仍须本人在网页上操作。"
            "version 须为读取时的版本，过期答 409。· The report's liaison (the token's account) saves a draft or a "
            "returned report, as “Save” on the page does; submitting stays a person's act on the page. version is the one "
            "read: a stale one answers 409."
        ),
        request=s.ProgressReportDraftSerializer,
        responses={200: s.ProgressReportSerializer},
        examples=[
            OpenApiExample(
                "草稿 · Draft",
                value={"version": 3, "percent_complete": 60, "assessment": "on_track", "achievements": "已完成全市精神卫生信息平台对接。"},
                request_only=True,
            )
        ],
    )


PUSH_EXAMPLE = {
    "external_id": "smd-2025Q2-420100-0007",
    "indicator": 7,
    "region": 3,
    "year": 2025,
    "period_code": "2025Q2",
    "value": "92.5",
    "source": "省严重精神障碍信息系统",
}


def push():
    return extend_schema(
        tags=["indicator-values"],
        summary="推送一个指标值 · Push one indicator value",
        description=(
            "外部系统按指标、地区、期间推送数值，进入与手工填报相同的审核流程（保存、提交、督导员审核）。"
            "以 external_id 幂等：同一推送重复发送不改变任何内容（200, unchanged）；同一 external_id 内容不同答 409；"
            "已提交或已通过期间的不同数值答 409，除非督导员退回。令牌账号须为指标责任部门的联络员。"
            "· An external system pushes a value per indicator, region and period; it enters the same review lifecycle as a "
            "value typed on the page (saved, submitted, reviewed by a supervisor). Idempotent by external_id: the same push "
            "again changes nothing (200, unchanged); the same external_id with other content answers 409; a changed value "
            "for a submitted or approved period answers 409 unless a supervisor returns it. The token's account must be a "
            "liaison of the indicator's responsible department."
        ),
        request=s.ValuePushSerializer,
        responses={201: s.ValuePushResultSerializer, 200: s.ValuePushResultSerializer},
        examples=[OpenApiExample("季度值 · A quarter's value", value=PUSH_EXAMPLE, request_only=True)],
    )


def bulk():
    return extend_schema(
        tags=["indicator-values"],
        summary="批量推送指标值（全部成功或全部不保存）· Push indicator values in bulk (all or nothing)",
        description=(
            "最多 1000 个，每个与单个推送相同。任一项有误则全部不保存，答 400 并逐项列出错误（field 如 items.3.value）。"
            "· Up to 1,000 items, each as a single push. If any item is wrong nothing is saved: 400 with every item's "
            "errors (field such as items.3.value)."
        ),
        request=s.BulkPushSerializer,
        responses={200: s.BulkPushResultSerializer},
        examples=[OpenApiExample("两个值 · Two values", value={"items": [PUSH_EXAMPLE, {**PUSH_EXAMPLE, "external_id": "smd-2025Q2-420102-0008", "region": 5, "value": 88}]}, request_only=True)],
    )
