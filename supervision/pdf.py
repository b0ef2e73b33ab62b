"""The printable supervision notice (督办单), in the usual layout of an official document:
a red header (the region's name and "督办单" in large red type) over a red rule, the reference
number and issue date, the recipient, the requirements, the response deadline and the issuing
unit. The typography (the embedded TrueType CJK font, Chinese line breaking, the masthead, the
field table, the signature, the page numbers and the metadata) is common.pdf's, shared with the
reports and with any other official document. A plain function: views and jobs call it alike.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from common.pdf import (
    build_official,
    official_fields,
    official_masthead,
    official_signature,
    official_styles,
    para,
)
from supervision.models import SupervisionNotice
from tasks.models import Department

TOPIC_ENDS = ("“十四五”", '"十四五"', "十四五", "规划")


def plan_topic(notice: SupervisionNotice) -> str:
    """精神卫生 from 示范市精神卫生“十四五”规划: the plan's title without its region and period."""
    title = notice.task.plan.title.strip()
    region = notice.task.plan.region.name
    if title.startswith(region):
        title = title[len(region) :]
    cut = min((title.find(end) for end in TOPIC_ENDS if end in title), default=-1)
    topic = title[:cut] if cut >= 0 else ""
    return topic.strip() if 0 < len(topic.strip()) <= 20 else ""


def header_title(notice: SupervisionNotice) -> str:
    region = notice.task.plan.region.name
    topic = plan_topic(notice)
    if topic:
        return pgettext("notice PDF header", "%(region)s%(topic)s work supervision notice") % {"region": region, "topic": topic}
    return pgettext("notice PDF header", "%(region)s supervision notice") % {"region": region}


def issuing_unit(notice: SupervisionNotice) -> str:
    """The plan's supervising department (卫生健康委), else the supervisor who issued it."""
    department = (
        Department.objects.filter(region_id=notice.task.plan.region_id, is_supervising=True, is_active=True)
        .order_by("position", "pk")
        .first()
    )
    if department is not None:
        return department.name
    if notice.issued_by is not None:
        return str(notice.issued_by)
    return str(_("Plan Supervisor"))


def notice_pdf(notice: SupervisionNotice) -> bytes:
    """The notice as a one- or two-page A4 PDF."""
    task = notice.task
    issued_on = date_format(timezone.localdate(notice.issued_at))
    due_on = date_format(notice.response_due_on)
    unit = issuing_unit(notice)
    s = official_styles()

    story = official_masthead(header_title(notice), notice.reference, s) + [
        para(_("Level: %(level)s    Issued: %(date)s") % {"level": notice.get_level_display(), "date": issued_on}, s["meta"]),
        Spacer(1, 4 * mm),
        para(_("%(department)s:") % {"department": notice.department.name}, s["recipient"]),
        para(
            _("Concerning key task %(code)s “%(task)s” of %(plan)s, the following is required:")
            % {"code": task.code, "task": task.title, "plan": task.plan.title},
            s["body"],
        ),
    ]
    story += [para(line.strip(), s["body"]) for line in notice.requirements.splitlines() if line.strip()]
    story += [
        para(_("Report the measures taken, with evidence, to %(unit)s by %(date)s.") % {"unit": unit, "date": due_on}, s["body"]),
        Spacer(1, 6 * mm),
    ]

    rows = [
        (_("Key task"), f"{task.code} {task.title}"),
        (_("To department"), notice.department.name),
        (_("Level"), notice.get_level_display()),
        (_("Respond by"), due_on),
        (_("Issued by"), unit),
    ]
    if notice.report_id:
        rows.append((_("Overdue report"), str(notice.report.period)))
    if notice.escalations:
        rows.append((_("Escalations"), str(notice.escalations)))
    story += [official_fields(rows, s), *official_signature(unit, issued_on, s)]
    return build_official(
        story,
        title=f"{notice.reference} {header_title(notice)}",
        author=unit,
        subject=f"{task.code} {task.title}",
        footer=notice.reference,
    )
