"""A finished mid-term evaluation (中期评估) of the demo plan, driven through ``evaluation.services``.

Every participating department writes a self-assessment that the lead accepts (one is returned
once for more evidence and resubmitted), two evaluators (李专家 and 王专家) score every
department, and the supervisor signs the result off — so the final report of the demo plan has
its evaluation section right after ``make run``. The scores are fixed (no randomness), differ
between departments so that the ranking means something, and the two evaluators disagree by
more than the spread threshold on two criteria.

``seed_demo_evaluation(plan)`` is idempotent: it does nothing once the plan has an evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from accounts.models import User
from accounts.roles import EVALUATOR
from accounts.services import user_create
from evaluation import services
from evaluation.models import Criterion, Evaluation, EvaluatorAssignment
from tasks.models import Department, Plan
from tasks.progress import first_liaison
from tasks.services import staff_place

TITLE = "示范市精神卫生“十四五”规划中期评估"
SECOND_EVALUATOR = ("evaluator2", "王专家")
RETURNED = "mzj"  # the department whose self-assessment is returned once for more evidence
RETURN_COMMENT = "请补充佐证材料"

# The default rubric's criteria, in order: 完成情况 40, 质量效果 30, 佐证材料 15, 经费执行 15.
SELF_REMARKS = (
    "牵头及配合任务按进度推进，阶段目标基本实现",
    "主要工作指标较基期稳步改善",
    "会议纪要、正式文件和工作台账已整理归档",
    "预算资金按进度拨付使用",
)
EVALUATOR_REMARKS = ("任务完成情况", "工作质量和实际成效", "佐证材料完整性", "经费执行")


@dataclass(frozen=True)
class DemoDepartment:
    narrative: str
    highlight: str
    weakness: str
    advice: str
    first: tuple[int, int, int, int]  # 李专家 (evaluator)
    second: tuple[int, int, int, int]  # 王专家 (evaluator2)
    # (0 for the first evaluator, 1 for the second, criterion index) → comment
    comments: dict[tuple[int, int], str] = field(default_factory=dict)


DEPARTMENTS: dict[str, DemoDepartment] = {
    "wsjkw": DemoDepartment(
        "作为规划牵头部门，我委建立了精神卫生工作联席会议制度，2021年以来每年召开两次以上联席会议；"
        "市级精神专科医院电子病历系统于2022年上线，并与省严重精神障碍信息系统实现数据交换；"
        "严重精神障碍患者规范管理率由基期的75%提高到78.4%，精神分裂症患者服药率达到76.9%。"
        "市级精神卫生信息平台二期建设进度略有滞后，已制定专项推进计划。",
        "牵头统筹有力，信息化建设和患者管理指标稳步提升",
        "信息平台二期建设进度滞后",
        "加快平台二期建设，打通部门间数据共享",
        (92, 88, 90, 86),
        (90, 87, 88, 85),
    ),
    "zfw": DemoDepartment(
        "我委将严重精神障碍患者服务管理纳入平安建设考核，会同卫生健康、公安、民政部门建立季度会商机制，"
        "推动各区县落实监护人“以奖代补”政策；2023年全市肇事肇祸案事件较2020年明显下降。"
        "社会心理服务体系建设试点仍集中在城区，向乡镇（街道）延伸不够。",
        "综合协调机制健全，平安建设考核导向明确",
        "社会心理服务向基层延伸不够",
        "推动社会心理服务站点向乡镇（街道）全覆盖",
        (85, 82, 80, 78),
        (83, 80, 78, 80),
    ),
    "fgw": DemoDepartment(
        "我委将精神卫生服务体系建设纳入全市“十四五”卫生健康专项规划，支持市精神卫生中心新院区项目立项；"
        "会同财政、民政部门研究社会资本参与精神障碍社区康复的支持政策。"
        "社会资本投入项目落地较慢，2023年到位资金低于预期。",
        "重大项目立项支持及时",
        "社会资本投入进展缓慢、到位资金偏少",
        "完善社会资本投入激励政策，跟踪项目资金到位",
        (72, 70, 68, 58),
        (75, 68, 66, 76),
        {
            (0, 3): "社会资本到位资金仅为计划的三成左右，经费执行偏低",
            (1, 3): "社会资本项目已签约落地，资金到位节奏与项目周期基本相符",
        },
    ),
    "jyj": DemoDepartment(
        "全市中小学心理健康教育课程开设率由92%提高到98.2%，每所学校至少配备1名专兼职心理教师；"
        "建立学生心理健康筛查和危机干预转介机制，与市精神卫生中心开通就诊绿色通道。"
        "农村学校专职心理教师仍然不足。",
        "心理健康课程基本全覆盖，筛查转介机制运行顺畅",
        "农村学校专职心理教师不足",
        "通过定向培养和对口支援补齐农村学校心理教师",
        (90, 87, 85, 82),
        (88, 89, 84, 80),
    ),
    "gaj": DemoDepartment(
        "我局依托综治网格建立肇事肇祸风险患者排查管控台账，对有危险行为的患者做到及时应急处置、依法送诊；"
        "与卫生健康部门建立患者信息共享和联合随访机制。"
        "部分处置记录和送诊材料归档不够规范，个别季度进展报告报送不及时。",
        "应急处置和依法送诊及时有效",
        "处置和送诊材料归档不规范",
        "规范应急处置记录和送诊材料归档，按时报送进展",
        (80, 76, 70, 78),
        (78, 74, 52, 76),
        {
            (0, 2): "排查管控台账基本齐全，处置记录可追溯",
            (1, 2): "送诊记录、联合随访材料缺失较多，佐证明显不足",
        },
    ),
    "mzj": DemoDepartment(
        "我局对符合条件的精神障碍患者落实最低生活保障和临时救助，建立救助对象台账；"
        "精神障碍社区康复服务已覆盖9个区县中的7个，培育社区康复服务机构12家。",
        "救助政策落实到位，社区康复服务稳步扩面",
        "社区康复服务覆盖率未达年度目标",
        "将剩余区县纳入建设计划并落实专项经费",
        (76, 72, 74, 70),
        (74, 75, 70, 72),
    ),
    "sfj": DemoDepartment(
        "我局将精神卫生法纳入“八五”普法重点内容，组织开展精神障碍患者法律援助，"
        "配合开展精神卫生法律法规与政策软科学研究；在部门信息共享机制中按时推送社区矫正对象中精神障碍患者信息。"
        "软科学研究成果转化应用还不够。",
        "普法宣传和法律援助扎实",
        "软科学研究成果转化不足",
        "推动研究成果转化为政策建议",
        (82, 80, 76, 84),
        (80, 78, 79, 82),
    ),
    "czj": DemoDepartment(
        "我局将精神卫生工作经费全部列入本级财政预算，2021—2023年精神专科医院运行经费年均增长6%，"
        "2023年追加精神专科医院基本建设资金150万元；资金拨付及时，预算执行率保持在95%以上。"
        "经费绩效评价结果运用有待加强。",
        "经费保障有力，预算执行率高",
        "绩效评价结果运用不足",
        "强化经费绩效评价并与预算安排挂钩",
        (88, 84, 86, 93),
        (86, 85, 88, 91),
    ),
    "rsj": DemoDepartment(
        "我局会同卫生健康、财政部门落实精神卫生工作人员津贴政策，绩效工资分配向一线人员倾斜，"
        "职称评审对精神科医师单列指标；2023年全市精神科执业（助理）医师达到每10万人口3.61名。"
        "基层精神卫生人才流失问题仍较突出。",
        "待遇和职称政策落实较好",
        "基层精神卫生人才流失较多",
        "研究基层精神卫生人才稳定政策",
        (78, 75, 72, 80),
        (80, 73, 74, 78),
    ),
    "ybj": DemoDepartment(
        "我局于2022年将严重精神障碍纳入门诊特殊病种保障范围，住院实行按床日付费，"
        "患者门诊用药报销比例提高到70%以上；与民政部门建立救助对象信息比对机制。"
        "长效针剂等新药纳入报销的进度偏慢。",
        "门诊特殊病种保障政策落地见效",
        "长效针剂纳入报销进度偏慢",
        "加快将长效针剂纳入医保支付范围",
        (86, 83, 80, 76),
        (88, 82, 82, 74),
    ),
    "cl": DemoDepartment(
        "我会将精神残疾人纳入残疾人基本康复服务，推动“阳光家园”等社区康复机构建设，"
        "为符合条件的精神残疾人发放服药补贴，并配合民政部门开展社区康复服务。"
        "康复服务专业人员数量不足，服务质量参差不齐。",
        "服药补贴和社区康复机构建设稳步推进",
        "康复专业人员不足、服务质量参差不齐",
        "加强康复服务人员培训和服务质量督导",
        (74, 70, 70, 72),
        (72, 68, 72, 70),
    ),
}
FALLBACK = DemoDepartment(
    "本部门按照规划分工推进各项任务，建立工作台账，阶段性目标基本完成。部分任务进度仍需加快。",
    "按分工推进规划任务",
    "部分任务进度偏慢",
    "加快推进滞后任务",
    (75, 72, 70, 72),
    (73, 74, 71, 70),
)
SUPPLEMENT = "（补充说明）已补充各区县社区康复服务机构名单、服务台账及救助资金拨付凭证。"


def _grade(score: Decimal) -> str:
    if score >= 90:
        return "优秀"
    if score >= 80:
        return "良好"
    if score >= 70:
        return "基本达标"
    return "有待加强"


def _level(total: Decimal) -> str:
    if total >= 85:
        return "优秀"
    if total >= 75:
        return "良好"
    return "合格"


def _points(value: Decimal) -> str:
    """88.825 → "88.83", 15.00 → "15"."""
    return format(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize(), "f")


def _second_evaluator() -> User:
    username, display_name = SECOND_EVALUATOR
    user = User.objects.filter(username=username).first()
    if user is None:
        from demo.plan import DEMO_PASSWORD

        user = user_create(
            username=username, password=DEMO_PASSWORD, role=EVALUATOR, display_name=display_name
        )
        staff_place(user=user, region=User.objects.get(username="evaluator").region_staff.region)
    return user


def _self_scores(criteria: list[Criterion], demo: DemoDepartment, *, supplemented: bool = True) -> dict:
    scores = {}
    for index, criterion in enumerate(criteria):
        value = min(criterion.scale_max, max(demo.first[index], demo.second[index]) + 3)
        remark = SELF_REMARKS[index % len(SELF_REMARKS)]
        if not supplemented and index == 2:
            remark = "部分佐证材料仍在整理"
        scores[criterion] = (value, f"{remark}，自评{_grade(Decimal(value))}。")
    return scores


def _evaluator_scores(criteria: list[Criterion], demo: DemoDepartment, which: int) -> dict:
    values = demo.first if which == 0 else demo.second
    scores = {}
    for index, criterion in enumerate(criteria):
        value = values[index]
        comment = demo.comments.get(
            (which, index), f"{EVALUATOR_REMARKS[index % len(EVALUATOR_REMARKS)]}{_grade(Decimal(value))}"
        )
        scores[criterion] = (value, comment)
    return scores


def _conclusion(department: Department, demo: DemoDepartment, criteria: list[Criterion], which: int) -> str:
    values = demo.first if which == 0 else demo.second
    total = sum(
        (Decimal(v) / c.scale_max * c.weight for c, v in zip(criteria, values, strict=False)), Decimal(0)
    )
    name = department.short_name or department.name
    if which == 0:
        return (
            f"{name}{demo.highlight}，中期评估等次为{_level(total)}；"
            f"存在{demo.weakness}等问题，建议{demo.advice}。"
        )
    return f"同意{name}自评的总体判断。{demo.highlight}，值得肯定；但{demo.weakness}，后半程需{demo.advice}。"


def _overall_conclusion(evaluation: Evaluation) -> str:
    rows = services.department_scorecards(evaluation)
    criteria = list(evaluation.rubric.criteria.all())
    average = sum((r.weighted_total for r in rows), Decimal(0)) / len(rows)
    names = [r.department.short_name or r.department.name for r in rows]
    flagged = [
        f"{r.department.short_name or r.department.name}“{c.name}”"
        for r in rows
        for c, disagreement in zip(criteria, r.disagreements, strict=True)
        if disagreement
    ]
    text = (
        f"规划实施中期，{len(rows)}个参与部门均已完成自评并经两名专家独立评分，"
        f"加权平均得分{_points(average)}分；"
        f"{'、'.join(names[:3])}位列前三，{names[-1]}得分相对较低。"
    )
    if flagged:
        text += (
            f"专家对{'、'.join(flagged)}的评分差异超过{_points(evaluation.spread_threshold)}分，"
            "经复核保留双方意见。"
        )
    return text + (
        "总体判断：规划主要任务进展符合预期。后半程应重点加快精神卫生信息平台二期建设，"
        "推动社区康复服务覆盖全部区县，落实社会资本投入，并规范各部门佐证材料归档。"
    )


@transaction.atomic
def seed_demo_evaluation(plan: Plan) -> dict[str, int]:
    """A signed-off mid-term evaluation of the plan. Does nothing once the plan has an evaluation."""
    if plan.evaluations.exists():
        return {}
    supervisor = User.objects.get(username="supervisor")
    evaluators = [User.objects.get(username="evaluator"), _second_evaluator()]

    evaluation = services.evaluation_create(
        plan=plan, kind=Evaluation.Kind.MID_TERM, title=TITLE, lead=supervisor, user=supervisor
    )
    criteria = list(evaluation.rubric.criteria.all())
    counts = {"self_assessments": 0, "returned": 0, "assignments": 0, "disagreements": 0}

    # Self-assessments: written and submitted by the department's liaison, accepted by the lead.
    assessments = evaluation.self_assessments.select_related("department").order_by(
        "department__position", "pk"
    )
    for assessment in assessments:
        department = assessment.department
        liaison = first_liaison(department)
        if liaison is None:
            continue  # left open; the sign-off closes it
        demo = DEPARTMENTS.get(department.code, FALLBACK)
        if department.code == RETURNED:
            services.self_assessment_save(
                assessment=assessment,
                user=liaison,
                narrative=demo.narrative,
                scores=_self_scores(criteria, demo, supplemented=False),
            )
            services.self_assessment_submit(assessment=assessment, user=liaison)
            services.self_assessment_return(assessment=assessment, user=supervisor, comment=RETURN_COMMENT)
            counts["returned"] += 1
            narrative = f"{demo.narrative}\n{SUPPLEMENT}"
        else:
            narrative = demo.narrative
        services.self_assessment_save(
            assessment=assessment, user=liaison, narrative=narrative, scores=_self_scores(criteria, demo)
        )
        services.self_assessment_submit(assessment=assessment, user=liaison)
        services.self_assessment_accept(assessment=assessment, user=supervisor)
        counts["self_assessments"] += 1

    # Both evaluators score every participating department.
    departments = services.participating_departments(plan)
    for department in departments:
        for evaluator in evaluators:
            services.evaluator_assign(
                evaluation=evaluation, evaluator=evaluator, department=department, user=supervisor
            )
    assignments = EvaluatorAssignment.objects.filter(evaluation=evaluation).select_related(
        "department", "evaluator"
    )
    for assignment in assignments.order_by("department__position", "pk"):
        demo = DEPARTMENTS.get(assignment.department.code, FALLBACK)
        which = 0 if assignment.evaluator_id == evaluators[0].pk else 1
        services.scores_save(
            assignment=assignment,
            user=assignment.evaluator,
            scores=_evaluator_scores(criteria, demo, which),
            conclusion=_conclusion(assignment.department, demo, criteria, which),
            submit=True,
        )
        counts["assignments"] += 1

    counts["disagreements"] = sum(
        result.disagreement
        for department_result in services.consolidate(evaluation)
        for result in department_result.criteria.values()
    )
    services.sign_off(evaluation=evaluation, user=supervisor, conclusion=_overall_conclusion(evaluation))
    return counts
