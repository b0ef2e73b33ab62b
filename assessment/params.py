"""The parameters of an item's scoring rule, as one line of text (the form field and the scheme
sheet's 参数 column) and back.

``参考值=90; 达标值=85; 分档=90:1,80:0.5; 下限分位=10; 上限分位=90; 保底=0.6; 最高等级=良好``

- 参考值 (reference): proportional and yes/no rules, the value earning full marks;
- 达标值 (bar): threshold rule, the bar to reach;
- 分档 (steps): stepped rule, ``bar:share`` pairs (share 0–1 of the points, or a percentage "50%");
- 下限分位 / 上限分位 (low / high): banded rule, the percentiles (0–100) bounding the band;
- 保底 (floor): banded rule, the share of the points at or below the low percentile;
- 最高等级 (grade): veto rule, the best grade a vetoed prefecture may get.

English keys (reference, bar, steps, low, high, floor, grade) are read too. Pure parsing: raises
``ValueError`` with a translated message; the services turn it into a ValidationError.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from assessment import rules

KEYS = {
    "参考值": "reference", "reference": "reference",
    "达标值": "bar", "bar": "bar",
    "分档": "steps", "steps": "steps",
    "下限分位": "low", "low": "low",
    "上限分位": "high", "high": "high",
    "保底": "floor", "floor": "floor",
    "最高等级": "grade", "grade": "grade",
}
LABELS = {"reference": "参考值", "bar": "达标值", "steps": "分档", "low": "下限分位", "high": "上限分位", "floor": "保底", "grade": "最高等级"}
GRADE_WORDS = {"优秀": "excellent", "良好": "good", "合格": "pass", "不合格": "fail"}
GRADE_NAMES = {code: word for word, code in GRADE_WORDS.items()}
SEPARATORS = re.compile(r"[;；\n]+")


def _number(text: str, key: str) -> Decimal:
    text = text.strip().rstrip("%")
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite():
        raise ValueError(_("The parameter %(key)s must be a number, not “%(text)s”.") % {"key": LABELS[key], "text": text})
    return value


def _share(text: str) -> Decimal:
    text = text.strip()
    value = _number(text, "steps")
    return value / 100 if text.endswith("%") else value


def parse(text: str) -> dict:
    """``key=value`` pairs → {"reference": Decimal, "bar": Decimal, "steps": [(bar, share)], "low":
    Decimal (0–100), "high": …, "floor": Decimal (0–1), "grade": "good"}; only the keys given."""
    found: dict = {}
    for part in SEPARATORS.split((text or "").strip()):
        part = part.strip()
        if not part:
            continue
        key, sep, value = re.split(r"\s*([=:：＝])\s*", part, maxsplit=1) if re.search(r"[=:：＝]", part) else (part, "", "")
        name = KEYS.get(key.strip().lower()) or KEYS.get(key.strip())
        if name is None or not value.strip():
            raise ValueError(_("Unknown parameter “%(part)s”: write key=value, e.g. 参考值=90.") % {"part": part})
        value = value.strip()
        if name == "steps":
            steps = []
            for pair in re.split(r"[,，、\s]+", value):
                if not pair:
                    continue
                bar, _sep, share = pair.partition(":")
                if not share:
                    bar, _sep, share = pair.partition("：")
                if not share:
                    raise ValueError(_("Write each step as bar:share, e.g. 分档=90:1,80:0.5."))
                steps.append((_number(bar, "steps"), _share(share)))
            try:
                rules.check_steps(steps)
            except ValueError as exc:
                raise ValueError(_("The steps need distinct bars and shares between 0 and 1 (e.g. 90:1,80:0.5).")) from exc
            found["steps"] = steps
        elif name == "grade":
            grade = GRADE_WORDS.get(value, value.lower())
            if grade not in rules.GRADES:
                raise ValueError(_("The grade is one of 优秀, 良好, 合格, 不合格."))
            found["grade"] = grade
        else:
            found[name] = _number(value, name)
    return found


def text(params: dict) -> str:
    """The inverse of :func:`parse` (stable key order)."""
    parts = []
    for key in ("reference", "bar", "steps", "low", "high", "floor", "grade"):
        if params.get(key) in (None, "", []):
            continue
        value = params[key]
        if key == "steps":
            value = ",".join(f"{rules.points_text(Decimal(bar))}:{rules.points_text(Decimal(share))}" for bar, share in value)
        elif key == "grade":
            value = GRADE_NAMES.get(value, value)
        else:
            value = rules.points_text(Decimal(value)) if Decimal(value) == Decimal(value).quantize(rules.CENT) else f"{Decimal(value):f}"
        parts.append(f"{LABELS[key]}={value}")
    return "; ".join(parts)


def stored(params: dict) -> dict:
    """For a JSONField: Decimals as strings."""
    out = {}
    for key, value in params.items():
        if key == "steps":
            out[key] = [[str(bar), str(share)] for bar, share in value]
        elif isinstance(value, Decimal):
            out[key] = str(value)
        else:
            out[key] = value
    return out


def loaded(params: dict) -> dict:
    out = {}
    for key, value in (params or {}).items():
        if key == "steps":
            out[key] = [(Decimal(bar), Decimal(share)) for bar, share in value]
        elif key == "grade":
            out[key] = value
        elif value is not None:
            out[key] = Decimal(str(value))
    return out
