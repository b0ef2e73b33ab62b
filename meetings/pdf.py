"""会议纪要: the meeting summary with its decisions, in the notices' typographic style (the styles,
font and colours of ``supervision.pdf``, used through its public names only, so that the shared
PDF module can replace them in one place)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import HRFlowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from meetings.models import Meeting
from meetings.selectors import meeting_attendance, meeting_decisions
from supervision.pdf import FONT, GREY, RED, STYLES


def _p(value, style: str) -> Paragraph:
    return Paragraph(escape(str(value)).replace("\n", "<br/>"), STYLES[style])


def meeting_summary_pdf(meeting: Meeting) -> bytes:
    attendance = meeting_attendance(meeting=meeting)
    decisions = meeting_decisions(meeting=meeting)
    held_on = date_format(meeting.held_on)
    story = [
        _p(_("%(region)s joint meeting summary") % {"region": meeting.region.name}, "header"),
        Spacer(1, 4 * mm),
        _p(meeting.title, "reference"),
        HRFlowable(width="100%", thickness=2, color=RED, spaceBefore=3 * mm, spaceAfter=1 * mm),
        HRFlowable(width="100%", thickness=0.6, color=RED, spaceAfter=3 * mm),
        _p(_("%(kind)s    Date: %(date)s    Convenor: %(convenor)s") % {
            "kind": meeting.get_kind_display(), "date": held_on, "convenor": meeting.convenor}, "meta"),
        Spacer(1, 3 * mm),
    ]
    present = "、".join(a.department.name for a in attendance if a.present)
    absent = "、".join(a.department.name for a in attendance if not a.present)
    if present:
        story.append(_p(_("Present: %(departments)s") % {"departments": present}, "label"))
    if absent:
        story.append(_p(_("Absent: %(departments)s") % {"departments": absent}, "label"))
    story += [_p(line.strip(), "body") for line in meeting.minutes.splitlines() if line.strip()]
    story += [Spacer(1, 4 * mm), _p(_("Agreed items"), "recipient")]
    rows = [[_p(_("No."), "label"), _p(_("Agreed item"), "label"), _p(_("Responsible departments"), "label"), _p(_("Deadline"), "label")]]
    rows += [
        [_p(d.number, "cell"), _p(d.text, "cell"), _p("、".join(x.name for x in d.responsible), "cell"), _p(date_format(d.deadline), "cell")]
        for d in decisions
    ]
    table = Table(rows, colWidths=[12 * mm, None, 40 * mm, 28 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f3f3")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    story += [table, Spacer(1, 12 * mm), _p(meeting.region.name, "sign"), _p(held_on, "sign")]

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(GREY)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"{meeting.title}  - {doc.page} -")
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=26 * mm, rightMargin=26 * mm, topMargin=25 * mm, bottomMargin=25 * mm,
        title=meeting.title, author=meeting.region.name, subject=_("Joint meeting summary"),
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
