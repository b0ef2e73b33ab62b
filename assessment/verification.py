"""Sampled on-site verification (抽查) and the choice of the prefectures assessed in a year.

``draw`` records a seed and draws, for one prefecture, ``reports_each`` approved reports and
``files_each`` evidence files per indicator item and per cascaded task:

- per indicator item: the prefecture's approved values of the year of its (cascaded) indicator, and
  the evidence files attached to them;
- per key task cascaded to the prefecture: its approved progress reports of the year, and the
  evidence files attached to them.

The same population and seed always draw the same items (``rules.draw_sample``); each pool is drawn
with the seed and the pool's name, so that pools do not draw in step. Assessors then record, per
sampled item, confirmed or discrepancy (with the verified value and a note); the scheme's rule turns
discrepancies into points (``AssessmentScheme.verified_replaces``: the verified annual value of an
indicator replaces the reported one at the next computation; ``discrepancy_points`` are taken off
per discrepancy). The prefecture sees its sample and may respond once per discrepancy before sign-off.
"""

from __future__ import annotations

import secrets

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment import rules
from assessment.models import AssessmentScheme, Sample, SampledItem, SchemeItem
from assessment.selectors import assessed_prefectures, prefectures
from assessment.services import _back_to_draft, _decimal, _locked
from audit.services import audit_record
from evidence.models import Evidence
from indicators.models import IndicatorValue
from notifications.models import Notification
from notifications.services import notify
from tasks.access import staff_overseeing
from tasks.models import KeyTask, ProgressReport, Region

MAX_EACH = 50


def _pools(scheme: AssessmentScheme, region: Region) -> list[tuple[str, SchemeItem | None, str, list]]:
    """(pool name, item, source, [(key, object, label, value)]) for every indicator item and task."""
    pools = []
    value_type = ContentType.objects.get_for_model(IndicatorValue)
    report_type = ContentType.objects.get_for_model(ProgressReport)
    items = [item for item in scheme.items.select_related("indicator") if item.kind == SchemeItem.Kind.INDICATOR]
    values = list(
        IndicatorValue.objects.filter(
            indicator__parent__in=[item.indicator_id for item in items], region=region, year=scheme.year,
            status=IndicatorValue.Status.APPROVED,
        ).select_related("indicator")
    )
    files = list(
        Evidence.objects.live().filter(content_type=value_type, object_id__in=[v.pk for v in values]).order_by("pk")
    )
    for item in items:
        mine = [v for v in values if v.indicator.parent_id == item.indicator_id]
        pools.append((f"value-{item.indicator_id}", item, SampledItem.Source.VALUE,
                      [(v.pk, v, f"{item.label} · {v.period_code}", v.value) for v in mine]))
        ids = {v.pk for v in mine}
        pools.append((f"value-files-{item.indicator_id}", item, SampledItem.Source.EVIDENCE,
                      [(f.pk, f, f"{item.label} · {f.original_name}", None) for f in files if f.object_id in ids]))
    tasks = list(KeyTask.objects.filter(plan__parent=scheme.plan, plan__region=region).order_by("code", "pk"))
    reports = list(
        ProgressReport.objects.filter(task__in=tasks, period__year=scheme.year, status=ProgressReport.Status.APPROVED)
        .select_related("period").order_by("pk")
    )
    report_files = list(
        Evidence.objects.live().filter(content_type=report_type, object_id__in=[r.pk for r in reports]).order_by("pk")
    )
    for task in tasks:
        mine = [r for r in reports if r.task_id == task.pk]
        pools.append((f"report-{task.pk}", None, SampledItem.Source.REPORT,
                      [(r.pk, r, f"{task.code} {task.title} · {r.period}", None) for r in mine]))
        ids = {r.pk for r in mine}
        pools.append((f"report-files-{task.pk}", None, SampledItem.Source.EVIDENCE,
                      [(f.pk, f, f"{task.code} {task.title} · {f.original_name}", None) for f in report_files if f.object_id in ids]))
    return pools


