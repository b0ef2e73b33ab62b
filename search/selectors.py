"""The header's search: one query string, the six kinds of things a user may open, each read
through its own gatekeeper (``tasks.access``, ``supervision.notices``, ``indicators.access``), so
that the search finds exactly what the list pages show and nothing else.

What each kind matches (``icontains``: Django escapes ``%``, ``_`` and ``\\``):

- plans: the title;
- key tasks: the title;
- progress reports: the title of their key task (a report has no title of its own);
- supervision notices: a reference (``督办〔2024〕12号``, ``〔2024〕12``, ``2024-12``: that notice
  alone), or a number (``12``) or part of the title of their key task
  (``supervision.notices.notice_search_q``, the notice list's search too);
- indicators: the name;
- departments: the full name, the short name or an alias (as the department list's search).

On PostgreSQL the titles and names have trigram indexes (``pg_trgm``, ``gin_trgm_ops`` on
``UPPER(column)``, the expression ``icontains`` compares): a query of three characters or more is
looked up in them. Chinese needs no word segmentation: on a database whose LC_CTYPE classifies
CJK as letters (C.UTF-8, zh_CN.UTF-8) a title is one "word" whose every three characters are a
trigram. A query of two characters (one is refused: ``MIN_LENGTH``) has no trigram: the database
reads the kind's rows in the user's scope in the order shown, and stops at ``COUNT_CAP`` matches.

Each kind costs one query: its first ``SHOWN`` rows with the number of matches (counted up to
``COUNT_CAP`` — "500+" beyond that).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Exists, IntegerField, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from indicators.access import visible_indicators
from supervision.notices import notice_search_q, visible_notices
from tasks import access
from tasks.models import DepartmentAlias, KeyTask

MIN_LENGTH = 2
MAX_LENGTH = 100
SHOWN = 10
COUNT_CAP = 500


def normalize(raw: str | None) -> str:
    """The query as searched: whitespace trimmed and runs of it made one space; NUL characters
    (which PostgreSQL refuses in a string) dropped."""
    return " ".join((raw or "").replace("\x00", "").split())


def _visible_plan_ids(user: User) -> list[int]:
    """The plans the user sees, read once per search as a list of ids. Given as a literal list,
    PostgreSQL reads a province's tasks through their plan's index before matching titles; given
    as a subquery, it matched the titles of every task in the country first (the reports' group:
    72 → 24 ms on the national bench)."""
    ids = getattr(user, "_search_plan_ids", None)
    if ids is None:
        ids = user._search_plan_ids = list(access.visible_plans(user).values_list("pk", flat=True))
    return ids


def _matching_tasks(user: User, q: str) -> QuerySet[KeyTask]:
    """Key tasks whose title matches, in the plans the user sees (the reports and notices of
    these; the reports' and notices' own gatekeepers decide which of those the user reads)."""
    return KeyTask.objects.filter(plan_id__in=_visible_plan_ids(user), title__icontains=q)


def plans(user: User, q: str) -> QuerySet:
    return access.visible_plans(user).filter(title__icontains=q)


def tasks(user: User, q: str) -> QuerySet:
    return access.visible_key_tasks(user).filter(plan_id__in=_visible_plan_ids(user), title__icontains=q)


def reports(user: User, q: str) -> QuerySet:
    return access.visible_reports(user).filter(task__in=_matching_tasks(user, q).values("pk"))


def notices(user: User, q: str) -> QuerySet:
    return visible_notices(user).filter(notice_search_q(q))


def indicators(user: User, q: str) -> QuerySet:
    return visible_indicators(user).filter(name__icontains=q)


def departments(user: User, q: str) -> QuerySet:
    aliases = DepartmentAlias.objects.filter(department=OuterRef("pk"), alias__icontains=q)
    return (
        access.visible_departments(user)
        .filter(is_active=True)
        .filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Exists(aliases))
    )


@dataclass(frozen=True)
class Hit:
    title: str
    detail: str
    url: str


def _plan_hit(plan) -> Hit:
    return Hit(plan.title, f"{plan.region.name} · {plan.start_year}–{plan.end_year}", plan.get_absolute_url())


def _task_hit(task) -> Hit:
    return Hit(f"{task.code} {task.title}", task.plan.title, task.get_absolute_url())


def _report_hit(report) -> Hit:
    detail = f"{report.period} · {report.department} · {report.get_status_display()}"
    return Hit(f"{report.task.code} {report.task.title}", detail, report.get_absolute_url())


def _notice_hit(notice) -> Hit:
    detail = f"{notice.task.title} · {notice.department} · {notice.get_status_display()}"
    return Hit(notice.reference, detail, notice.get_absolute_url())


def _indicator_hit(indicator) -> Hit:
    return Hit(f"{indicator.code} {indicator.name}", f"{indicator.plan.title} · {indicator.department}", indicator.get_absolute_url())


def _department_hit(department) -> Hit:
    title = department.name if not department.short_name else f"{department.name}（{department.short_name}）"
    url = reverse("tasks:department_list") + "?" + urlencode({"q": department.name})
    return Hit(title, department.region.name, url)


def _kind_page(key: str) -> Callable[[str], str]:
    return lambda q: reverse("search:search") + "?" + urlencode({"q": q, "kind": key})


def _list_page(name: str) -> Callable[[str], str]:
    return lambda q: reverse(name) + "?" + urlencode({"q": q})


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    matches: Callable[[User, str], QuerySet]
    order: tuple[str, ...]  # an order the database reads from an index (or a small table)
    related: tuple[str, ...]
    hit: Callable[[object], Hit]
    # Every match: the kind's own list filtered with the query where that list has the same
    # search, else this page for the one kind.
    all_url: Callable[[str], str]
    # A list that shows part of the matches, filtered with the query (reports: the archive's approved ones).
    also: tuple[str, Callable[[str], str]] | None = None


KINDS = (
    Kind("plans", _("Plans"), plans, ("-start_year", "title", "pk"), ("region",), _plan_hit, _kind_page("plans")),
    Kind("tasks", _("Key tasks"), tasks, ("-plan_id", "position", "pk"), ("plan",), _task_hit, _kind_page("tasks")),
    Kind(
        "reports", _("Progress reports"), reports, ("-task_id", "-period_id"), ("task", "period", "department"), _report_hit,
        _kind_page("reports"), also=(_("Approved ones in the archive"), _list_page("tasks:archive")),
    ),
    Kind(
        "notices", _("Supervision notices"), notices, ("-year", "-number"), ("task", "department"), _notice_hit,
        _list_page("supervision:notice_list"),
    ),
    Kind("indicators", _("Indicators"), indicators, ("-plan_id", "position", "pk"), ("plan", "department"), _indicator_hit, _kind_page("indicators")),
    Kind(
        "departments", _("Departments"), departments, ("region__code", "position", "name", "pk"), ("region",), _department_hit,
        _list_page("tasks:department_list"),
    ),
)
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}


@dataclass
class Group:
    kind: Kind
    hits: list[Hit]
    count: int  # at most COUNT_CAP
    capped: bool  # COUNT_CAP matches or more
    all_url: str
    also_label: str = ""
    also_url: str = ""


def kind_rows(kind: Kind, user: User, q: str) -> QuerySet:
    """Every match of one kind, in its order, with what its hits show (the kind's own page)."""
    return kind.matches(user, q).select_related(*kind.related).order_by(*kind.order)


def _among(model, ids: QuerySet):
    """A filter keeping the rows whose key is in ``ids`` (a sliced ``values("pk")`` query). On
    PostgreSQL as ``pk = ANY(ARRAY(…))``: the ids are read once and their rows fetched through the
    primary key (``pk IN (subquery)`` lets the planner hash the ids and read the whole table)."""
    if connection.vendor != "postgresql":
        return Q(pk__in=ids)
    sql, params = ids.query.sql_with_params()
    quote = connection.ops.quote_name
    column = f"{quote(model._meta.db_table)}.{quote(model._meta.pk.column)}"
    return RawSQL(f"{column} = ANY(ARRAY({sql}))", params, output_field=BooleanField())


def _how_many(ids: QuerySet) -> RawSQL:
    """How many rows ``ids`` (a sliced query) returns: one scalar subquery, run once."""
    sql, params = ids.query.sql_with_params()
    return RawSQL(f"SELECT COUNT(*) FROM ({sql}) AS search_capped", params, output_field=IntegerField())


def group_rows(kind: Kind, user: User, q: str, shown: int = SHOWN) -> QuerySet:
    """The query of ``group``: the first ``shown`` matches, each with ``search_total``, the number
    of matches up to COUNT_CAP. Both read the matches in the kind's order and stop early: the ids
    of the first ``shown`` (their rows fetched by key), and a count of the first COUNT_CAP."""
    matching = kind.matches(user, q).order_by(*kind.order).values("pk")
    return (
        matching.model.objects.filter(_among(matching.model, matching[:shown]))
        .select_related(*kind.related)
        .annotate(search_total=_how_many(matching[:COUNT_CAP]))
        .order_by(*kind.order)
    )


def group(kind: Kind, user: User, q: str, shown: int = SHOWN) -> Group:
    """The first ``shown`` matches of a kind and how many there are (up to COUNT_CAP), in one query:
    the ids of the first COUNT_CAP matches, and of those the first rows with a window count."""
    rows = list(group_rows(kind, user, q, shown))
    count = rows[0].search_total if rows else 0
    also_label, also_url = (kind.also[0], kind.also[1](q)) if kind.also else ("", "")
    return Group(
        kind=kind, hits=[kind.hit(row) for row in rows], count=count, capped=count >= COUNT_CAP, all_url=kind.all_url(q),
        also_label=also_label, also_url=also_url,
    )


def search(*, user: User, q: str) -> list[Group]:
    """Every kind's group, in the order of KINDS (kinds without a match included, count 0)."""
    return [group(kind, user, q) for kind in KINDS]
