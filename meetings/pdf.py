"""会议纪要: the meeting summary with its decisions, in the notices' typographic style — the
official-document layout of ``common.pdf`` (masthead, embedded CJK font, Chinese line breaking,
signature, page numbers, metadata)."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from common.pdf import (
    build_official,
    document_language,
    official_masthead,
    official_signature,
    official_styles,
    para,
)
from meetings.models import Meeting
from meetings.selectors import meeting_attendance, meeting_decisions


def meeting_summary_pdf(meeting: Meeting) -> bytes:
    attendance = meeting_attendance(meeting=meeting)
    decisions = meeting_decisions(meeting=meeting)
    held_on = date_format(meeting.held_on)
    s = official_styles()
    separator = "、" if document_language() == "zh-CN" else ", "  # between department names
    story = official_masthead(
        _("%(region)s joint meeting summary") % {"region": meeting.region.name}, meeting.title, s
    ) + [
        para(
            _("%(kind)s    Date: %(date)s    Convenor: %(convenor)s")
            % {"kind": meeting.get_kind_display(), "date": held_on, "convenor": meeting.convenor},
            s["meta"],
        ),
        Spacer(1, 3 * mm),
    ]
    present = separator.join(a.department.name for a in attendance if a.present)
    absent = separator.join(a.department.name for a in attendance if not a.present)
    if present:
        story.append(para(_("Present: %(departments)s") % {"departments": present}, s["label"]))
    if absent:
        story.append(para(_("Absent: %(departments)s") % {"departments": absent}, s["label"]))
    story += [para(line.strip(), s["body"]) for line in meeting.minutes.splitlines() if line.strip()]
    story += [Spacer(1, 4 * mm), para(_("Agreed items"), s["recipient"])]
    rows = [[para(text, s["label"]) for text in (_("No."), _("Agreed item"), _("Responsible departments"), _("Deadline"))]]
    rows += [
        [
            para(str(d.number), s["cell"]),
            para(d.text, s["cell"]),
            para(separator.join(x.name for x in d.responsible), s["cell"]),
            para(date_format(d.deadline), s["cell"]),
        ]
        for d in decisions
    ]
    table = Table(rows, colWidths=[12 * mm, None, 40 * mm, 28 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f3f3")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story += [table, *official_signature(meeting.region.name, held_on, s)]
    return build_official(
        story, title=meeting.title, author=meeting.region.name, subject=_("Joint meeting summary"), footer=meeting.title
    )
