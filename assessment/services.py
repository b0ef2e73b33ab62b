"""Writes of the assessment (考核): schemes, items, bonuses/deductions, computing, adjusting, signing off.

Every function is atomic, refuses bad input with a translated ``ValidationError`` (nothing changes)
and writes the audit trail.

Where the raw values come from (``compute``):

- **indicator** items: ``indicators.rollup.rollup(indicator, year)`` — one roll-up per item, each
  prefecture's approved annual figure and its own (cascaded) target;
- **task completion**: of the key tasks the province cascaded to the prefecture (``KeyTask.parent`` in
  the scheme's plan) that had started by the end of the year, the share (%) that are completed, or
  whose latest approved progress report of the year assesses them as completed or on track;
- **timeliness**: of the progress reports of the year on the prefecture's cascaded plan that were
  submitted or are past their due date, the share submitted on time (not ``is_late``);
- **notices answered on time**: of the supervision notices of the year on the prefecture's cascaded
  plan that were answered or are past their deadline, the share answered by ``response_due_on``.

For the three shares, a prefecture with nothing to count (no task, report or notice of the year)
gets full marks: no notice issued means nothing was left unanswered. An indicator without a value
earns no points. Only the plans cascaded directly from the scheme's plan count (a county's plan
below a prefecture's is not the prefecture's own work here).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment import params as rule_params
from assessment import rules
from assessment.models import (
    AssessmentScheme,
    BonusDeduction,
    Grade,
    Judgement,
    RegionScore,
    SampledItem,
    SchemeItem,
    ScoreAdjustment,
    SelfScore,
    Veto,
)
from assessment.selectors import assessed_prefectures, snapshot
from audit.services import audit_record
from indicators.attainment import year_target
from indicators.models import Indicator
from indicators.rollup import rollup
from supervision.models import SupervisionNotice
from tasks.models import KeyTask, Plan, ProgressReport, Region

HUNDRED = Decimal(100)
SHARE_KINDS = (SchemeItem.Kind.TASK_COMPLETION, SchemeItem.Kind.TIMELINESS, SchemeItem.Kind.NOTICES_ON_TIME)


# --- checks --------------------------------------------------------------------------------


def _refuse_signed_off(scheme: AssessmentScheme) -> None:
    if scheme.status == AssessmentScheme.Status.SIGNED_OFF:
        raise ValidationError(_("The assessment has been signed off: its scores can no longer change."))


def _locked(scheme: AssessmentScheme) -> AssessmentScheme:
    """The scheme re-read under a row lock (concurrent compute / sign-off wait for each other)."""
    locked = AssessmentScheme.objects.select_for_update().select_related("plan").get(pk=scheme.pk)
    _refuse_signed_off(locked)
    return locked


def weights_total(items) -> Decimal:
    """The points of the items counted in the total (bonus, deduction and veto items are not)."""
    return sum((item.weight for item in items if item.in_total), Decimal(0))


def check_weights(items, total_points: Decimal = HUNDRED) -> None:
    """The items' points must add up to the scheme's total before it is computed or signed off."""
    items = [item for item in items if item.in_total]
    if not items:
        raise ValidationError(_("The scheme has no items: add the indicators and other items first."))
    total = weights_total(items)
    if total != total_points:
        raise ValidationError(
            _("The points of the items add up to %(total)s, not %(points)s: change the weights first.")
            % {"total": rules.points_text(total), "points": rules.points_text(total_points)}
        )


def _decimal(value, field: str, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: _("%(label)s must be a number.") % {"label": label}}) from exc
    if not number.is_finite():
        raise ValidationError({field: _("%(label)s must be a number.") % {"label": label}})
    return number


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    if len(reason) > 1000:
        raise ValidationError({"reason": _("The reason is too long (at most 1000 characters).")})
    return reason


# --- schemes -------------------------------------------------------------------------------


@transaction.atomic
def scheme_create(*, plan: Plan, year: int, title: str, user) -> AssessmentScheme:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the scheme a title.")})
    if year not in plan.years:
        raise ValidationError(
            {"year": _("The year must lie within the plan's period (%(start)d–%(end)d).") % {"start": plan.start_year, "end": plan.end_year}}
        )
    if AssessmentScheme.objects.filter(plan=plan, year=year).exists():
        raise ValidationError({"year": _("The plan already has an assessment scheme for %(year)d.") % {"year": year}})
    scheme = AssessmentScheme.objects.create(plan=plan, year=year, title=title[:200], created_by=user)
    audit_record(subject=scheme, actor=user, action="create", to_state=scheme.status, data={"year": year})
    return scheme


@transaction.atomic
def scheme_edit(*, scheme: AssessmentScheme, title: str, user) -> AssessmentScheme:
    scheme = _locked(scheme)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the scheme a title.")})
    old = scheme.title
    scheme.title = title[:200]
    scheme.save(update_fields=["title"])
    audit_record(subject=scheme, actor=user, action="change", comment=f"{old} → {scheme.title}")
    return scheme


def _clean_item(
    scheme: AssessmentScheme, *, kind, indicator, weight, rule, reference, floor_share, item=None, title="",
    params_text: str | None = None, source: str = "",
) -> dict:
    if kind not in SchemeItem.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of item.")})
    if rule not in SchemeItem.Rule.values:
        raise ValidationError({"rule": _("Choose a scoring rule.")})
    try:
        given = rule_params.parse(params_text or "")
    except ValueError as exc:
        raise ValidationError({"params": str(exc)}) from exc
    if "reference" in given:
        reference = given.pop("reference")
    if "floor" in given:
        floor_share = given.pop("floor")
    weight = _decimal(weight, "weight", _("The points"))
    in_total = rule not in SchemeItem.NOT_IN_TOTAL
    if rule in (SchemeItem.Rule.BONUS, SchemeItem.Rule.DEDUCTION):
        if weight is None or weight < 0:
            raise ValidationError({"weight": _("The cap of a bonus or deduction item cannot be below zero.")})
    elif rule == SchemeItem.Rule.VETO:
        weight = Decimal(0)
    elif weight is None or weight <= 0 or weight > scheme.total_points:
        raise ValidationError(
            {"weight": _("The points must be more than 0 and at most %(total)s.") % {"total": rules.points_text(scheme.total_points)}}
        )
    if weight != weight.quantize(Decimal("0.01")) or weight > Decimal(1000):
        raise ValidationError({"weight": _("The points take at most two decimals.")})
    reference = _decimal(reference, "reference", _("The reference value"))
    if reference is not None and reference <= 0:
        raise ValidationError({"reference": _("The reference value must be more than 0.")})
    floor_share = _decimal(floor_share, "floor_share", _("The floor share"))
    if floor_share is None:
        floor_share = Decimal("0.60")
    if not Decimal(0) <= floor_share <= Decimal(1):
        raise ValidationError({"floor_share": _("The floor share lies between 0 and 1 (e.g. 0.6).")})
    stored: dict = {}
    if rule == SchemeItem.Rule.THRESHOLD:
        if "bar" not in given:
            raise ValidationError({"params": _("A threshold item needs its bar: 达标值=…")})
        stored["bar"] = given["bar"]
    elif rule == SchemeItem.Rule.STEPPED:
        if "steps" not in given:
            raise ValidationError({"params": _("A stepped item needs its steps: 分档=90:1,80:0.5")})
        stored["steps"] = given["steps"]
    elif rule == SchemeItem.Rule.BANDED:
        low, high = given.get("low", Decimal(10)), given.get("high", Decimal(90))
        if not Decimal(0) <= low < high <= HUNDRED:
            raise ValidationError(
                {"params": _("The percentile bounds are out of order: the low one must lie below the high one, both between 0 and 100.")}
            )
        stored.update(low=low, high=high)
    elif rule == SchemeItem.Rule.VETO:
        stored["grade"] = given.get("grade", Grade.GOOD)
    others = scheme.items.exclude(pk=item.pk) if item is not None else scheme.items.all()
    title = (title or "").strip()[:200]
    if kind == SchemeItem.Kind.INDICATOR:
        if indicator is None:
            raise ValidationError({"indicator": _("Choose the indicator.")})
        if indicator.plan_id != scheme.plan_id:
            raise ValidationError({"indicator": _("Choose an indicator of the scheme's own plan.")})
        if not indicator.is_numeric and in_total:
            raise ValidationError({"indicator": _("A qualitative indicator cannot be scored from values.")})
        if others.filter(indicator=indicator).exists():
            raise ValidationError({"indicator": _("This indicator is already an item of the scheme.")})
        if rule == SchemeItem.Rule.JUDGED or not in_total:
            raise ValidationError({"rule": _("Indicators are scored from their values: choose a rule that reads them.")})
    elif kind == SchemeItem.Kind.OTHER:
        indicator = None
        if not title:
            raise ValidationError({"title": _("Give the item a title.")})
        if in_total and rule != SchemeItem.Rule.JUDGED:
            raise ValidationError({"rule": _("An item judged by the assessors is scored yes/no by a supervisor, or is a bonus, deduction or veto item.")})
    else:
        indicator = None
        if others.filter(kind=kind).exists():
            raise ValidationError({"kind": _("The scheme already has this item.")})
        if not in_total or rule == SchemeItem.Rule.JUDGED:
            raise ValidationError({"rule": _("This item is computed from the tracked data: choose a rule that reads it.")})
    return {
        "kind": kind,
        "indicator": indicator,
        "title": title if kind == SchemeItem.Kind.OTHER else "",
        "weight": weight,
        "rule": rule,
        "reference": reference,
        "floor_share": floor_share,
        "params": rule_params.stored(stored),
        "source": (source or "").strip()[:200],
    }


def _back_to_draft(scheme: AssessmentScheme, user) -> None:
    """Changing the items makes the computed scores stale: the scheme must be computed again."""
    if scheme.status == AssessmentScheme.Status.COMPUTED:
        scheme.status = AssessmentScheme.Status.DRAFT
        scheme.save(update_fields=["status"])
        audit_record(subject=scheme, actor=user, action="status", from_state="computed", to_state="draft")


@transaction.atomic
def item_add(
    *, scheme: AssessmentScheme, kind: str, weight, rule: str, user, indicator: Indicator | None = None,
    reference=None, floor_share=None, title: str = "", params: str = "", source: str = "",
) -> SchemeItem:
    scheme = _locked(scheme)
    data = _clean_item(
        scheme, kind=kind, indicator=indicator, weight=weight, rule=rule, reference=reference, floor_share=floor_share,
        title=title, params_text=params, source=source,
    )
    position = (scheme.items.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    item = SchemeItem.objects.create(scheme=scheme, position=position, **data)
    _back_to_draft(scheme, user)
    audit_record(
        subject=scheme, actor=user, action="create", comment=item.label,
        data={"item": item.pk, "weight": str(item.weight), "rule": item.rule},
    )
    return item


@transaction.atomic
def item_edit(
    *, item: SchemeItem, weight, rule: str, user, reference=None, floor_share=None, params: str | None = None,
    source: str | None = None,
) -> SchemeItem:
    scheme = _locked(item.scheme)
    item = SchemeItem.objects.select_related("indicator").get(pk=item.pk)
    if params is None:  # not given: the item's own parameters stay
        params = rule_params.text(rule_params.loaded(item.params))
    data = _clean_item(
        scheme, kind=item.kind, indicator=item.indicator, weight=weight, rule=rule, reference=reference,
        floor_share=floor_share, item=item, title=item.title, params_text=params,
        source=item.source if source is None else source,
    )
    before = f"{item.weight} {item.rule}"
    fields = ["weight", "rule", "reference", "floor_share", "params", "source"]
    for field in fields:
        setattr(item, field, data[field])
    item.save(update_fields=fields)
    _back_to_draft(scheme, user)
    audit_record(
        subject=scheme, actor=user, action="change", comment=item.label,
        from_state="", to_state="", data={"item": item.pk, "from": before, "to": f"{item.weight} {item.rule}"},
    )
    return item


@transaction.atomic
def item_remove(*, item: SchemeItem, user) -> None:
    scheme = _locked(item.scheme)
    label = item.label
    item.delete()  # its scores go with it
    _back_to_draft(scheme, user)
    audit_record(subject=scheme, actor=user, action="change", comment=_("Item removed: %(item)s") % {"item": label})


# --- bonuses and deductions ----------------------------------------------------------------


def _assessed_region(scheme: AssessmentScheme, region: Region) -> None:
    if not assessed_prefectures(scheme).filter(pk=region.pk).exists():
        raise ValidationError({"region": _("The plan was not cascaded to this region.")})


def _scheme_item(scheme: AssessmentScheme, item: SchemeItem | None, *rules_allowed) -> SchemeItem | None:
    if item is None:
        return None
    if item.scheme_id != scheme.pk or item.rule not in rules_allowed:
        raise ValidationError({"item": _("Choose an item of this scheme of the right kind.")})
    return item


@transaction.atomic
def bonus_add(
    *, scheme: AssessmentScheme, region: Region, points, reason: str, user, item: SchemeItem | None = None, evidence=()
) -> BonusDeduction:
    """A bonus (加分, positive) or a deduction (扣分, negative) with its reason and evidence files; on
    a bonus or deduction item of the scheme its sign follows the item. Caps (per item, per
    prefecture) are applied when the totals are read, so that every entry stays on record."""
    scheme = _locked(scheme)
    item = _scheme_item(scheme, item, SchemeItem.Rule.BONUS, SchemeItem.Rule.DEDUCTION)
    value = _decimal(points, "points", _("The points"))
    if value is None or value == 0:
        raise ValidationError({"points": _("Give the points: positive for a bonus, negative for a deduction.")})
    if abs(value) > HUNDRED or value != value.quantize(Decimal("0.01")):
        raise ValidationError({"points": _("The points lie between −100 and 100, with at most two decimals.")})
    if item is not None:
        value = abs(value) if item.rule == SchemeItem.Rule.BONUS else -abs(value)
    reason = _reason(reason)
    _assessed_region(scheme, region)
    bonus = BonusDeduction.objects.create(
        scheme=scheme, item=item, region=region, points=value, reason=reason, created_by=user
    )
    _attach(bonus, evidence, user)
    audit_record(
        subject=scheme, actor=user, action="create", comment=reason,
        data={"bonus": bonus.pk, "region": region.pk, "points": str(value), "item": item.pk if item else None},
    )
    return bonus


def _attach(owner, uploads, user) -> None:
    if uploads:
        from evidence.services import evidence_attach_all

        evidence_attach_all(owner=owner, uploads=uploads, user=user)


# --- vetoes, judgements, self-assessment ---------------------------------------------------


@transaction.atomic
def veto_add(
    *, scheme: AssessmentScheme, item: SchemeItem, region: Region, incident: str, user, notice=None, link: str = "",
    evidence=(),
) -> Veto:
    """一票否决: a serious incident against a prefecture; its grade is capped by the item's 最高等级."""
    scheme = _locked(scheme)
    item = _scheme_item(scheme, item, SchemeItem.Rule.VETO)
    if item is None:
        raise ValidationError({"item": _("Choose the veto item.")})
    incident = (incident or "").strip()
    if not incident:
        raise ValidationError({"incident": _("Describe the incident.")})
    _assessed_region(scheme, region)
    if notice is not None and notice.task.plan.region_id != region.pk:
        raise ValidationError({"notice": _("The notice was not issued to this prefecture.")})
    veto = Veto.objects.create(
        scheme=scheme, item=item, region=region, incident=incident[:1000], notice=notice, link=(link or "")[:200],
        cap=item.params.get("grade", Grade.GOOD), created_by=user,
    )
    _attach(veto, evidence, user)
    audit_record(subject=scheme, actor=user, action="create", comment=incident[:200], data={"veto": veto.pk, "region": region.pk})
    return veto