def _count(value, field: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError({field: _("Give a whole number.")}) from exc
    if not 0 <= number <= MAX_EACH:
        raise ValidationError({field: _("Draw between 0 and %(max)d per indicator or task.") % {"max": MAX_EACH}})
    return number


@transaction.atomic
def draw(*, scheme: AssessmentScheme, region: Region, reports_each, files_each, user, seed: int | None = None) -> Sample:
    """Draw and record the sample of one prefecture (once per prefecture and version)."""
    scheme = _locked(scheme)
    reports_each, files_each = _count(reports_each, "reports_each"), _count(files_each, "files_each")
    if not reports_each and not files_each:
        raise ValidationError({"reports_each": _("Draw at least one report or one file.")})
    if not assessed_prefectures(scheme).filter(pk=region.pk).exists():
        raise ValidationError({"region": _("The plan was not cascaded to this region.")})
    if Sample.objects.filter(scheme=scheme, region=region).exists():
        raise ValidationError(_("The sample of this prefecture has been drawn already."))
    pools = _pools(scheme, region)
    most_reports = max((len(p[3]) for p in pools if p[2] != SampledItem.Source.EVIDENCE), default=0)
    most_files = max((len(p[3]) for p in pools if p[2] == SampledItem.Source.EVIDENCE), default=0)
    if reports_each > most_reports:
        raise ValidationError(
            {"reports_each": _("Cannot draw %(asked)d approved reports per indicator or task: there are at most %(there)d.")
             % {"asked": reports_each, "there": most_reports}}
        )
    if files_each > most_files:
        raise ValidationError(
            {"files_each": _("Cannot draw %(asked)d evidence files per indicator or task: there are at most %(there)d.")
             % {"asked": files_each, "there": most_files}}
        )
    seed = secrets.randbelow(2**31) if seed is None else int(seed)
    sample = Sample.objects.create(
        scheme=scheme, region=region, seed=seed, reports_each=reports_each, files_each=files_each, drawn_by=user
    )
    rows = []
    for name, item, source, population in pools:
        count = min(files_each if source == SampledItem.Source.EVIDENCE else reports_each, len(population))
        if not count:
            continue
        by_key = {key: (obj, label, value) for key, obj, label, value in population}
        for key in rules.draw_sample(list(by_key), count, f"{seed}-{name}"):
            obj, label, value = by_key[key]
            rows.append(SampledItem(
                sample=sample, source=source, item=item, label=label[:300], reported_value=value,
                indicator_value=obj if isinstance(obj, IndicatorValue) else None,
                report=obj if isinstance(obj, ProgressReport) else None,
                evidence=obj if isinstance(obj, Evidence) else None,
            ))
    SampledItem.objects.bulk_create(rows)
    audit_record(subject=scheme, actor=user, action="sample", data={"region": region.pk, "seed": seed, "items": len(rows)})
    return sample


@transaction.atomic
def check(*, sampled: SampledItem, status: str, user, corrected_value=None, note: str = "") -> SampledItem:
    """An assessor's finding on one sampled item: confirmed, or a discrepancy with the verified value and a note."""
    scheme = _locked(sampled.sample.scheme)
    sampled = SampledItem.objects.select_for_update().get(pk=sampled.pk)
    if status not in (SampledItem.Status.CONFIRMED, SampledItem.Status.DISCREPANCY):
        raise ValidationError({"status": _("Choose confirmed or discrepancy.")})
    note = (note or "").strip()[:1000]
    value = _decimal(corrected_value, "corrected_value", _("The verified value"))
    if status == SampledItem.Status.DISCREPANCY:
        if not note:
            raise ValidationError({"note": _("Say what the discrepancy is.")})
        if sampled.source == SampledItem.Source.VALUE and value is None:
            raise ValidationError({"corrected_value": _("Give the value verified on site.")})
    else:
        value = None
    old = sampled.status
    sampled.status, sampled.corrected_value, sampled.note = status, value, note
    sampled.checked_by, sampled.checked_at = user, timezone.now()
    sampled.save(update_fields=["status", "corrected_value", "note", "checked_by", "checked_at"])
    _back_to_draft(scheme, user)  # a discrepancy changes the scores: compute again
    if status == SampledItem.Status.DISCREPANCY and old != status:
        region = sampled.sample.region
        notify(
            users=staff_overseeing(region, "tasks.review_progressreport").filter(region_staff__region=region),
            kind=Notification.Kind.INFO, message="assessment.sample.discrepancy",
            params={"scheme": scheme.title, "item": sampled.label, "note": note},
            url=f"/assessments/{scheme.pk}/prefectures/{region.pk}/",
        )
    audit_record(subject=scheme, actor=user, action="verify", from_state=old, to_state=status, comment=note,
                 data={"sampled": sampled.pk, "value": None if value is None else str(value)})
    return sampled


@transaction.atomic
def respond(*, sampled: SampledItem, response: str, user) -> SampledItem:
    """The prefecture's one response to a discrepancy, before sign-off."""
    scheme = _locked(sampled.sample.scheme)
    sampled = SampledItem.objects.select_for_update().get(pk=sampled.pk)
    if sampled.status != SampledItem.Status.DISCREPANCY:
        raise ValidationError(_("Only a discrepancy is answered."))
    if sampled.responded_at is not None:
        raise ValidationError(_("The prefecture has responded already: one response per discrepancy."))
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": _("Write the response.")})
    sampled.response, sampled.responded_by, sampled.responded_at = response[:2000], user, timezone.now()
    sampled.save(update_fields=["response", "responded_by", "responded_at"])
    audit_record(subject=scheme, actor=user, action="respond", comment=response[:200], data={"sampled": sampled.pk})
    notify(
        users=staff_overseeing(scheme.plan.region, "tasks.review_progressreport").filter(region_staff__region=scheme.plan.region),
        kind=Notification.Kind.INFO, message="assessment.sample.responded",
        params={"scheme": scheme.title, "region": sampled.sample.region.name, "response": sampled.response[:500]},
        url=f"/assessments/{scheme.pk}/prefectures/{sampled.sample.region_id}/",
    )
    return sampled


@transaction.atomic
def choose_prefectures(*, scheme: AssessmentScheme, count, user, seed: int | None = None) -> list[Region]:
    """Assess a sample of the prefectures this year: ``count`` of them drawn from a recorded seed,
    at least a third (the national rule); all of them: ``count`` = their number."""
    scheme = _locked(scheme)
    regions = list(prefectures(scheme))
    try:
        count = int(count)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"count": _("Give a whole number.")}) from exc
    least = rules.minimum_assessed(len(regions))
    if not least <= count <= len(regions):
        raise ValidationError(
            {"count": _("Assess between %(least)d (a third) and %(all)d prefectures.") % {"least": least, "all": len(regions)}}
        )
    seed = secrets.randbelow(2**31) if seed is None else int(seed)
    chosen = set(rules.draw_sample([r.pk for r in regions], count, seed))
    scheme.assessed.set([r for r in regions if r.pk in chosen])
    scheme.assessed_seed = seed
    scheme.save(update_fields=["assessed_seed"])
    _back_to_draft(scheme, user)
    audit_record(subject=scheme, actor=user, action="change", data={"assessed": sorted(chosen), "seed": seed})
    return [r for r in regions if r.pk in chosen]
