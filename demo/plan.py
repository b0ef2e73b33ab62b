"""The demo plan, taken from the seed document (a city's mental-health 14th Five-Year plan).

The key tasks below are the clauses of chapters 三(六), 四 and 五 of that plan, each with the
departments the text names. ``seed_demo`` writes them as a task breakdown table and loads it
through the same importer an administrator uses, so the demo also proves the import path.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction

from accounts.models import User
from accounts.roles import ADMINISTRATOR, EVALUATOR, LIAISON, SUPERVISOR
from accounts.services import user_create
from tasks.breakdown_table import ParsedMilestone, TableRow, write_breakdown_table
from tasks.models import Department, DepartmentAlias, Membership, Plan, Region, RegionStaff
from tasks.services import ImportOptions, plan_import, plan_set_status, staff_place

DEMO_PASSWORD = "demo1234"
PROVINCE = ("420000", "湖北省")
CITY = ("429900", "示范市")
COUNTIES = [("429901", "东湖区"), ("429902", "西山区"), ("429903", "南岭县")]
PLAN_TITLE = "示范市精神卫生“十四五”规划"
PLAN_YEARS = (2021, 2025)

# code, full name, short name, aliases — the departments the seed document names.
DEPARTMENTS = [
    ("wsjkw", "示范市卫生健康委员会", "市卫生健康委", ["卫生健康委", "卫健委", "卫生健康部门", "卫生健康"], True),
    ("zfw", "中共示范市委政法委员会", "市委政法委", ["党委政法委", "政法委"], False),
    ("fgw", "示范市发展和改革委员会", "市发展改革委", ["发展改革委", "发改委", "发展改革"], False),
    ("jyj", "示范市教育局", "市教育局", ["教育局", "教育部门", "教育"], False),
    ("gaj", "示范市公安局", "市公安局", ["公安局", "公安部门", "公安"], False),
    ("mzj", "示范市民政局", "市民政局", ["民政局", "民政部门", "民政"], False),
    ("sfj", "示范市司法局", "市司法局", ["司法局", "司法行政部门", "司法行政"], False),
    ("czj", "示范市财政局", "市财政局", ["财政局", "财政部门", "财政"], False),
    ("rsj", "示范市人力资源和社会保障局", "市人社局", ["人力资源社会保障局", "人社局", "人力资源社会保障"], False),
    ("ybj", "示范市医疗保障局", "市医保局", ["医疗保障局", "医保局", "医疗保障"], False),
    ("scjgj", "示范市市场监督管理局", "市市场监管局", ["市场监督管理局", "市场监管局", "市场监督管理"], False),
    ("cl", "示范市残疾人联合会", "市残联", ["残联"], False),
]

CH3 = "三、主要任务 / （六）积极推动精神卫生信息化建设，提升智能服务管理水平"
CH4_1 = "四、保障措施 / （一）强化政府领导"
CH4_2 = "四、保障措施 / （二）落实部门责任"
CH4_3 = "四、保障措施 / （三）保障经费投入"
CH4_4 = "四、保障措施 / （四）加强科学研究"
CH5 = "五、督导与评估"


@dataclass
class DemoTask:
    section: str
    title: str
    content: str
    lead: str
    cooperating: str
    deadline: str
    clause: str
    milestones: tuple[tuple[str, str, str], ...] = ()  # (due ISO date, title, evidence)
    targets: tuple[str, ...] = ()  # 2021 … 2025


TASKS = [
    DemoTask(CH3, "统筹推进精神卫生信息化建设", "统筹推进精神卫生信息化建设，打破信息孤岛，为精神卫生工作高质量发展提供数据支撑。",
             "市卫生健康委", "市发展改革委、市财政局", "2025年底前",
             "推进精神卫生工作信息化建设和应用，促进精神卫生信息共享、利用和协作，为精神卫生工作高质量发展提供数据支撑。统筹推进精神卫生信息化建设，打破信息孤岛。",
             (("2022-12-31", "完成精神卫生信息化建设方案编制", "经批准的建设方案"),),
             ("制定建设方案", "方案通过评审", "平台一期上线", "平台二期上线", "全面建成")),
    DemoTask(CH3, "精神专科医院电子病历系统建设与信息交换", "推动各级精神专科医院建立电子病历系统，并实现与省严重精神障碍信息系统、市全民健康信息平台的信息交换。",
             "市卫生健康委", "市财政局", "2023年底前",
             "推动各级精神专科医院建立电子病历系统，并实现与省严重精神障碍信息系统、市全民健康信息平台的信息交换。",
             (("2022-06-30", "市级精神专科医院电子病历系统上线", "系统验收报告"),
              ("2023-12-31", "实现与省严重精神障碍信息系统数据交换", "数据交换测试报告"))),
    DemoTask(CH3, "严重精神障碍患者信息审核与分析报告", "推动各级精神卫生防治管理机构做好严重精神障碍患者信息审核、分析等，定期形成报告，为相关部门决策提供依据。",
             "市卫生健康委", "", "每季度",
             "推动各级精神卫生防治管理机构做好严重精神障碍患者信息审核、分析等，定期形成报告，为相关部门决策提供依据。"),
    DemoTask(CH3, "管理服务信息互通互联", "逐步实现社会心理服务、严重精神障碍管理与精神障碍社区康复等管理服务信息的互通互联。",
             "市卫生健康委、市民政局", "市委政法委、市残联", "2024年底前",
             "逐步实现社会心理服务、严重精神障碍管理与精神障碍社区康复等管理服务信息的互通互联。"),
    DemoTask(CH3, "建立部门间精神卫生信息共享机制", "推动建立卫生健康、政法委、民政、公安、人力资源社会保障、司法行政、残联等单位的精神卫生相关信息共享机制，强化监测预警，定期分析研判，实行动态管理。",
             "市卫生健康委", "市委政法委、市民政局、市公安局、市人社局、市司法局、市残联", "2022年底前",
             "推动建立卫生健康、政法委、民政、公安、人力资源社会保障、司法行政、残联等单位的精神卫生相关信息共享机制，加强信息资源的合理运用，强化监测预警，定期分析研判，实行动态管理。",
             (("2022-06-30", "印发信息共享工作机制文件", "正式印发文件"),)),
    DemoTask(CH3, "加强患者信息与隐私保护", "重视并加强患者信息以及隐私保护工作，落实信息安全等级保护要求。",
             "市卫生健康委", "市公安局", "长期坚持",
             "重视并加强患者信息以及隐私保护工作。"),
    DemoTask(CH4_1, "贯彻实施《中华人民共和国精神卫生法》", "推动各地认真贯彻实施《中华人民共和国精神卫生法》，将精神卫生工作纳入国民经济和社会发展规划。",
             "各区县人民政府", "各相关部门", "长期坚持",
             "推动各地认真贯彻实施《中华人民共和国精神卫生法》。各级人民政府应当将精神卫生工作纳入国民经济和社会发展规划，制定精神卫生工作规划。"),
    DemoTask(CH4_1, "建立精神卫生工作联席会议制度", "建立由发展改革、教育、公安、民政、司法行政、财政、人力资源社会保障、卫生健康、医疗保障等部门参加的联席会议制度和工作责任制。",
             "市卫生健康委", "市发展改革委、市教育局、市公安局、市民政局、市司法局、市财政局、市人社局、市医保局", "2021年底前",
             "建立由发展改革、教育、公安、民政、司法行政、财政、人力资源社会保障、卫生健康、医疗保障等部门参加的联席会议制度和工作责任制，对有关部门承担的精神卫生工作进行监督。",
             (("2021-06-30", "召开第一次联席会议", "会议纪要"),),
             ("建立制度并召开首次会议", "每年至少召开两次会议", "每年至少召开两次会议", "每年至少召开两次会议", "每年至少召开两次会议")),
    DemoTask(CH4_1, "乡镇（街道）成立精神卫生综合管理小组", "乡镇人民政府、街道办事处成立精神卫生综合管理小组，负责辖区内精神卫生工作。",
             "各区县人民政府", "市民政局、市卫生健康委", "2022年底前",
             "乡镇人民政府、街道办事处成立精神卫生综合管理小组，负责辖区内精神卫生工作。"),
    DemoTask(CH4_2, "严重精神障碍管理治疗综合协调", "加强严重精神障碍管理治疗工作和社会心理服务体系建设综合协调，推动责任落实。",
             "市委政法委", "市卫生健康委、市公安局、市民政局", "长期坚持",
             "党委政法委要加强严重精神障碍管理治疗工作和社会心理服务体系建设综合协调，推动责任落实。"),
    DemoTask(CH4_2, "组织开展规划实施评价和监督检查", "牵头落实精神卫生工作规划，每年组织开展评价、监督和检查。",
             "市卫生健康委", "各相关部门", "每年",
             "卫生健康部门牵头落实精神卫生工作规划，组织开展评价监督检查。"),
    DemoTask(CH4_2, "心理健康教育纳入教育课程", "将心理健康教育纳入教育课程，促进师生心理健康；保障患有精神障碍的适龄儿童、青少年接受义务教育的权利。",
             "市教育局", "市卫生健康委", "2023年底前",
             "教育部门负责将心理健康教育纳入教育课程，促进师生心理健康；保障患有精神障碍的适龄儿童、青少年接受义务教育的权利。",
             (("2022-08-31", "中小学心理健康课程覆盖率达到100%", "课程开设情况统计表"),)),
    DemoTask(CH4_2, "精神障碍患者救助与社区康复服务", "对符合条件的精神障碍患者开展救助，会同相关部门开展精神障碍社区康复服务工作。",
             "市民政局", "市卫生健康委、市残联、市财政局", "2025年底前",
             "民政部门负责对符合条件的精神障碍患者开展救助，会同相关部门开展精神障碍社区康复服务工作。",
             (), ("建立救助对象台账", "社区康复服务覆盖50%区县", "覆盖70%区县", "覆盖80%区县", "覆盖全部区县")),
    DemoTask(CH4_2, "肇事肇祸风险患者应急处置与送诊", "对发生或者有伤害自身、危害他人安全危险的确诊或者疑似精神障碍患者开展应急处置，依法送交医院诊断、治疗。",
             "市公安局", "市卫生健康委", "长期坚持",
             "公安部门负责对发生伤害自身、危害他人安全或者有伤害自身、危害他人安全危险的确诊或者疑似精神障碍患者开展应急处置，对有肇事肇祸行为的患者依法送交医院诊断、治疗。"),
    DemoTask(CH4_2, "精神障碍诊疗费用纳入医保支付", "将精神障碍参保患者的诊疗费用按规定纳入基本医疗保险支付范围，并将严重精神障碍纳入门诊特殊病种保障范围。",
             "市医保局", "市卫生健康委、市财政局", "2022年底前",
             "医疗保障部门负责将精神障碍参保患者的诊疗费用按规定纳入基本医疗保险支付范围，并将严重精神障碍纳入门诊特殊病种保障范围。",
             (("2022-06-30", "印发门诊特殊病种保障政策", "政策文件"),)),
    DemoTask(CH4_3, "精神卫生工作经费列入本级财政预算", "将精神卫生工作经费列入本级财政预算，保障公立精神专科医院运行、基本建设、学科建设和人才培养经费。",
             "市财政局", "市卫生健康委", "每年",
             "各级政府要将精神卫生工作经费列入本级财政预算。根据精神卫生工作需要，加大财政投入力度。各级财政按规定保障公立精神专科医院运行经费，保障其基本建设、学科建设、人才培养等所需经费。"),
    DemoTask(CH4_3, "落实精神卫生工作人员待遇和津贴", "落实精神卫生工作人员工资待遇政策和津贴，绩效工资分配向一线人员倾斜，职称晋升同等条件优先。",
             "市人社局", "市财政局、市卫生健康委", "2023年底前",
             "切实落实对精神卫生工作人员的工资待遇政策，提高其待遇水平，稳定精神卫生专业队伍。按照国家有关规定对从事精神卫生工作的人员给予津贴。"),
    DemoTask(CH4_3, "建立多元化资金筹措机制", "积极开拓精神卫生公益性事业投融资渠道，鼓励社会资本投入精神卫生服务和社区康复等领域；对受委托的民办精神专科医院按规定给予补偿。",
             "市发展改革委", "市财政局、市民政局、市卫生健康委", "2025年底前",
             "要建立多元化资金筹措机制，积极开拓精神卫生公益性事业投融资渠道，鼓励社会资本投入精神卫生服务和社区康复等领域。"),
    DemoTask(CH4_4, "重点疾病和重点人群精神卫生研究", "针对抑郁症、焦虑症、双相障碍、精神分裂症等重点疾病，以及儿童青少年、老年人等重点人群开展基础和临床应用研究。",
             "市卫生健康委", "各相关部门", "2025年底前",
             "针对抑郁症、焦虑症、双相障碍、精神分裂症等重点疾病，以及儿童青少年、老年人等重点人群的常见、多发精神障碍和心理行为问题，开展基础和临床应用研究。"),
    DemoTask(CH4_4, "精神障碍流行病学调查和软科学研究", "加强精神障碍流行病学调查、精神卫生法律法规与政策等软科学研究。",
             "市卫生健康委", "市司法局", "2024年底前",
             "加强精神障碍流行病学调查、精神卫生法律法规与政策等软科学研究，为精神卫生法律、法规和政策制订提供科学依据。",
             (("2023-12-31", "完成全市精神障碍流行病学调查", "调查报告"),)),
    DemoTask(CH5, "规划重点任务督查督办", "对规划实施进展、质量和成效进行检查，将规划重点任务落实情况作为督查督办重要事项。",
             "市卫生健康委", "各相关部门", "每年",
             "市卫生健康委会同有关部门共同组织本规划实施，对规划实施进展、质量和成效进行检查，将规划重点任务落实情况作为督查督办重要事项。"),
    DemoTask(CH5, "规划中期评估和终期效果评估", "“十四五”中期开展规划实施中期评估，期末组织开展规划实施的终期效果评估。",
             "市卫生健康委", "各相关部门", "2025年底前",
             "“十四五”期末，市卫生健康委会同有关部门组织开展规划实施的终期效果评估。",
             (("2023-09-30", "完成中期评估报告", "中期评估报告"),
              ("2025-12-31", "完成终期效果评估报告", "终期评估报告"))),
]


def demo_table() -> bytes:
    """The demo plan as a task breakdown table (.xlsx)."""
    rows = []
    for number, task in enumerate(TASKS, start=1):
        rows.append(
            TableRow(
                code=str(number),
                section_path=[_section_part(part) for part in task.section.split(" / ")],
                title=task.title,
                content=task.content,
                lead=task.lead,
                cooperating=task.cooperating,
                deadline=task.deadline,
                start=None,
                cadence="",
                milestones=[
                    ParsedMilestone(title=t, due_date=datetime.date.fromisoformat(d), evidence_required=e)
                    for d, t, e in task.milestones
                ],
                source_clause=task.clause,
                annual_targets=dict(zip(range(PLAN_YEARS[0], PLAN_YEARS[1] + 1), task.targets, strict=False)),
            )
        )
    return write_breakdown_table(title=f"{PLAN_TITLE}重点任务分工表", years=list(range(PLAN_YEARS[0], PLAN_YEARS[1] + 1)), rows=rows)


def _section_part(text: str) -> tuple[str, str]:
    if "、" in text[:4]:
        code, title = text.split("、", 1)
        return f"{code}、", title
    end = text.index("）") + 1
    return text[:end], text[end:]


@dataclass
class DemoSummary:
    plan: Plan
    created: bool
    users: list[str]


@transaction.atomic
def seed_demo() -> DemoSummary:
    """Build the demo region, departments, plan and one account per role. Idempotent."""
    province, _ = Region.objects.get_or_create(code=PROVINCE[0], defaults={"name": PROVINCE[1], "level": Region.Level.PROVINCE})
    city, _ = Region.objects.get_or_create(
        code=CITY[0], defaults={"name": CITY[1], "level": Region.Level.PREFECTURE, "parent": province}
    )
    for code, name in COUNTIES:
        Region.objects.get_or_create(code=code, defaults={"name": name, "level": Region.Level.COUNTY, "parent": city})
    departments = {}
    for position, (code, name, short_name, aliases, supervising) in enumerate(DEPARTMENTS, start=1):
        department, _ = Department.objects.get_or_create(
            region=city,
            code=code,
            defaults={"name": name, "short_name": short_name, "is_supervising": supervising, "position": position},
        )
        for alias in aliases:
            DepartmentAlias.objects.get_or_create(department=department, alias=alias)
        departments[code] = department

    users = []
    for username, role, display_name, region in [
        ("admin", ADMINISTRATOR, "系统管理员", province),
        ("supervisor", SUPERVISOR, "王督导", city),
        ("evaluator", EVALUATOR, "李专家", city),
        ("evaluator2", EVALUATOR, "王专家", city),
    ]:
        user = _demo_user(username, role, display_name)
        if not RegionStaff.objects.filter(user=user).exists():
            staff_place(user=user, region=region)
        users.append(user.username)
    if not (admin := User.objects.get(username="admin")).is_superuser:
        admin.is_superuser = True
        admin.save(update_fields=["is_superuser"])
    for code, department in departments.items():
        user = _demo_user(f"liaison-{code}", LIAISON, f"{department.short_name}联络员")
        Membership.objects.get_or_create(user=user, department=department, role=Membership.Role.LIAISON)
        users.append(user.username)

    plan = Plan.objects.filter(region=city, title=PLAN_TITLE).first()
    created = plan is None
    if plan is None:
        result = plan_import(
            data=demo_table(),
            options=ImportOptions(title=PLAN_TITLE, region_id=city.pk, start_year=PLAN_YEARS[0], end_year=PLAN_YEARS[1]),
        )
        plan = result.plan
        assert plan is not None
        plan = plan_set_status(plan=plan, status=Plan.Status.ACTIVE, actor=None, comment="示范数据")
    return DemoSummary(plan=plan, created=created, users=users)


def _demo_user(username: str, role: str, display_name: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(username=username, password=DEMO_PASSWORD, role=role, display_name=display_name)
    return user


def demo_accounts() -> list[tuple[str, str]]:
    """(username, role label) of the demo accounts that exist, for the login page in DEBUG."""
    from accounts.roles import ROLE_LABELS
    from demo.province import province_accounts

    names = ["admin", "supervisor", "evaluator", "evaluator2"] + [f"liaison-{code}" for code, *_ in DEPARTMENTS] + province_accounts()
    users = User.objects.filter(username__in=names).prefetch_related("groups")
    by_name = {u.username: u for u in users}
    result = []
    for name in names:
        if name in by_name:
            groups = [g.name for g in by_name[name].groups.all()]
            result.append((name, str(ROLE_LABELS.get(groups[0], "")) if groups else ""))
    return result


# --- demo activity: reports in every state ---------------------------------------------------

REPORTING_STARTS = datetime.date(2025, 1, 1)
ACHIEVEMENTS = [
    "按季度召开专题推进会，制定工作方案并分解到各责任科室。",
    "完成阶段性任务，相关制度文件已印发，工作台账同步更新。",
    "组织开展专项督导检查，对发现的问题建立整改清单。",
    "持续推进，完成年度目标的主要内容，形成工作总结。",
]


def seed_demo_activity(plan: Plan) -> dict[str, int]:
    """Reports of 2025 in every state: Q1–Q3 approved, Q4 draft / submitted / returned / approved,
    some late. Idempotent: does nothing once the plan has reports."""
    from tasks import progress
    from tasks.models import Contribution, KeyTask, ProgressReport

    if ProgressReport.objects.filter(task__plan=plan).exists():
        return {}
    tz = datetime.timezone(datetime.timedelta(hours=8))
    supervisor = User.objects.get(username="supervisor")
    plan.reporting_starts_on = REPORTING_STARTS
    plan.save(update_fields=["reporting_starts_on"])
    # Tasks due before the system went live were completed under the old (Excel) process.
    KeyTask.objects.filter(plan=plan, due_date__lt=REPORTING_STARTS).update(status=KeyTask.Status.COMPLETED, progress=100)
    progress.periods_open(plan=plan, on=datetime.date(2025, 12, 31), as_of_start=True)

    reports = ProgressReport.objects.filter(task__plan=plan).select_related("period", "task", "assignee").order_by("period__starts_on", "task__position")
    for index, report in enumerate(reports):
        quarter = report.period.number
        on_time = datetime.datetime.combine(report.period.due_on - datetime.timedelta(days=2), datetime.time(10), tz)
        late = datetime.datetime.combine(report.period.due_on + datetime.timedelta(days=6), datetime.time(16), tz)
        mode = "approved" if quarter < 4 else ["draft", "submitted", "returned", "approved", "late"][report.task.position % 5]
        percent = min(100, 25 * quarter)
        data = {
            "percent_complete": percent,
            "assessment": ProgressReport.Assessment.ON_TRACK,
            "achievements": ACHIEVEMENTS[quarter - 1],
            "problems": "部门间数据共享仍需加强。" if index % 3 == 0 else "",
            "next_steps": "下一季度继续推进，按时报送进展。",
        }
        if report.assignee is None:
            continue
        # The co-operating departments send their parts first (a draft report's wait for the lead).
        for contribution in Contribution.objects.filter(report=report).select_related("assignee"):
            if contribution.assignee:
                progress.contribution_submit(
                    contribution=contribution, user=contribution.assignee, content="本部门按分工完成配合工作，相关材料已报牵头单位。",
                    at=on_time - datetime.timedelta(days=3),
                )
        if mode == "draft":
            progress.report_save(report=report, user=report.assignee, data={**data, "achievements": "（草稿）" + data["achievements"]}, version=report.version)
            continue
        submitted_at = late if mode == "late" or index % 7 == 0 else on_time
        report = progress.report_submit(report=report, user=report.assignee, version=report.version, data=data, at=submitted_at)
        if mode == "submitted":
            continue
        if mode == "returned":
            progress.report_return(report=report, user=supervisor, reason="佐证材料不足，请补充会议纪要或正式文件后重新报送。", at=submitted_at + datetime.timedelta(days=1))
            continue
        progress.report_approve(report=report, user=supervisor, at=submitted_at + datetime.timedelta(days=2), accept_pending_evidence=True)
    _seed_notices(plan, supervisor, tz)
    from demo.evaluation import seed_demo_evaluation
    from demo.funding import seed_demo_funding
    from demo.indicators import seed_demo_indicators

    seed_demo_funding(plan)
    seed_demo_indicators(plan)
    seed_demo_evaluation(plan)
    # Today's sweep: lights, overdue notices, escalation of the unanswered notice.
    from supervision.sweep import sweep_deadlines

    sweep_deadlines()
    # The sweep closed the 2025 periods, long past due today (tasks.periods). A supervisor reopens
    # the ones still waiting for reports, so that the demo's drafts can be submitted.
    from tasks.models import ReportingPeriod
    from tasks.periods import period_reopen

    waiting = ReportingPeriod.objects.filter(
        plan=plan, closed_at__isnull=False, reports__status__in=[ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED]
    ).distinct()
    for period in waiting:
        period_reopen(period=period, user=supervisor, reason="尚有报告未报送，重新开放以便补报。")
    counts = {}
    for status in ProgressReport.Status.values:
        counts[status] = ProgressReport.objects.filter(task__plan=plan, status=status).count()
    counts["late"] = ProgressReport.objects.filter(task__plan=plan, is_late=True).count()
    return counts


def _seed_notices(plan: Plan, supervisor: User, tz) -> None:
    """Three supervision notices: one closed, one awaiting review, one unanswered (escalated)."""
    from supervision.models import SupervisionNotice
    from supervision.notices import notice_accept, notice_acknowledge, notice_issue, notice_respond
    from tasks.models import KeyTask

    issued = datetime.datetime(2025, 12, 1, 9, 30, tzinfo=tz)
    by_title = {t.title: t for t in KeyTask.objects.filter(plan=plan)}

    def liaison_of(task):
        return User.objects.get(username=f"liaison-{task.primary_lead.code}")

    # Each notice goes to the task's lead department, never to the supervising 卫生健康委 that
    # issues it; answers come days after the notice, as they do (the report's average response).
    day = datetime.timedelta(days=1)
    task = by_title["严重精神障碍管理治疗综合协调"]
    notice = notice_issue(
        task=task, department=task.primary_lead, level=SupervisionNotice.Level.BLUE, user=supervisor, at=issued,
        requirements="严重精神障碍管理治疗综合协调机制运行不畅，部分乡镇（街道）综合管理小组工作台账不全，请于期限内说明原因并提交整改计划。",
    )
    notice_acknowledge(notice=notice, user=liaison_of(task), at=issued + datetime.timedelta(hours=6))
    notice_respond(
        notice=notice, user=liaison_of(task), response="已召开综合管理小组联席会议，明确各成员单位职责，12月底前补齐工作台账。",
        at=issued + 4 * day,
    )
    notice_accept(notice=notice, user=supervisor, comment="整改计划可行，请按期推进。", at=issued + 6 * day)

    task = by_title["精神障碍患者救助与社区康复服务"]
    notice = notice_issue(
        task=task, department=task.primary_lead, level=SupervisionNotice.Level.YELLOW, user=supervisor, at=issued,
        requirements="社区康复服务覆盖区县数低于年度目标，请提交整改措施及佐证材料。",
    )
    notice_acknowledge(notice=notice, user=liaison_of(task), at=issued + day)
    notice_respond(
        notice=notice, user=liaison_of(task), response="已将剩余两个区县纳入明年一季度建设计划，并落实专项经费。",
        at=issued + 6 * day,
    )

    task = by_title["肇事肇祸风险患者应急处置与送诊"]
    notice_issue(
        task=task, department=task.primary_lead, level=SupervisionNotice.Level.BLUE, user=supervisor, at=issued,
        requirements="第四季度进展报告未按时报送，请立即报送并说明原因。",
    )
