"""The public progress pages (政务公开): no login, cached, no cookie but the language one.

Every response is built from the cache (``public.cache``): a hit costs no database query. The views
read neither ``request.user`` nor the session and render without a request context (no CSRF token),
so an anonymous visitor gets no session or CSRF cookie and the pages may be cached on the way.
The language comes from the site's language cookie; the switcher here is a plain link
(``public_language``) that sets that cookie, since the site's own switcher posts a CSRF-protected
form."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from common.exports import csv_text
from public import cache, selectors, services
from tasks import access

MISSING = "missing"  # a cached "not published" (so that a 404 costs no query either)


def _max_age() -> int:
    return getattr(settings, "PUBLIC_HTTP_MAX_AGE", 60)


def _respond(body: bytes | None, content_type: str, filename: str | None = None) -> HttpResponse:
    if body is None:
        response = HttpResponse(render_to_string("public/404.html", {"language": get_language()}), status=404)
        response["Cache-Control"] = "no-cache"
    else:
        response = HttpResponse(body, content_type=content_type)
        response["Cache-Control"] = f"public, max-age={_max_age()}"
        if filename:
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_vary_headers(response, ("Cookie",))  # the language cookie
    return response


def _snapshot(pk: int) -> dict | None:
    def build():
        plan = selectors.published_plan(pk)
        return MISSING if plan is None else selectors.plan_snapshot(plan)

    found = cache.cached(f"{get_language()}:plan:{pk}", build)
    return None if found == MISSING else found


def _page(name: str, build) -> bytes | None:
    """The cached body of ``name`` in the active language; None when the plan is not published."""

    def render():
        body = build()
        return MISSING if body is None else body

    body = cache.cached(f"{get_language()}:{name}", render)
    return None if body == MISSING else body


@login_not_required
@require_safe
def public_index(request: HttpRequest) -> HttpResponse:
    def build():
        plans = list(selectors.published_plans())
        return render_to_string("public/index.html", {"plans": plans, "path": request.path}).encode()

    return _respond(_page("index", build), "text/html; charset=utf-8")


@login_not_required
@require_safe
def public_plan(request: HttpRequest, pk: int) -> HttpResponse:
    def build():
        snapshot = _snapshot(pk)
        if snapshot is None:
            return None
        return render_to_string("public/plan.html", {"data": snapshot, "path": request.path}).encode()

    return _respond(_page(f"page:{pk}", build), "text/html; charset=utf-8")


@login_not_required
@require_safe
def public_plan_json(request: HttpRequest, pk: int) -> HttpResponse:
    def build():
        snapshot = _snapshot(pk)
        if snapshot is None:
            return None
        data = {"language": get_language(), **snapshot}
        return json.dumps(data, ensure_ascii=False, indent=1).encode()

    return _respond(_page(f"json:{pk}", build), "application/json; charset=utf-8", f"plan-{pk}.json")


def _csv(rows: list[list]) -> bytes:
    # Open data read by spreadsheets: common.exports keeps a cell from being taken for a formula.
    return ("\ufeff" + csv_text(rows)).encode()  # BOM: Excel opens UTF-8 as such


@login_not_required
@require_safe
def public_tasks_csv(request: HttpRequest, pk: int) -> HttpResponse:
    def build():
        snapshot = _snapshot(pk)
        if snapshot is None:
            return None
        rows = [[_("Section"), _("Number"), _("Key task"), _("Lead department"), _("Deadline"), _("Status"), _("Light"), _("Progress (%)")]]
        for section in snapshot["sections"]:
            for task in section["tasks"]:
                rows.append(
                    [f"{section['code']}{section['title']}", task["code"], task["title"], task["lead"], task["deadline"],
                     task["status_label"], task["light_label"], task["progress"]]
                )
        return _csv(rows)

    return _respond(_page(f"tasks.csv:{pk}", build), "text/csv; charset=utf-8", f"plan-{pk}-tasks.csv")


@login_not_required
@require_safe
def public_indicators_csv(request: HttpRequest, pk: int) -> HttpResponse:
    def build():
        snapshot = _snapshot(pk)
        if snapshot is None:
            return None
        rows = [[_("Number"), _("Indicator"), _("Nature"), _("Baseline"), _("Baseline year"), _("Target"), _("Target year"),
                 _("Latest approved value"), _("Year of the value"), _("Attainment")]]
        for row in snapshot["indicators"]:
            rows.append(
                [row["code"], row["name"], row["nature"], row["baseline"] or "", row["baseline_year"] or "", row["target"],
                 row["target_year"], row["latest"] or "", row["latest_year"] or "", row["attainment_label"]]
            )
        return _csv(rows)

    return _respond(_page(f"indicators.csv:{pk}", build), "text/csv; charset=utf-8", f"plan-{pk}-indicators.csv")


@login_not_required
@require_safe
def public_language(request: HttpRequest) -> HttpResponse:
    """Switch the language with a link: sets the site's language cookie (nothing else) and goes back."""
    target = request.GET.get("next") or reverse("public:index")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = reverse("public:index")
    response = HttpResponseRedirect(target)
    language = request.GET.get("language")
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def plan_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish or withdraw a plan's public page (administrators of its region; confirmed in the page)."""
    plan = access.get_plan_for_user(request.user, pk)
    published = request.POST.get("published") == "1"
    services.publication_set(plan=plan, user=request.user, published=published)  # PermissionDenied → 403
    if published:
        messages.success(request, _("The public page of %(plan)s is published.") % {"plan": plan.title})
    else:
        messages.success(request, _("The public page of %(plan)s is withdrawn.") % {"plan": plan.title})
    return redirect(plan)
