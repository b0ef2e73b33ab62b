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

from assessment import rules
from assessment.models import AssessmentScheme, BonusDeduction, RegionScore, SchemeItem, ScoreAdjustment
from assessment.selectors import prefectures
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
    return sum((item.weight for item in items), Decimal(0))


def check_weights(items) -> None:
    """The items' points must add up to 100 before the scheme is computed or signed off."""
    items = list(items)
    if not items:
        raise ValidationError(_("The scheme has no items: add the indicators and other items first."))
    total = weights_total(items)
    if total != HUNDRED:
        raise ValidationError(
            _("The points of the items add up to %(total)s, not 100: change the weights first.")
            % {"total": rules.points_text(total)}
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


def _clean_item(scheme: AssessmentScheme, *, kind, indicator, weight, rule, reference, floor_share, item=None) -> dict:
    if kind not in SchemeItem.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of item.")})
    if rule not in SchemeItem.Rule.values:
        raise ValidationError({"rule": _("Choose a scoring rule.")})
    weight = _decimal(weight, "weight", _("The points"))
    if weight is None or weight <= 0 or weight > HUNDRED:
        raise ValidationError({"weight": _("The points must be more than 0 and at most 100.")})
    if weight != weight.quantize(Decimal("0.01")):
        raise ValidationError({"weight": _("The points take at most two decimals.")})
    reference = _decimal(reference, "reference", _("The reference value"))
    if reference is not None and reference <= 0:
        raise ValidationError({"reference": _("The reference value must be more than 0.")})
    floor_share = _decimal(floor_share, "floor_share", _("The floor share"))
    if floor_share is None:
        floor_share = Decimal("0.60")
    if not Decimal(0) <= floor_share <= Decimal(1):
        raise ValidationError({"floor_share": _("The floor share lies between 0 and 1 (e.g. 0.6).")})
    others = scheme.items.exclude(pk=item.pk) if item is not None else scheme.items.all()
    if kind == SchemeItem.Kind.INDICATOR:
        if indicator is None:
            raise ValidationError({"indicator": _("Choose the indicator.")})
        if indicator.plan_id != scheme.plan_id:
            raise ValidationError({"indicator": _("Choose an indicator of the scheme's own plan.")})
        if not indicator.is_numeric:
            raise ValidationError({"indicator": _("A qualitative indicator cannot be scored from values.")})
        if others.filter(indicator=indicator).exists():
            raise ValidationError({"indicator": _("This indicator is already an item of the scheme.")})
    else:
        indicator = None
        if others.filter(kind=kind).exists():
            raise ValidationError({"kind": _("The scheme already has this item.")})
    return {
        "kind": kind,
        "indicator": indicator,
        "weight": weight,
        "rule": rule,
        "reference": reference,
        "floor_share": floor_share,
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
    reference=None, floor_share=None,
) -> SchemeItem:
    scheme = _locked(scheme)
    data = _clean_item(
        scheme, kind=kind, indicator=indicator, weight=weight, rule=rule, reference=reference, floor_share=floor_share
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
def item_edit(*, item: SchemeItem, weight, rule: str, user, reference=None, floor_share=None) -> SchemeItem:
    scheme = _locked(item.scheme)
    item = SchemeItem.objects.select_related("indicator").get(pk=item.pk)
    data = _clean_item(
        scheme, kind=item.kind, indicator=item.indicator, weight=weight, rule=rule, reference=reference,
        floor_share=floor_share, item=item,
    )
    before = f"{item.weight} {item.rule}"
    for field in ("weight", "rule", "reference", "floor_share"):
        setattr(item, field, data[field])
    item.save(update_fields=["weight", "rule", "reference", "floor_share"])
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


@transaction.atomic
def bonus_add(*, scheme: AssessmentScheme, region: Region, points, reason: str, user) -> BonusDeduction:
    scheme = _locked(scheme)
    value = _decimal(points, "points", _("The points"))
    if value is None or value == 0:
        raise ValidationError({"points": _("Give the points: positive for a bonus, negative for a deduction.")})
    if abs(value) > HUNDRED or value != value.quantize(Decimal("0.01")):
        raise ValidationError({"points": _("The points lie between −100 and 100, with at most two decimals.")})
    reason = _reason(reason)
    if not prefectures(scheme).filter(pk=region.pk).exists():
        raise ValidationError({"region": _("The plan was not cascaded to this region.")})
    bonus = BonusDeduction.objects.create(scheme=scheme, region=region, points=value, reason=reason, created_by=user)
    audit_record(
        subject=scheme, actor=user, action="create", comment=reason,
        data={"bonus": bonus.pk, "region": region.pk, "points": str(value)},
    )
    return bonus


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


def _indicator_scores(item: SchemeItem, year: int, regions) -> dict[int, tuple]:
    """Region id → (raw value, target, score) of an indicator item, from one roll-up."""
    indicator = item.indicator
    lower = indicator.lower_is_better  # ≤ / <, or ≥ / > on a ratio 1:N stored as N
    rows = {row.region.pk: row for row in rollup(indicator, year).rows}
    values = {region.pk: (rows[region.pk].figure.value if region.pk in rows else None) for region in regions}
    targets = {region.pk: (rows[region.pk].target if region.pk in rows else None) for region in regions}
    reference = item.reference
    if reference is None and item.rule in (SchemeItem.Rule.PROPORTIONAL, SchemeItem.Rule.YES_NO):
        reference = year_target(Indicator.objects.prefetch_related("annual_targets").get(pk=indicator.pk), year)
    if reference is None and indicator.unit_kind == Indicator.UnitKind.YES_NO:
        reference = Decimal(1)
    result = {}
    for region in regions:
        value, target = values[region.pk], targets[region.pk]
        if item.rule == SchemeItem.Rule.TARGET:
            score = rules.target_score(value, target, item.weight, lower_is_better=lower)
        elif item.rule == SchemeItem.Rule.PROPORTIONAL:
            score = rules.proportional_score(value, reference, item.weight, lower_is_better=lower)
        elif item.rule == SchemeItem.Rule.BANDED:
            score = rules.banded_score(
                value, list(values.values()), item.weight, floor_share=item.floor_share, lower_is_better=lower
            )
        else:  # yes/no: the item's reference if set, else the prefecture's own target
            bar = item.reference if item.reference is not None else (target if target is not None else reference)
            score = rules.yes_no_score(rules.reaches(value, bar, lower_is_better=lower, strict=indicator.is_strict), item.weight)
        result[region.pk] = (value, target, score)
    return result


def _share_scores(item: SchemeItem, shares: dict[int, Decimal | None], regions) -> dict[int, tuple]:
    """Region id → (share %, reference, score) of a share item; nothing to count → full marks."""
    bar = item.reference if item.reference is not None else HUNDRED
    values = {region.pk: shares.get(region.pk) for region in regions}
    present = [v for v in values.values() if v is not None]
    result = {}
    for region in regions:
        value = values[region.pk]
        if value is None:
            score = rules.points(Decimal(1), item.weight)
        elif item.rule == SchemeItem.Rule.BANDED:
            score = rules.banded_score(value, present, item.weight, floor_share=item.floor_share)
        elif item.rule == SchemeItem.Rule.YES_NO:
            score = rules.yes_no_score(rules.reaches(value, bar), item.weight)
        else:
            score = rules.proportional_score(value, bar, item.weight)
        result[region.pk] = (value, bar, score)
    return result


@transaction.atomic
def compute(*, scheme: AssessmentScheme, user, today: datetime.date | None = None) -> AssessmentScheme:
    """Score every prefecture the plan was cascaded to on every item, from the tracked data.

    Refused once signed off. Scores of an earlier computation are replaced; a supervisor's
    adjustments are kept (they override the new computed score too). Queries do not grow with the
    number of prefectures: one roll-up per indicator item, one or two grouped queries per share item.
    """
    scheme = _locked(scheme)
    today = today or timezone.localdate()
    items = list(scheme.items.select_related("indicator"))
    check_weights(items)
    regions = list(prefectures(scheme))
    if not regions:
        raise ValidationError(_("The plan has not been cascaded to any prefecture: there is nobody to assess."))
    plan, year = scheme.plan, scheme.year
    computed: dict[tuple[int, int], tuple] = {}
    share_sources = {
        SchemeItem.Kind.TASK_COMPLETION: lambda: task_completion_shares(plan, year),
        SchemeItem.Kind.TIMELINESS: lambda: timeliness_shares(plan, year, today),
        SchemeItem.Kind.NOTICES_ON_TIME: lambda: notice_shares(plan, year, today),
    }
    for item in items:
        if item.kind == SchemeItem.Kind.INDICATOR:
            by_region = _indicator_scores(item, year, regions)
        else:
            by_region = _share_scores(item, share_sources[item.kind](), regions)
        for region_id, triple in by_region.items():
            computed[(region_id, item.pk)] = triple

    region_ids = [region.pk for region in regions]
    scheme.scores.exclude(region_id__in=region_ids).delete()
    existing = {(s.region_id, s.item_id): s for s in scheme.scores.all()}
    to_create, to_update = [], []
    for (region_id, item_id), (value, target, score) in computed.items():
        row = existing.get((region_id, item_id))
        if row is None:
            to_create.append(
                RegionScore(scheme=scheme, region_id=region_id, item_id=item_id, raw_value=value, target=target, score=score)
            )
        else:
            row.raw_value, row.target, row.score = value, target, score
            to_update.append(row)
    RegionScore.objects.bulk_create(to_create)
    RegionScore.objects.bulk_update(to_update, ["raw_value", "target", "score"])
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


@transaction.atomic
def sign_off(*, scheme: AssessmentScheme, user) -> AssessmentScheme:
    """Freeze the scores: from now on the ranking is read from the stored scores only."""
    scheme = _locked(scheme)
    check_weights(scheme.items.all())
    if scheme.status != AssessmentScheme.Status.COMPUTED:
        raise ValidationError(_("Compute the scores (again) before signing off."))
    old = scheme.status
    scheme.status = AssessmentScheme.Status.SIGNED_OFF
    scheme.signed_off_by = user
    scheme.signed_off_at = timezone.now()
    scheme.save(update_fields=["status", "signed_off_by", "signed_off_at"])
    audit_record(subject=scheme, actor=user, action="sign_off", from_state=old, to_state=scheme.status)
    return scheme
