"""The working of a score, written out with the parameters it used (stored with the score when it
was computed, ``RegionScore.params``), so that a prefecture can check its own arithmetic:

- proportional / target: "81 ÷ 90 × 20 = 18 (at most 20)"; lower is better: "90 ÷ 95 × 20";
- threshold: "81 ≥ 85? no → 0";
- stepped: "85: step ≥ 80 reached → 50% × 20 = 10";
- banded: "P10 = 52, P90 = 88, floor 60%: 70 → 14.5";
- judged: "met (supervisor) → 5".
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from assessment.rules import points_text


def _n(value) -> str:
    if value is None or value == "":
        return "—"
    return points_text(Decimal(str(value)))


def explain(item, cell) -> str:
    if cell is None:
        return ""
    used = cell.params or {}
    rule = used.get("rule", item.rule)
    weight = _n(used.get("weight", item.weight))
    value = _n(cell.raw_value)
    score = _n(cell.score)
    lower = used.get("lower_is_better")
    head = ""
    if cell.reported_value is not None:
        head = _("verified %(value)s replaces reported %(reported)s; ") % {"value": value, "reported": _n(cell.reported_value)}
    if used.get("nothing_to_count"):
        text = _("nothing to count → full marks %(points)s") % {"points": weight}
    elif cell.raw_value is None and rule != "judged":
        text = _("no value → 0")
    elif rule in ("target", "proportional"):
        bar = _n(used.get("target") if rule == "target" else used.get("reference"))
        if lower:
            text = _("%(bar)s ÷ %(value)s × %(points)s = %(score)s (at most %(points)s; lower is better)")
        else:
            text = _("%(value)s ÷ %(bar)s × %(points)s = %(score)s (at most %(points)s)")
        text = text % {"bar": bar, "value": value, "points": weight, "score": score}
    elif rule in ("threshold", "yes_no"):
        sign = "≤" if lower else "≥"
        text = _("%(value)s %(sign)s %(bar)s? → %(score)s of %(points)s") % {
            "value": value, "sign": sign, "bar": _n(used.get("bar")), "score": score, "points": weight,
        }
    elif rule == "stepped":
        sign = "≤" if lower else "≥"
        steps = ", ".join(f"{sign}{_n(bar)}: {_n(Decimal(share) * 100)}%" for bar, share in used.get("steps", []))
        text = _("%(value)s against the steps %(steps)s → %(score)s of %(points)s") % {
            "value": value, "steps": steps, "score": score, "points": weight,
        }
    elif rule == "banded":
        text = _(
            "P%(low)s = %(p_low)s, P%(high)s = %(p_high)s, floor %(floor)s%%: %(value)s → %(score)s of %(points)s"
        ) % {
            "low": _n(used.get("low")), "high": _n(used.get("high")), "p_low": _n(used.get("p_low")),
            "p_high": _n(used.get("p_high")), "floor": _n(Decimal(used.get("floor", "0.6")) * 100), "value": value,
            "score": score, "points": weight,
        }
    elif rule == "judged":
        met = used.get("met")
        state = _("met") if met else (_("not met") if met is False else _("not judged"))
        text = _("%(state)s (supervisor) → %(score)s of %(points)s") % {"state": state, "score": score, "points": weight}
    else:
        text = score
    if cell.adjusted_score is not None:
        text += _("; adjusted to %(score)s") % {"score": _n(cell.adjusted_score)}
    return head + text
