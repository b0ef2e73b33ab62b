"""Who may see an export: the person who asked for it, nobody else (not even an administrator —
the file holds what *their* scope showed)."""

from django.http import Http404

from accounts.models import User
from exports.models import ExportJob


def get_export_for_user(user: User, pk: int) -> ExportJob:
    job = ExportJob.objects.filter(pk=pk, requested_by_id=user.pk).first() if user.is_authenticated else None
    if job is None:
        raise Http404
    return job