@transaction.atomic
def veto_remove(*, veto: Veto, user) -> None:
    _locked(veto.scheme)
    audit_record(subject=veto.scheme, actor=user, action="change", comment=_("Veto removed: %(region)s") % {"region": veto.region.name})
    veto.delete()


@transaction.atomic
def judge(*, scheme: AssessmentScheme, item: SchemeItem, region: Region, met: bool, note: str, user, evidence=()) -> Judgement:
    """A supervisor's yes/no on a judged item for one prefecture (the next computation reads it)."""
    scheme = _locked(scheme)
    item = _scheme_item(scheme, item, SchemeItem.Rule.JUDGED)
    if item is None:
        raise ValidationError({"item": _("Choose the item to judge.")})
    _assessed_region(scheme, region)
    judgement, _created = Judgement.objects.update_or_create(
        item=item, region=region,
        defaults={"scheme": scheme, "met": bool(met), "note": (note or "").strip()[:1000], "judged_by": user},
    )
    _attach(judgement, evidence, user)
    _back_to_draft(scheme, user)
    audit_record(subject=scheme, actor=user, action="score", comment=item.label, data={"region": region.pk, "met": bool(met)})
    return judgement


@transaction.atomic
def self_score(*, scheme: AssessmentScheme, region: Region, scores: dict, user, notes: dict | None = None) -> list[SelfScore]:
    """A prefecture's self-assessment (自评): ``scores`` maps item → points (empty: not scored)."""
    scheme = _locked(scheme)
    _assessed_region(scheme, region)
    saved = []
    notes = notes or {}
    for item, raw in scores.items():
        if item.scheme_id != scheme.pk or not item.in_total:
            raise ValidationError(_("Choose an item of this scheme of the right kind."))
        value = _decimal(raw, "points", item.label)
        if value is None:
            SelfScore.objects.filter(item=item, region=region).delete()
            continue
        if not Decimal(0) <= value <= item.weight or value != value.quantize(Decimal("0.01")):
            raise ValidationError(
                _("%(item)s: the score lies between 0 and %(points)s, with at most two decimals.")
                % {"item": item.label, "points": rules.points_text(item.weight)}
            )
        row, _created = SelfScore.objects.update_or_create(
            item=item, region=region,
            defaults={"scheme": scheme, "points": value, "note": (notes.get(item) or "").strip()[:1000], "entered_by": user},
        )
        saved.append(row)
    audit_record(subject=scheme, actor=user, action="self_assess", data={"region": region.pk, "items": len(saved)})
    return saved


