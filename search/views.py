"""/search/?q=…: every kind the user may see, grouped; ?kind=… every match of one kind, paginated."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from common.pagination import TailPaginator, clamp_per_page, page_number, total_order
from search import selectors

PER_PAGE = 25


def _problem(q: str) -> str:
    """Why ``q`` is not searched, or "" when it is."""
    if not q:
        return _("Type a name, a title or a number to search for.")
    if len(q) < selectors.MIN_LENGTH:
        return _("Type at least %(count)d characters.") % {"count": selectors.MIN_LENGTH}
    if len(q) > selectors.MAX_LENGTH:
        return _("The search is too long: at most %(count)d characters.") % {"count": selectors.MAX_LENGTH}
    return ""


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    q = selectors.normalize(request.GET.get("q"))
    problem = _problem(q)
    kind = selectors.KINDS_BY_KEY.get(request.GET.get("kind", ""))
    context = {"q": q, "problem": problem, "kind": kind, "kinds": selectors.KINDS}
    if problem:
        return render(request, "search/results.html", context)
    if kind is None:
        groups = selectors.search(user=request.user, q=q)
        context.update(groups=groups, found=any(group.count for group in groups))
        return render(request, "search/results.html", context)
    paginator = TailPaginator(total_order(selectors.kind_rows(kind, request.user, q)), clamp_per_page(request.GET.get("per_page"), PER_PAGE))
    page = paginator.page(page_number(request.GET.get("page"), paginator.num_pages))
    context.update(page=page, hits=[kind.hit(row) for row in page.object_list])
    return render(request, "search/results.html", context)
