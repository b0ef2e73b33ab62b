"""The printable supervision notice (督办单), in the usual layout of an official document:
a red header (the region's name and "督办单" in large red type) over a red rule, the reference
number and issue date, the recipient, the requirements, the response deadline and the issuing
unit. Rendered with reportlab's built-in CID font STSong-Light, which every PDF reader has (no
font file to ship, no font to install). A plain function: views and jobs call it alike.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import HRFlowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from supervision.models import SupervisionNotice
from tasks.models import Department

FONT = "STSong-Light"
RED = colors.HexColor("#d00000")
GREY = colors.HexColor("#555555")
TOPIC_ENDS = ("“十四五”", '"十四五"', "十四五", "规划")

if FONT not in pdfmetrics.getRegisteredFontNames():
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _style(name: str, **kwargs) -> ParagraphStyle:
    options = {"fontName": FONT, "fontSize": 12, "leading": 20, "wordWrap": "CJK"}
    options.update(kwargs)
    return ParagraphStyle(name, **options)


STYLES = {
    "header": _style("header", fontSize=26, leading=34, textColor=RED, alignment=TA_CENTER),
    "reference": _style("reference", fontSize=13, alignment=TA_CENTER),
    "meta": _style("meta", fontSize=11, alignment=TA_RIGHT, textColor=GREY),
    "recipient": _style("recipient", fontSize=14, leading=24),
    "body": _style("body", fontSize=13, leading=24, firstLineIndent=26),
    "label": _style("label", fontSize=11, leading=16),
    "cell": _style("cell", fontSize=11, leading=16),
    "sign": _style("sign", fontSize=13, leading=22, alignment=TA_RIGHT),
}


def _text(value) -> str:
    """Plain text for a Paragraph (which reads a little markup): escaped, line breaks kept."""
    return escape(str(value)).replace("\n", "<br/>")


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
    s = STYLES

    story = [
        Paragraph(_text(header_title(notice)), s["header"]),
        Spacer(1, 4 * mm),
        Paragraph(_text(notice.reference), s["reference"]),
        Spacer(1, 2 * mm),
        HRFlowable(width="100%", thickness=2, color=RED, spaceBefore=1 * mm, spaceAfter=1 * mm),
        HRFlowable(width="100%", thickness=0.6, color=RED, spaceAfter=3 * mm),
        Paragraph(
            _text(_("Level: %(level)s    Issued: %(date)s") % {"level": notice.get_level_display(), "date": issued_on}), s["meta"]
        ),
        Spacer(1, 4 * mm),
        Paragraph(_text(_("%(department)s:") % {"department": notice.department.name}), s["recipient"]),
        Paragraph(
            _text(
                _("Concerning key task %(code)s “%(task)s” of %(plan)s, the following is required:")
                % {"code": task.code, "task": task.title, "plan": task.plan.title}
            ),
            s["body"],
        ),
    ]
    story += [Paragraph(_text(line.strip()), s["body"]) for line in notice.requirements.splitlines() if line.strip()]
    story += [
        Paragraph(
            _text(
                _("Report the measures taken, with evidence, to %(unit)s by %(date)s.") % {"unit": unit, "date": due_on}
            ),
            s["body"],
        ),
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
    table = Table(
        [[Paragraph(_text(label), s["label"]), Paragraph(_text(value), s["cell"])] for label, value in rows],
        colWidths=[32 * mm, None],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3f3f3")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    story += [table, Spacer(1, 12 * mm), Paragraph(_text(unit), s["sign"]), Paragraph(_text(issued_on), s["sign"])]

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(GREY)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"{notice.reference}  - {doc.page} -")
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=26 * mm,
        rightMargin=26 * mm,
        topMargin=25 * mm,
        bottomMargin=25 * mm,
        title=f"{notice.reference} {header_title(notice)}",
        author=unit,
        subject=f"{task.code} {task.title}",
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
