"""python manage.py create_api_token USERNAME [--expires 90d] [--name …] [--system --region CODE [--department CODE] [--create]]

Prints a new token once (only its digest is kept). ``--system`` makes a system token for an
external platform: scoped to a region (and optionally a department). ``--create`` also creates the
system account (no password: it cannot sign in to the pages), a liaison of ``--department`` so
that it may push that department's indicator values."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from api.models import ApiToken
from api.tokens import parse_duration, token_create
from tasks.models import Department, Membership, Region


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--expires", default="90d", help="Lifetime: 90d (default), 12w, 24h.")
        parser.add_argument("--name", default="", help="What the token is for.")
        parser.add_argument("--system", action="store_true", help="A system token for an external platform.")
        parser.add_argument("--region", default="", help="Region (division code or id) the token is limited to.")
        parser.add_argument("--department", default="", help="Department code (in --region) the token is limited to.")
        parser.add_argument("--create", action="store_true", help="Create the system account if it does not exist.")

    @transaction.atomic
    def handle(self, *args, username, expires, name, system, region, department, create, **options):
        try:
            lifetime = parse_duration(expires)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        region_obj = None
        if region:
            region_obj = Region.objects.filter(code=region).first() or (
                Region.objects.filter(pk=int(region)).first() if region.isdigit() else None
            )
            if region_obj is None:
                raise CommandError(f"No region {region!r}.")
        department_obj = None
        if department:
            if region_obj is None:
                raise CommandError("--department needs --region.")
            department_obj = Department.objects.filter(region=region_obj, code=department).first()
            if department_obj is None:
                raise CommandError(f"No department {department!r} in {region_obj}.")
        users = get_user_model().objects
        user = users.filter(username=username).first()
        if user is None:
            if not (create and system):
                raise CommandError(f"No account {username!r} (use --system --create to create a system account).")
            user = users.create_user(username=username, display_name=name or username)
            user.set_unusable_password()
            user.save(update_fields=["password"])
            if department_obj is not None:
                Membership.objects.create(user=user, department=department_obj, role=Membership.Role.LIAISON)
        try:
            token, raw = token_create(
                user=user,
                name=name or username,
                kind=ApiToken.Kind.SYSTEM if system else ApiToken.Kind.PERSONAL,
                region=region_obj,
                department=department_obj,
                lifetime=lifetime,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stderr.write(f"Token {token.prefix}… for {user.username}, expires {token.expires_at:%Y-%m-%d %H:%M %Z}. Shown once:")
        self.stdout.write(raw)
