"""Indicator values pushed by external systems, through the same services as values typed on the
pages (``indicators.services.value_save`` / ``value_submit``): the same unit checks, rights,
review lifecycle, audit trail and notifications. What is the API's own: the idempotency key
(``external_id``), the scope of the token, and all-or-nothing bulk pushes."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions

from api import scope
from api.models import ValuePush
from api.problems import Conflict, Unprocessable, flatten, from_django_validation
from audit.services import audit_record
from indicators import services as indicator_services
from indicators.models import Indicator, IndicatorValue
from tasks.models import Region

CONTENT_FIELDS = ("indicator", "region", "year", "period_code", "value", "numerator", "denominator", "text", "source")


@dataclass
class PushResult:
    external_id: str
    outcome: str  # created · updated · unchanged
    value: IndicatorValue


def content_hash(item: dict) -> str:
    content = {field: item.get(field) for field in CONTENT_FIELDS}
    content["period_code"] = (content["period_code"] or "").strip().upper() or str(content["year"])
    content = {key: (None if value in ("", None) else str(value)) for key, value in content.items()}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _indicator(user, pk: int) -> Indicator:
    indicator = scope.indicators(user).select_related("plan__region", "department").filter(pk=pk).first()
    if indicator is None:  # unknown, or another region's or department's: the same answer
        raise Unprocessable({"indicator": [_("No indicator with this id in your scope.")]}, code="unknown")
    return indicator


def _region(user, indicator: Indicator, pk: int | None) -> Region:
    if pk is None:
        region = indicator.plan.region
    else:
        region = Region.objects.filter(pk=pk, path__startswith=indicator.plan.region.path).first()
        if region is None:
            raise Unprocessable({"region": [_("No region with this id in the indicator's plan.")]}, code="unknown")
    if not Region.objects.filter(scope.regions_writable(user), pk=region.pk).exists():
        raise Unprocessable({"region": [_("The region is outside your token's scope.")]}, code="out_of_scope")
    return region


def _typed(item: dict) -> dict:
    return {field: item[field] for field in ("value", "numerator", "denominator", "text", "source") if field in item}


def _same_content(record: IndicatorValue, cleaned: dict) -> bool:
    return all(getattr(record, field) == value for field, value in cleaned.items())


def value_push(*, user, item: dict, token=None) -> PushResult:
    """Push one value (already shaped by ``ValuePushSerializer``). Atomic; refused pushes change nothing."""
    with transaction.atomic():
        external_id = item["external_id"].strip()
        if not external_id:
            raise Unprocessable({"external_id": [_("This field may not be blank.")]})
        digest = content_hash(item)
        earlier = ValuePush.objects.select_for_update().select_related("value").filter(user=user, external_id=external_id).first()
        if earlier is not None:
            if earlier.content_hash == digest:
                return PushResult(external_id, "unchanged", earlier.value)
            raise Conflict(
                {"external_id": [_("This external_id was pushed before with other content: send a new external_id for a corrected value.")]},
                code="duplicate_external_id",
            )
        indicator = _indicator(user, item["indicator"])
        region = _region(user, indicator, item.get("region"))
        code = (item.get("period_code") or "").strip().upper() or str(item["year"])  # value_save checks it
        try:
            cleaned = indicator_services.clean_value_data(indicator, _typed(item))
        except ValidationError as exc:
            raise from_django_validation(exc) from exc
        existing = IndicatorValue.objects.filter(indicator=indicator, year=item["year"], period_code=code, region=region).first()
        if existing is not None and not existing.is_editable:
            if _same_content(existing, cleaned):
                outcome, record = "unchanged", existing
            else:
                raise Conflict(
                    {"value": [
                        _("The value of %(period)s is %(status)s: a changed value is refused unless a supervisor returns it.")
                        % {"period": code, "status": existing.get_status_display()}
                    ]},
                    code="value_locked",
                )
        elif existing is not None and _same_content(existing, cleaned) and not item.get("submit", True):
            outcome, record = "unchanged", existing
        else:
            try:
                record = indicator_services.value_save(
                    user=user, indicator=indicator, year=item["year"], period_code=code, region=region, data=_typed(item)
                )
                if item.get("submit", True):
                    record = indicator_services.value_submit(record=record, user=user)
            except ValidationError as exc:
                raise from_django_validation(exc) from exc
            outcome = "created" if existing is None else "updated"
            audit_record(
                subject=record, actor=user, action="api_push", to_state=record.status, comment=external_id,
                data={"token": getattr(token, "pk", None), "outcome": outcome},
            )
        ValuePush.objects.create(user=user, external_id=external_id, content_hash=digest, value=record, token=token)
        return PushResult(external_id, outcome, record)


def values_push_bulk(*, user, items: list[dict], token=None) -> list[PushResult]:
    """All or nothing: every item is tried (so that every error is reported, by its index); if any
    fails, nothing is kept and the errors are raised together."""
    results, errors = [], []
    seen: dict[str, tuple[str, int]] = {}  # external_id → (content, index of its first item)
    with transaction.atomic():
        for index, item in enumerate(items):
            key, digest = (item.get("external_id") or "").strip(), content_hash(item)
            if key in seen:
                if seen[key][0] != digest:
                    errors.append({"field": f"items.{index}.external_id", "detail": str(_("The same external_id twice with different content.")), "code": "duplicate_external_id"})
                else:  # the same item twice: pushed once, answered twice
                    first = next((r for r in results if r.external_id == key), None)
                    if first is not None:
                        results.append(PushResult(key, "unchanged", first.value))
                continue
            seen[key] = (digest, index)
            try:
                with transaction.atomic():
                    results.append(value_push(user=user, item=item, token=token))
            except (exceptions.APIException, PermissionDenied) as exc:
                if isinstance(exc, PermissionDenied):
                    exc = exceptions.PermissionDenied()
                for error in flatten(exc.detail) if not isinstance(exc.detail, str) else [{"field": None, "detail": str(exc.detail), "code": exc.default_code}]:
                    field = f"items.{index}" + (f".{error['field']}" if error.get("field") else "")
                    errors.append({**error, "field": field})
        if errors:
            transaction.set_rollback(True)
            raise BulkRefused(errors)
    return results


class BulkRefused(Unprocessable):
    def __init__(self, errors: list[dict]):
        super().__init__({"items": [_("No value was saved: correct the items listed and send them all again.")]})
        self.errors = errors
