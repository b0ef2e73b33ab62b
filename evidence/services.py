"""Writes on evidence files. Every entry point (views of the owner apps, commands) calls these.

Who may attach, review or remove a file is decided by the caller (the owner's app): these
functions only keep the rules of the file itself and write the audit trail.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.services import audit_record
from evidence.models import Evidence, EvidenceQuerySet
from evidence.validation import check_upload

REMOVED = "removed"  # the audit trail's to_state of a removal


def _digest(upload: UploadedFile) -> tuple[str, int]:
    """SHA-256 (hex) and size in bytes, read in chunks."""
    sha256 = hashlib.sha256()
    size = 0
    for chunk in upload.chunks():
        sha256.update(chunk)
        size += len(chunk)
    upload.seek(0)
    return sha256.hexdigest(), size


def evidence_attach(*, owner: models.Model, upload: UploadedFile, user: User) -> Evidence:
    """Check ``upload`` and attach it to ``owner``; raises ValidationError (and stores nothing) if refused."""
    if owner.pk is None:
        raise ValueError("Save the owner before attaching evidence to it.")
    detected = check_upload(upload)
    sha256, size = _digest(upload)
    content_type = ContentType.objects.get_for_model(owner)
    evidence = Evidence(
        content_type=content_type,
        object_id=owner.pk,
        original_name=detected.name,
        media_type=detected.media_type,
        size=size,
        sha256=sha256,
        uploaded_by=user,
    )
    stored_name = ""
    try:
        with transaction.atomic():
            # Only the detected extension reaches the storage name (see evidence_upload_to).
            evidence.file.save(f"evidence{detected.extension}", upload, save=False)
            stored_name = evidence.file.name
            evidence.save()
            audit_record(
                subject=evidence,
                actor=user,
                action="evidence_attach",
                to_state=evidence.review_status,
                comment=evidence.original_name,
                data={
                    "owner_type": f"{content_type.app_label}.{content_type.model}",
                    "owner_id": owner.pk,
                    "media_type": evidence.media_type,
                    "size": size,
                    "sha256": sha256,
                },
            )
    except BaseException:
        # The row was not written: the stored bytes belong to nothing.
        if stored_name:
            evidence.file.storage.delete(stored_name)
        raise
    return evidence


def evidence_review(*, evidence: Evidence, accepted: bool, reason: str, user: User) -> Evidence:
    """Accept or reject a file; rejecting needs a reason. A file may be reviewed again."""
    reason = (reason or "").strip()
    if not accepted and not reason:
        raise ValidationError(
            _("Give the reason for rejecting “%(name)s”."),
            code="reason_required",
            params={"name": evidence.original_name},
        )
    with transaction.atomic():
        current = Evidence.objects.select_for_update().get(pk=evidence.pk)
        if current.is_removed:
            raise ValidationError(
                _("“%(name)s” has been removed and cannot be reviewed."),
                code="removed",
                params={"name": current.original_name},
            )
        before = current.review_status
        evidence.review_status = (
            Evidence.ReviewStatus.ACCEPTED if accepted else Evidence.ReviewStatus.REJECTED
        )
        evidence.review_reason = reason
        evidence.reviewed_by = user
        evidence.reviewed_at = timezone.now()
        evidence.save(update_fields=["review_status", "review_reason", "reviewed_by", "reviewed_at"])
        audit_record(
            subject=evidence,
            actor=user,
            action="evidence_review",
            from_state=before,
            to_state=evidence.review_status,
            comment=reason,
        )
    return evidence


def evidence_remove(*, evidence: Evidence, user: User) -> None:
    """Hide a file (the bytes are kept). Removing a removed file does nothing."""
    with transaction.atomic():
        current = Evidence.objects.select_for_update().get(pk=evidence.pk)
        if current.is_removed:
            evidence.removed_at, evidence.removed_by_id = current.removed_at, current.removed_by_id
            return
        evidence.removed_at = timezone.now()
        evidence.removed_by = user
        evidence.save(update_fields=["removed_at", "removed_by"])
        audit_record(
            subject=evidence,
            actor=user,
            action="evidence_remove",
            from_state=current.review_status,
            to_state=REMOVED,
            comment=evidence.original_name,
        )


def evidence_for(owner: models.Model) -> EvidenceQuerySet:
    """The live (not removed) files of ``owner``, oldest first, with their uploader and reviewer."""
    return Evidence.objects.for_owner(owner).live().select_related("uploaded_by", "reviewed_by")


def evidence_of_each(owners: Iterable[models.Model]) -> dict[int, list[Evidence]]:
    """The live files of several owners of one model in one query: {owner pk: [files, oldest first]}."""
    owners = list(owners)
    if not owners:
        return {}
    files: dict[int, list[Evidence]] = {owner.pk: [] for owner in owners}
    rows = (
        Evidence.objects.filter(
            content_type=ContentType.objects.get_for_model(owners[0]), object_id__in=list(files)
        )
        .live()
        .select_related("uploaded_by", "reviewed_by")
        .order_by("uploaded_at", "pk")
    )
    for evidence in rows:
        files[evidence.object_id].append(evidence)
    return files


def with_evidence(owners: Iterable[models.Model], attribute: str = "files") -> list:
    """``owners`` as a list, each with its live files set on ``attribute`` (one query in all)."""
    owners = list(owners)
    files = evidence_of_each(owners)
    for owner in owners:
        setattr(owner, attribute, files.get(owner.pk, []))
    return owners


def evidence_copy(pairs: Iterable[tuple[models.Model, models.Model]]) -> int:
    """Attach the live files of each (old owner, new owner) pair to the new owner as well — the same
    stored bytes (files are never deleted, only marked removed), a row of its own with its review.
    For a record copied into a new version (a re-run assessment). One read, one insert."""
    pairs = [(old, new) for old, new in pairs]
    if not pairs:
        return 0
    new_of = {old.pk: new for old, new in pairs}
    kind = ContentType.objects.get_for_model(pairs[0][0])
    copies = []
    for evidence in Evidence.objects.filter(content_type=kind, object_id__in=list(new_of)).live().order_by("pk"):
        new = new_of[evidence.object_id]
        copies.append(
            Evidence(
                content_type=ContentType.objects.get_for_model(new), object_id=new.pk, file=evidence.file.name,
                original_name=evidence.original_name, media_type=evidence.media_type, size=evidence.size,
                sha256=evidence.sha256, uploaded_by_id=evidence.uploaded_by_id, uploaded_at=evidence.uploaded_at,
                review_status=evidence.review_status, review_reason=evidence.review_reason,
                reviewed_by_id=evidence.reviewed_by_id, reviewed_at=evidence.reviewed_at,
            )
        )
    Evidence.objects.bulk_create(copies)
    return len(copies)


def evidence_attach_all(*, owner, uploads: Iterable, user: User) -> list:
    """Attach every upload or none: when one is refused, the files already stored in this call
    are deleted too (the transaction drops their rows; nothing else would drop their bytes)."""
    attached = []
    try:
        for upload in uploads:
            attached.append(evidence_attach(owner=owner, upload=upload, user=user))
    except BaseException:
        for evidence in attached:
            evidence.file.storage.delete(evidence.file.name)
        raise
    return attached