@transaction.atomic
def scheme_settings(
    *, scheme: AssessmentScheme, user, total_points=None, excellent_from=None, good_from=None, pass_from=None,
    bonus_cap=None, deduction_cap=None, verified_replaces=None, discrepancy_points=None,
) -> AssessmentScheme:
    """The scheme's total, grade cut-offs, caps and discrepancy rule."""
    scheme = _locked(scheme)
    values = {
        "total_points": _decimal(total_points, "total_points", _("The total points")),
        "excellent_from": _decimal(excellent_from, "excellent_from", _("The cut-off")),
        "good_from": _decimal(good_from, "good_from", _("The cut-off")),
        "pass_from": _decimal(pass_from, "pass_from", _("The cut-off")),
        "bonus_cap": _decimal(bonus_cap, "bonus_cap", _("The cap")),
        "deduction_cap": _decimal(deduction_cap, "deduction_cap", _("The cap")),
        "discrepancy_points": _decimal(discrepancy_points, "discrepancy_points", _("The deduction")),
    }
    for key in ("total_points", "excellent_from", "good_from", "pass_from"):
        if values[key] is None:
            values[key] = getattr(scheme, key)
    if values["discrepancy_points"] is None:
        values["discrepancy_points"] = Decimal(0)
    if values["total_points"] <= 0:
        raise ValidationError({"total_points": _("The total points must be more than 0.")})
    for key in ("bonus_cap", "deduction_cap", "discrepancy_points"):
        if values[key] is not None and values[key] < 0:
            raise ValidationError({key: _("A cap or deduction cannot be below zero.")})
    try:
        rules.check_cutoffs(values["excellent_from"], values["good_from"], values["pass_from"])
    except ValueError as exc:
        raise ValidationError(
            {"excellent_from": _("The cut-offs must fall: Excellent above Good above Pass, none below zero.")}
        ) from exc
    if values["excellent_from"] > values["total_points"]:
        raise ValidationError({"excellent_from": _("The cut-off of Excellent lies above the total points.")})
    for key, value in values.items():
        setattr(scheme, key, value)
    if verified_replaces is not None:
        scheme.verified_replaces = bool(verified_replaces)
    scheme.save(update_fields=[*values, "verified_replaces"])
    _back_to_draft(scheme, user)
    audit_record(subject=scheme, actor=user, action="change", data={k: str(v) for k, v in values.items()})
    return scheme


