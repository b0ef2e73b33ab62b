"""The page walk: every page a role can reach, found by following links, with checks run on each.

The demo (``seed_demo``) is the world: it is seeded once into a template SQLite file (shared by the
xdist workers through a file lock), each worker copies it and serves it with ``runserver`` in a
subprocess with the test settings, so the walk never touches the test database and runs only GETs.

A check is a function ``check(page, visit) -> list[str]`` returning problems (empty when the page is
fine); ``visit`` says which role, language and path. ``walk()`` follows the links of every page it
opens, breadth first, one page per URL pattern (a task detail is visited once, not for all 120 tasks),
and runs the checks on each page. Tests collect the problems and fail with all of them at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.urls import Resolver404, resolve

ROOT = Path(__file__).resolve().parents[2]

# One account per role from seed_demo (password demo1234).
ROLES = {
    "liaison": "liaison-wsjkw",
    "supervisor": "supervisor",
    "province_supervisor": "province-supervisor",
    "evaluator": "evaluator",
    "administrator": "admin",
}
PASSWORD = "demo1234"
LANGUAGES = ("zh-hans", "en")
WIDTHS = (375, 768, 1366)

# Not pages of this product's interface: Django's admin, the API, files and downloads.
# The public pages' language links switch the language the walk is checking: not followed.
SKIPPED_PREFIXES = (
    "/admin/", "/api/", "/static/", "/media/", "/i18n/", "/health/", "/accounts/logout", "/public/language/",
)
SKIPPED_SUFFIXES = (".pdf", ".xlsx", ".xls", ".csv", ".json", ".zip", ".png", ".jpg", ".docx")
SKIPPED_QUERY_WORDS = ("export", "_format", "format=", "download")
SKIPPED_SEGMENTS = {"pdf", "xlsx", "csv", "download", "file", "export", "preview-file"}
MAX_PAGES = 150


@dataclass(frozen=True)
class Visit:
    role: str
    username: str
    language: str
    path: str
    pattern: str


Check = Callable[[object, Visit], list[str]]


@dataclass
class WalkResult:
    visits: list[Visit] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- the demo server


def _seeded_template(shared_dir: Path) -> Path:
    """The demo database, built once for all workers (file lock), reused while the code is unchanged."""
    shared_dir.mkdir(parents=True, exist_ok=True)
    template = shared_dir / "walk-demo.sqlite3"
    with open(shared_dir / "walk-demo.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            building = template.with_suffix(".building")
            building.unlink(missing_ok=True)
            env = _server_env(building)
            for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
                subprocess.run(
                    [sys.executable, "manage.py", *command],
                    cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                )
            building.rename(template)
    return template


def _server_env(database: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.test_settings",
        DATABASE_URL=f"sqlite:///{database}",
        DEBUG="0",
        PYTHONUNBUFFERED="1",
    )
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def demo_server(shared_dir: Path, worker_dir: Path):
    """Serve a private copy of the seeded demo on a free port; yields the base URL."""
    template = _seeded_template(shared_dir)
    worker_dir.mkdir(parents=True, exist_ok=True)
    database = worker_dir / "walk.sqlite3"
    shutil.copyfile(template, database)
    port = _free_port()
    log = open(worker_dir / "walk-server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure", "--nothreading"],
        cwd=ROOT, env=_server_env(database), stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the walk's demo server did not start: see {worker_dir / 'walk-server.log'}")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=10)
        log.close()


# ---------------------------------------------------------------- the walk


def new_context(browser, base_url: str, language: str, width: int = WIDTHS[-1]):
    context = browser.new_context(
        base_url=base_url,
        locale="zh-CN" if language == "zh-hans" else "en-US",
        viewport={"width": width, "height": 900},
    )
    context.set_default_timeout(20_000)
    host = urlsplit(base_url).hostname
    context.add_cookies([{"name": "django_language", "value": language, "domain": host, "path": "/"}])
    return context


def log_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("form button[type=submit], form input[type=submit]").first.click()
    if "/accounts/login/" in page.url:
        raise AssertionError(f"could not log in as {username}")


def pattern_of(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.route or match.view_name


def _wanted(href: str, current_url: str, base_url: str) -> str | None:
    """The same-origin path worth visiting, or None."""
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    parts = urlsplit(urljoin(current_url, href))
    if parts.netloc and f"{parts.scheme}://{parts.netloc}" != base_url:
        return None
    path = parts.path or "/"
    if path.startswith(SKIPPED_PREFIXES) or path.lower().endswith(SKIPPED_SUFFIXES):
        return None
    if any(word in parts.query.lower() for word in SKIPPED_QUERY_WORDS):
        return None
    if SKIPPED_SEGMENTS & set(path.lower().strip("/").split("/")):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def walk(
    page,
    base_url: str,
    role: str,
    language: str,
    checks: Iterable[Check],
    start: Iterable[str] = ("/",),
    max_pages: int = MAX_PAGES,
) -> WalkResult:
    """Open every page reachable by links from ``start`` (one per URL pattern) and run the checks."""
    checks = list(checks)
    result = WalkResult()
    seen_patterns: set[str] = set()
    queued: set[str] = set()
    queue: deque[str] = deque()
    for path in start:
        queue.append(path)
        queued.add(path)
    while queue and len(result.visits) < max_pages:
        path = queue.popleft()
        pattern = pattern_of(path)
        if pattern is None or pattern in seen_patterns:
            continue
        seen_patterns.add(pattern)
        try:
            response = page.goto(path, wait_until="load")
        except Exception as error:  # a link that downloads a file is not a page
            if "Download is starting" in str(error):
                result.skipped.append(f"{path}: a download")
                continue
            raise
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            result.skipped.append(f"{path}: not a page")
            continue
        if response.status >= 400:
            result.problems.append(f"[{role} {language}] {path}: answered {response.status} to a link on a page")
            continue
        visit = Visit(role, ROLES[role], language, path, pattern)
        result.visits.append(visit)
        for check in checks:
            for problem in check(page, visit):
                result.problems.append(f"[{role} {language}] {path}: {problem}")
        hrefs = page.eval_on_selector_all(
            "a[href]:not([download])", "links => links.map(a => a.getAttribute('href'))"
        )
        for href in hrefs:
            wanted = _wanted(href, page.url, base_url)
            if wanted and wanted not in queued:
                queued.add(wanted)
                queue.append(wanted)
    return result