@transaction.atomic
def bonus_remove(*, bonus: BonusDeduction, user) -> None:
    _locked(bonus.scheme)
    audit_record(
        subject=bonus.scheme, actor=user, action="change",
        comment=_("Bonus or deduction removed: %(region)s %(points)s (%(reason)s)")
        % {"region": bonus.region.name, "points": f"{bonus.points:+}", "reason": bonus.reason},
    )
    bonus.delete()


# --- computing -----------------------------------------------------------------------------


def _share(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(Decimal("0.01"))


def task_completion_shares(plan: Plan, year: int) -> dict[int, Decimal | None]:
    """Region id → % of its cascaded tasks completed or on track in ``year`` (two queries)."""
    year_end = datetime.date(year, 12, 31)
    tasks = list(
        KeyTask.objects.filter(parent__plan=plan, plan__parent=plan, start_date__lte=year_end).values_list(
            "pk", "plan__region_id", "status"
        )
    )
    latest: dict[int, str] = {}
    for task_id, assessment in (
        ProgressReport.objects.filter(
            task__parent__plan=plan, task__plan__parent=plan, period__year=year, status=ProgressReport.Status.APPROVED
        )
        .order_by("task_id", "period__ends_on", "pk")
        .values_list("task_id", "assessment")
    ):
        latest[task_id] = assessment  # ordered: the last report of the year wins
    good = {ProgressReport.Assessment.COMPLETED, ProgressReport.Assessment.ON_TRACK}
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for task_id, region_id, status in tasks:
        counts[region_id][1] += 1
        if status == KeyTask.Status.COMPLETED or latest.get(task_id) in good:
            counts[region_id][0] += 1
    return {region_id: _share(done, total) for region_id, (done, total) in counts.items()}


def timeliness_shares(plan: Plan, year: int, today: datetime.date) -> dict[int, Decimal | None]:
    """Region id → % of its reports of ``year`` (submitted or past due) submitted on time (one query)."""
    rows = (
        ProgressReport.objects.filter(task__plan__parent=plan, period__year=year)
        .filter(Q(submitted_at__isnull=False) | Q(due_on__lt=today))
        .values("task__plan__region_id")
        .annotate(due=Count("pk"), on_time=Count("pk", filter=Q(submitted_at__isnull=False, is_late=False)))
        .order_by()
    )
    return {row["task__plan__region_id"]: _share(row["on_time"], row["due"]) for row in rows}


def notice_shares(plan: Plan, year: int, today: datetime.date) -> dict[int, Decimal | None]:
    """Region id → % of its notices of ``year`` (answered or past their deadline) answered in time."""
    rows = (
        SupervisionNotice.objects.filter(task__plan__parent=plan, year=year)
        .filter(Q(responded_at__isnull=False) | Q(response_due_on__lt=today))
        .values("task__plan__region_id")
        .annotate(
            due=Count("pk"),
            on_time=Count("pk", filter=Q(responded_at__isnull=False, responded_at__date__lte=F("response_due_on"))),
        )
        .order_by()
    )
    return {row["task__plan__region_id"]: _share(row["on_time"], row["due"]) for row in rows}


def _text(value) -> str | None:
    return None if value is None else str(value)


def score_values(
    item: SchemeItem, values: dict, targets: dict, *, reference, lower: bool = False, strict: bool = False,
    missing_full: bool = False,
) -> dict[int, tuple[Decimal, dict]]:
    """Region id → (score, the parameters used) of one item, from every region's value and target.
    Pure (no database): the rule maths of ``rules`` with the item's parameters."""
    extra = rule_params.loaded(item.params)
    used_common = {"rule": item.rule, "weight": str(item.weight), "lower_is_better": lower}
    result: dict[int, tuple[Decimal, dict]] = {}
    bounds = None
    if item.rule == SchemeItem.Rule.BANDED:
        low, high = extra.get("low", Decimal(10)) / HUNDRED, extra.get("high", Decimal(90)) / HUNDRED
        bounds = rules.band_bounds(list(values.values()), low=low, high=high, lower_is_better=lower)
    for region_id, value in values.items():
        target = targets.get(region_id)
        used = dict(used_common)
        if value is None and missing_full:
            score = rules.points(Decimal(1), item.weight)
            used["nothing_to_count"] = True
        elif item.rule == SchemeItem.Rule.TARGET:
            score = rules.target_score(value, target, item.weight, lower_is_better=lower)
            used["target"] = _text(target)
        elif item.rule == SchemeItem.Rule.PROPORTIONAL:
            score = rules.proportional_score(value, reference, item.weight, lower_is_better=lower)
            used["reference"] = _text(reference)
        elif item.rule == SchemeItem.Rule.THRESHOLD:
            score = rules.threshold_score(value, extra["bar"], item.weight, lower_is_better=lower, strict=strict)
            used["bar"] = _text(extra["bar"])
        elif item.rule == SchemeItem.Rule.STEPPED:
            score = rules.stepped_score(value, extra["steps"], item.weight, lower_is_better=lower)
            used["steps"] = [[str(bar), str(share)] for bar, share in extra["steps"]]
        elif item.rule == SchemeItem.Rule.BANDED:
            score = rules.banded_score(
                value, list(values.values()), item.weight, floor_share=item.floor_share, low=low, high=high,
                lower_is_better=lower,
            )
            used.update(
                low=str(extra.get("low", Decimal(10))), high=str(extra.get("high", Decimal(90))), floor=str(item.floor_share),
                p_low=_text(bounds[0].quantize(Decimal("0.0001"))) if bounds else None,
                p_high=_text(bounds[1].quantize(Decimal("0.0001"))) if bounds else None,
            )
        else:  # yes/no: the item's reference if set, else the prefecture's own target, else the province's
            bar = item.reference if item.reference is not None else (target if target is not None else reference)
            score = rules.yes_no_score(rules.reaches(value, bar, lower_is_better=lower, strict=strict), item.weight)
            used["bar"] = _text(bar)
        result[region_id] = (score, used)
    return result


def _verified_values(scheme: AssessmentScheme) -> dict[tuple[int, int], Decimal]:
    """(region id, province indicator id) → the value verified on site, where a discrepancy on the
    prefecture's annual figure replaces it (the scheme's rule says whether it does)."""
    if not scheme.verified_replaces:
        return {}
    rows = SampledItem.objects.filter(
        sample__scheme=scheme, status=SampledItem.Status.DISCREPANCY, source=SampledItem.Source.VALUE,
        corrected_value__isnull=False, indicator_value__period_code=str(scheme.year),
    ).values_list("sample__region_id", "indicator_value__indicator__parent_id", "corrected_value")
    return {(region_id, indicator_id): value for region_id, indicator_id, value in rows}


def _indicator_scores(item: SchemeItem, year: int, regions, verified: dict) -> dict[int, tuple]:
    """Region id → (raw value, target, score, params, reported value) of an indicator item, from one roll-up."""
    indicator = item.indicator
    lower = indicator.lower_is_better  # ≤ / <, or ≥ / > on a ratio 1:N stored as N
    rows = {row.region.pk: row for row in rollup(indicator, year).rows}
    reported = {region.pk: (rows[region.pk].figure.value if region.pk in rows else None) for region in regions}
    values = {pk: verified.get((pk, indicator.pk), value) for pk, value in reported.items()}
    targets = {region.pk: (rows[region.pk].target if region.pk in rows else None) for region in regions}
    reference = item.reference
    if reference is None and item.rule in (SchemeItem.Rule.PROPORTIONAL, SchemeItem.Rule.YES_NO):
        reference = year_target(Indicator.objects.prefetch_related("annual_targets").get(pk=indicator.pk), year)
    if reference is None and indicator.unit_kind == Indicator.UnitKind.YES_NO:
        reference = Decimal(1)
    scored = score_values(item, values, targets, reference=reference, lower=lower, strict=indicator.is_strict)
    return {
        pk: (values[pk], targets[pk], score, used, reported[pk] if (pk, indicator.pk) in verified else None)
        for pk, (score, used) in scored.items()
    }


def _share_scores(item: SchemeItem, shares: dict[int, Decimal | None], regions) -> dict[int, tuple]:
    """Region id → (share %, reference, score, params, None) of a share item; nothing to count → full marks."""
    bar = item.reference if item.reference is not None else HUNDRED
    values = {region.pk: shares.get(region.pk) for region in regions}
    if item.rule == SchemeItem.Rule.BANDED:  # the band is drawn from the prefectures with something to count
        present = {pk: v for pk, v in values.items() if v is not None}
        scored = score_values(item, present, {}, reference=bar)
        scored.update(score_values(item, {pk: None for pk in values if pk not in present}, {}, reference=bar, missing_full=True))
    else:
        scored = score_values(item, values, dict.fromkeys(values, bar), reference=bar, missing_full=True)
    return {pk: (values[pk], bar, score, used, None) for pk, (score, used) in scored.items()}


def _judged_scores(item: SchemeItem, regions) -> dict[int, tuple]:
    """Region id → (1/0/None, None, score, params, None): a supervisor's yes/no; not judged: 0."""
    judged = dict(Judgement.objects.filter(item=item).values_list("region_id", "met"))
    result = {}
    for region in regions:
        met = judged.get(region.pk)
        used = {"rule": item.rule, "weight": str(item.weight), "met": met}
        value = None if met is None else Decimal(int(met))
        result[region.pk] = (value, None, rules.yes_no_score(met, item.weight), used, None)
    return result


@transaction.atomic
def compute(*, scheme: AssessmentScheme, user, today: datetime.date | None = None) -> AssessmentScheme:
    """Score every prefecture assessed (all those the plan was cascaded to, or the ones drawn) on
    every item counted in the total, from the tracked data (values verified on site replace the
    reported ones where the scheme says so).

    Refused once signed off. Scores of an earlier computation are replaced; a supervisor's
    adjustments are kept (they override the new computed score too). Queries do not grow with the
    number of prefectures: one roll-up per indicator item, one or two grouped queries per share item.
    """
    scheme = _locked(scheme)
    today = today or timezone.localdate()
    items = [item for item in scheme.items.select_related("indicator") if item.in_total]
    check_weights(items, scheme.total_points)
    regions = list(assessed_prefectures(scheme))
    if not regions:
        raise ValidationError(_("The plan has not been cascaded to any prefecture: there is nobody to assess."))
    plan, year = scheme.plan, scheme.year
    computed: dict[tuple[int, int], tuple] = {}
    share_sources = {
        SchemeItem.Kind.TASK_COMPLETION: lambda: task_completion_shares(plan, year),
        SchemeItem.Kind.TIMELINESS: lambda: timeliness_shares(plan, year, today),
        SchemeItem.Kind.NOTICES_ON_TIME: lambda: notice_shares(plan, year, today),
    }
    verified = _verified_values(scheme) if any(item.kind == SchemeItem.Kind.INDICATOR for item in items) else {}
    for item in items:
        if item.rule == SchemeItem.Rule.JUDGED:
            by_region = _judged_scores(item, regions)
        elif item.kind == SchemeItem.Kind.INDICATOR:
            by_region = _indicator_scores(item, year, regions, verified)
        else:
            by_region = _share_scores(item, share_sources[item.kind](), regions)
        for region_id, row in by_region.items():
            computed[(region_id, item.pk)] = row

    region_ids = [region.pk for region in regions]
    scheme.scores.exclude(region_id__in=region_ids).delete()
    scheme.scores.exclude(item__in=items).delete()
    existing = {(s.region_id, s.item_id): s for s in scheme.scores.all()}
    to_create, to_update = [], []
    for (region_id, item_id), (value, target, score, used, reported) in computed.items():
        row = existing.get((region_id, item_id))
        if row is None:
            to_create.append(
                RegionScore(
                    scheme=scheme, region_id=region_id, item_id=item_id, raw_value=value, target=target, score=score,
                    params=used, reported_value=reported,
                )
            )
        else:
            row.raw_value, row.target, row.score, row.params, row.reported_value = value, target, score, used, reported
            to_update.append(row)
    RegionScore.objects.bulk_create(to_create)
    RegionScore.objects.bulk_update(to_update, ["raw_value", "target", "score", "params", "reported_value"])
    old = scheme.status
    scheme.status = AssessmentScheme.Status.COMPUTED
    scheme.computed_at = timezone.now()
    scheme.save(update_fields=["status", "computed_at"])
    audit_record(
        subject=scheme, actor=user, action="status", from_state=old, to_state=scheme.status,
        data={"prefectures": len(regions), "items": len(items)},
    )
    return scheme


@transaction.atomic
def score_adjust(*, score: RegionScore, new_score, reason: str, user) -> RegionScore:
    """A supervisor's correction of one prefecture's score on one item, with the reason (audited)."""
    _locked(score.scheme)
    score = RegionScore.objects.select_for_update().select_related("item", "region").get(pk=score.pk)
    value = _decimal(new_score, "new_score", _("The new score"))
    if value is None:
        raise ValidationError({"new_score": _("Give the new score.")})
    if not Decimal(0) <= value <= score.item.weight or value != value.quantize(Decimal("0.01")):
        raise ValidationError(
            {"new_score": _("The score lies between 0 and the item's %(points)s points, with at most two decimals.")
             % {"points": rules.points_text(score.item.weight)}}
        )
    reason = _reason(reason)
    old = score.effective
    if value == old:
        raise ValidationError({"new_score": _("The new score is the same as the current one.")})
    ScoreAdjustment.objects.create(score=score, old_score=old, new_score=value, reason=reason, adjusted_by=user)
    score.adjusted_score = value
    score.save(update_fields=["adjusted_score"])
    audit_record(
        subject=score, actor=user, action="score", from_state=str(old), to_state=str(value), comment=reason,
        data={"scheme": score.scheme_id, "region": score.region_id, "item": score.item_id},
    )
    return score


def freeze(scheme: AssessmentScheme) -> dict:
    """Everything the signed-off scores used (``selectors.snapshot``), stored at sign-off."""
    return snapshot(scheme)


@transaction.atomic
def sign_off(*, scheme: AssessmentScheme, user) -> AssessmentScheme:
    """Freeze the scores: from now on the ranking is read from the stored scores only."""
    scheme = _locked(scheme)
    check_weights(scheme.items.all(), scheme.total_points)
    if scheme.status != AssessmentScheme.Status.COMPUTED:
        raise ValidationError(_("Compute the scores (again) before signing off."))
    old = scheme.status
    scheme.status = AssessmentScheme.Status.SIGNED_OFF
    scheme.signed_off_by = user
    scheme.signed_off_at = timezone.now()
    scheme.snapshot = freeze(scheme)
    scheme.save(update_fields=["status", "signed_off_by", "signed_off_at", "snapshot"])
    audit_record(subject=scheme, actor=user, action="sign_off", from_state=old, to_state=scheme.status)
    return scheme


# --- versions: a re-run of a signed-off assessment ------------------------------------------


@transaction.atomic
def rerun(*, scheme: AssessmentScheme, user, today: datetime.date | None = None) -> AssessmentScheme:
    """A new version of a signed-off assessment, computed from today's data: the scheme, its items
    and parameters, bonuses, deductions, vetoes, judgements, self-assessment and the on-site
    samples with their checks are copied; the signed-off version stays as it was frozen."""
    scheme = AssessmentScheme.objects.select_for_update().select_related("plan").get(pk=scheme.pk)
    if not scheme.is_signed_off:
        raise ValidationError(_("Only a signed-off assessment is re-run; this one can still be computed again."))
    if scheme.reruns.exists():
        raise ValidationError(_("This version has been re-run already: re-run the latest version."))
    latest = AssessmentScheme.objects.filter(plan=scheme.plan, year=scheme.year).order_by("-version").first()
    copy = AssessmentScheme.objects.create(
        plan=scheme.plan, year=scheme.year, title=scheme.title, created_by=user, version=latest.version + 1, previous=scheme,
        **{key: getattr(scheme, key) for key in (
            "total_points", "excellent_from", "good_from", "pass_from", "bonus_cap", "deduction_cap",
            "verified_replaces", "discrepancy_points", "assessed_seed",
        )},
    )
    copy.assessed.set(scheme.assessed.all())
    items = {}
    for item in scheme.items.order_by("position", "pk"):
        old_pk = item.pk
        item.pk = None
        item.scheme = copy
        item.save()
        items[old_pk] = item
    for model, fields in (
        (BonusDeduction, ("region_id", "points", "reason", "created_by_id")),
        (Veto, ("region_id", "incident", "notice_id", "link", "cap", "created_by_id")),
        (Judgement, ("region_id", "met", "note", "judged_by_id")),
        (SelfScore, ("region_id", "points", "note", "entered_by_id")),
    ):
        rows, olds = [], list(model.objects.filter(scheme=scheme).order_by("pk"))
        for old in olds:
            values = {field: getattr(old, field) for field in fields}
            if hasattr(old, "item_id"):
                values["item"] = items.get(old.item_id)
            rows.append(model(scheme=copy, **values))
        created = model.objects.bulk_create(rows)
        from evidence.services import evidence_copy

        if model is not SelfScore:  # bonuses, vetoes and judgements keep their evidence in the new version
            evidence_copy(zip(olds, created, strict=True))
    from assessment.models import Sample

    for sample in Sample.objects.filter(scheme=scheme).prefetch_related("items"):
        sampled = list(sample.items.all())
        sample.pk = None
        sample.scheme = copy
        sample.save()
        for row in sampled:
            row.pk = None
            row.sample = sample
            row.item = items.get(row.item_id)
        SampledItem.objects.bulk_create(sampled)
    audit_record(subject=copy, actor=user, action="create", to_state=copy.status, data={"rerun_of": scheme.pk, "version": copy.version})
    return compute(scheme=copy, user=user, today=today)
