"""Benchmark: liaisons submitting progress reports at the same time, against gunicorn (issue 14, point 5).

    make bench                                          # 8 liaisons × 5 submissions, PostgreSQL bench_load
    BENCH_LOAD_USERS=16 BENCH_LOAD_SUBMISSIONS=20 python bench/load.py

What it does, as production would:
1. creates a throwaway PostgreSQL database (dropped at the end), migrates it and builds a plan of
   2021–2025 with one department per liaison, each leading key tasks that another department
   co-operates on; ``periods_open`` (the service the nightly job runs) opens every quarter's
   report with its viewflow process, write task and the co-operating department's contribution;
2. runs ``collectstatic`` (manifest storage) into a temporary directory and starts gunicorn
   with ``config/gunicorn.conf.py`` (2 sync workers, a free local port, DEBUG=0). Celery runs
   eagerly (no broker): a submission sends no e-mail, so nothing would be queued anyway;
3. each liaison, in a thread of its own, logs in once through the login form (django-axes is
   on) and then, for each of its reports: opens the report page (its CSRF token and version),
   posts the form with "Submit for review" exactly as the browser does (multipart, to
   /reports/<pk>/edit/), and follows the redirect to the report page;
4. checks in the database that every report is submitted by its liaison and that its process
   moved on (the write task done, the review task open), and prints::

       LOAD users=8 submissions=40 elapsed_s=… submissions_per_s=… p50_ms=… p95_ms=… max_ms=… errors=0

   The latency is the submission's POST (until its 302); ``page_*`` figures are the report page
   around it. An error is a non-2xx/3xx answer, an exception, or a report the database does not
   show submitted with its process advanced. Exits 1 on errors.

Environment:
    BENCH_LOAD_USERS           concurrent liaisons (default 8)
    BENCH_LOAD_SUBMISSIONS     reports each liaison submits (default 5)
    BENCH_LOAD_EVIDENCE=1      upload a small PDF to each report before submitting it
    BENCH_LOAD_THINK_MS        pause between a liaison's requests (default 0: as fast as it can)
    BENCH_LOAD_WORKERS         gunicorn workers (default 2)
    BENCH_LOAD_DATABASE_URL    the throwaway database (default: bench_load on the server of
                               DATABASE_URL, else postgres://postgres@127.0.0.1:5432/bench_load).
                               It is created and dropped; an existing database is dropped first
                               only if its name starts with "bench_load". Without a PostgreSQL
                               server (and no URL given) the benchmark is skipped. sqlite:// runs
                               it on a scratch file, but SQLite takes one writer at a time:
                               concurrent submissions fail there ("database is locked").
    BENCH_LOAD_KEEP=1          keep the database and the temporary directory (gunicorn's log)
    BENCH_LOAD_P95_MS          the target the summary checks (default 150)
"""

from __future__ import annotations

import datetime
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_load"
PLAN_START, PLAN_END = 2021, 2025
PERIODS_PER_TASK = 4 * (PLAN_END - PLAN_START + 1)  # quarterly reports of a task running the whole plan
PASSWORD = "demo1234"  # tests.factories.PASSWORD
PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"


def log(message: str) -> None:
    print(f"[load {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the data, through the product's services (needs Django set up) -----------------------------


@dataclass
class Liaison:
    username: str
    password: str
    report_ids: list[int]


def build_load_data(*, users: int, per_user: int) -> list[Liaison]:
    """A plan whose reports are opened by ``periods_open``, as in production: ``users``
    departments, each with one liaison and enough key tasks for ``per_user`` open reports; each
    task has the next department co-operating (a contribution process per report).

    Returns the liaisons with the reports each will submit (the latest periods first)."""
    from tasks import progress
    from tasks.models import ProgressReport, TaskDepartment
    from tests.factories import (
        DepartmentFactory,
        KeyTaskFactory,
        PlanFactory,
        TaskDepartmentFactory,
        make_liaison,
        make_supervisor,
    )

    plan = PlanFactory(start_year=PLAN_START, end_year=PLAN_END, title="负载测试市精神卫生“十四五”规划")
    # Who is told of each submission (lifecycle._notify): the region's reviewers.
    make_supervisor(f"load-supervisor-{uuid.uuid4().hex[:6]}", region=plan.region)
    tag = uuid.uuid4().hex[:6]
    departments = [
        DepartmentFactory(region=plan.region, code=f"load{tag}{n}", name=f"负载测试市第{n + 1}局", short_name=f"第{n + 1}局")
        for n in range(users)
    ]
    liaisons = [make_liaison(department, f"load-liaison-{tag}-{n + 1}") for n, department in enumerate(departments)]
    tasks_each = max(1, math.ceil(per_user / PERIODS_PER_TASK))
    for n, department in enumerate(departments):
        for t in range(tasks_each):
            task = KeyTaskFactory(
                plan=plan,
                title=f"第{n + 1}局牵头的重点任务{t + 1}",
                start_date=datetime.date(PLAN_START, 1, 1),
                due_date=datetime.date(PLAN_END, 12, 31),
            )
            TaskDepartmentFactory(task=task, department=department, role=TaskDepartment.Role.LEAD)
            if users > 1:
                TaskDepartmentFactory(
                    task=task, department=departments[(n + 1) % users], role=TaskDepartment.Role.COOPERATING, position=1
                )
    progress.periods_open(plan=plan, on=datetime.date(PLAN_END, 12, 31))
    result = []
    for liaison, department in zip(liaisons, departments, strict=True):
        reports = ProgressReport.objects.filter(department=department, assignee=liaison, status=ProgressReport.Status.DRAFT)
        ids = list(reports.order_by("-period__ends_on", "task_id").values_list("pk", flat=True)[:per_user])
        if len(ids) < per_user:
            raise RuntimeError(f"{liaison.username} has {len(ids)} open reports, {per_user} wanted")
        result.append(Liaison(liaison.username, PASSWORD, ids))
    return result


def verify_submitted(liaisons: list[Liaison]) -> dict[int, str]:
    """What the database says went wrong, per report: not submitted by its liaison, or a process
    that did not move on (its write task done, its review task open)."""
    from viewflow.workflow.status import STATUS

    from tasks.models import ProgressReport
    from workflows.engine import process_of
    from workflows.progress_report.flows import ProgressReportFlow

    problems = {}
    for liaison in liaisons:
        for report in ProgressReport.objects.filter(pk__in=liaison.report_ids).select_related("submitted_by"):
            if report.status != ProgressReport.Status.SUBMITTED or report.submitted_by is None:
                problems[report.pk] = f"status {report.status}"
                continue
            if report.submitted_by.username != liaison.username:
                problems[report.pk] = f"submitted by {report.submitted_by.username}, not {liaison.username}"
                continue
            tasks = {(t.flow_task, t.status) for t in process_of(report, ProgressReportFlow).task_set.all()}
            if (ProgressReportFlow.write, STATUS.DONE) not in tasks:
                problems[report.pk] = "its write task is not done"
            elif not any(node == ProgressReportFlow.review and status == STATUS.NEW for node, status in tasks):
                problems[report.pk] = "no open review task"
    return problems


# --- the browser: plain urllib, one cookie jar per liaison --------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]] | None = None) -> tuple[bytes, str]:
    """The body and content type of a form posted as ``multipart/form-data`` (as the report
    form's ``enctype`` makes the browser do)."""
    boundary = f"----bench{uuid.uuid4().hex}"
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, content_type) in (files or {}).items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    def __init__(self, base_url: str):
        self.base = base_url.rstrip("/")
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(self, path: str, body: bytes | None = None, content_type: str | None = None) -> tuple[int, dict, bytes]:
        request = urllib.request.Request(self.base + path, data=body, method="POST" if body is not None else "GET")
        if content_type:
            request.add_header("Content-Type", content_type)
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as exc:
            response = exc
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, content

    def post_form(self, path: str, fields: dict[str, str], files=None) -> tuple[int, dict, bytes]:
        body, content_type = multipart(fields, files)
        return self.request(path, body, content_type)


def hidden_value(page: bytes, name: str) -> str:
    match = re.search(rb'<input[^>]*name="' + name.encode() + rb'"[^>]*>', page)
    value = re.search(rb'value="([^"]*)"', match.group(0)) if match else None
    if value is None:
        raise LoadError(f"the page has no {name} field")
    return value.group(1).decode()


class LoadError(Exception):
    pass


@dataclass
class Submission:
    username: str
    report_id: int
    ms: float | None = None  # the POST that submits
    page_ms: list[float] = field(default_factory=list)  # the report page before and after it
    error: str = ""


def log_in(browser: Browser, liaison: Liaison) -> None:
    status, _, page = browser.request("/accounts/login/")
    if status != 200:
        raise LoadError(f"the login page answered {status}")
    fields = {"csrfmiddlewaretoken": hidden_value(page, "csrfmiddlewaretoken"), "username": liaison.username,
              "password": liaison.password, "next": ""}
    status, _, _ = browser.request("/accounts/login/", urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded")
    if status != 302 or "sessionid" not in browser.cookies:
        raise LoadError(f"{liaison.username} could not log in ({status})")


REPORT_TEXT = {
    "percent_complete": "60",
    "assessment": "on_track",
    "achievements": "已完成全市精神卫生信息系统建设，接入23家医疗机构，开展培训4期、覆盖基层人员320人次。",
    "problems": "基层专业人员不足。",
    "next_steps": "推进与医保系统的数据对接。",
    "missing_contributions_reason": "配合单位材料另行报送。",
}


def submit_report(browser: Browser, report_id: int, submission: Submission, *, evidence: bool = False, think: float = 0) -> None:
    """Open the report, (upload a file,) submit it and read the page it redirects to."""
    page_path, edit_path = f"/reports/{report_id}/", f"/reports/{report_id}/edit/"
    started = time.perf_counter()
    status, _, page = browser.request(page_path)
    submission.page_ms.append((time.perf_counter() - started) * 1000)
    if status != 200:
        raise LoadError(f"GET {page_path} answered {status}")
    if evidence:
        time.sleep(think)
        fields = {"csrfmiddlewaretoken": hidden_value(page, "csrfmiddlewaretoken"), "version": hidden_value(page, "version"),
                  **REPORT_TEXT, "upload": ""}
        files = {"files": ("工作总结.pdf", PDF, "application/pdf")}
        status, _, _ = browser.post_form(f"/reports/{report_id}/evidence/", fields, files)
        if status != 302:
            raise LoadError(f"uploading evidence to report {report_id} answered {status}")
        status, _, page = browser.request(page_path)
        if status != 200:
            raise LoadError(f"GET {page_path} answered {status}")
    time.sleep(think)
    fields = {"csrfmiddlewaretoken": hidden_value(page, "csrfmiddlewaretoken"), "version": hidden_value(page, "version"),
              **REPORT_TEXT, "submit": ""}
    started = time.perf_counter()
    status, headers, content = browser.post_form(edit_path, fields)
    submission.ms = (time.perf_counter() - started) * 1000
    if status != 302:
        errors = re.findall(rb'class="(?:invalid-feedback|alert alert-danger)[^"]*"[^>]*>([^<]+)', content)
        raise LoadError(f"submitting report {report_id} answered {status} {[e.decode()[:120] for e in errors][:3]}")
    location = urllib.parse.urlparse(headers.get("Location", "")).path
    started = time.perf_counter()
    status, _, page = browser.request(location or page_path)
    submission.page_ms.append((time.perf_counter() - started) * 1000)
    if status != 200 or b'id="report-status"' not in page:
        raise LoadError(f"the report page after submitting answered {status}")


def run_load(
    base_url: str, liaisons: list[Liaison], *, evidence: bool = False, think_ms: int = 0, on_start=None
) -> tuple[list[Submission], float]:
    """Every liaison logs in (not timed), then all submit their reports at once, each in its own
    thread. Returns the submissions and the wall time of the submitting phase. ``on_start`` is
    called once everyone is logged in, just before the submitting starts."""
    think = think_ms / 1000
    browsers = [Browser(base_url) for _ in liaisons]
    submissions: list[Submission] = [Submission(liaison.username, pk) for liaison in liaisons for pk in liaison.report_ids]
    by_user = {liaison.username: [s for s in submissions if s.username == liaison.username] for liaison in liaisons}
    login_errors: dict[str, str] = {}
    barrier = threading.Barrier(len(liaisons) + 1, action=on_start)

    def liaison_thread(browser: Browser, liaison: Liaison) -> None:
        try:
            log_in(browser, liaison)
            browser.request("/")  # the landing page, as after a real log-in (warms the worker up)
        except (LoadError, OSError) as exc:
            login_errors[liaison.username] = str(exc)
        barrier.wait()
        for submission in by_user[liaison.username]:
            if liaison.username in login_errors:
                submission.error = f"login: {login_errors[liaison.username]}"
                continue
            try:
                submit_report(browser, submission.report_id, submission, evidence=evidence, think=think)
            except (LoadError, OSError) as exc:
                submission.error = str(exc)

    threads = [threading.Thread(target=liaison_thread, args=(b, liaison), daemon=True) for b, liaison in zip(browsers, liaisons, strict=True)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return submissions, time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0–100) of ``values``; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def summary(submissions: list[Submission], elapsed: float, users: int, db_problems: dict[int, str]) -> dict:
    """The figures. An error is a report whose submission failed over HTTP or that the database
    does not show submitted (counted once if both)."""
    latencies = [s.ms for s in submissions if s.ms is not None and not s.error]
    pages = [ms for s in submissions for ms in s.page_ms]
    return {
        "users": users,
        "submissions": len(submissions),
        "elapsed_s": elapsed,
        "submissions_per_s": len(latencies) / elapsed if elapsed else 0.0,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "max_ms": max(latencies, default=0.0),
        "page_p50_ms": percentile(pages, 50),
        "page_p95_ms": percentile(pages, 95),
        "errors": len({s.report_id for s in submissions if s.error} | set(db_problems)),
    }


# --- the deployment: database, static files, gunicorn -------------------------------------------


def database_url() -> str:
    if os.environ.get("BENCH_LOAD_DATABASE_URL"):
        return os.environ["BENCH_LOAD_DATABASE_URL"]
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith(("postgres://", "postgresql://")):
        # The server of DATABASE_URL, never its database: this one is dropped at the end.
        return urllib.parse.urlparse(given)._replace(path="/bench_load").geturl()
    return DEFAULT_DATABASE_URL


class Database:
    """A PostgreSQL database created for the run and dropped after it (or a SQLite file)."""

    def __init__(self, url: str, tmp: Path):
        self.url = url
        self.parsed = urllib.parse.urlparse(url)
        self.is_postgres = self.parsed.scheme in {"postgres", "postgresql"}
        self.name = self.parsed.path.lstrip("/")
        if not self.is_postgres and not self.name:
            self.url = f"sqlite:///{tmp / 'load.sqlite3'}"

    def _admin(self):
        import psycopg

        return psycopg.connect(
            host=self.parsed.hostname or "127.0.0.1", port=self.parsed.port or 5432, user=self.parsed.username or "postgres",
            password=self.parsed.password or None, dbname="postgres", autocommit=True, connect_timeout=5,
        )

    def reachable(self) -> bool:
        if not self.is_postgres:
            return True
        try:
            self._admin().close()
        except Exception:  # noqa: BLE001 - psycopg.OperationalError and its kin: said to the user
            return False
        return True

    def create(self) -> None:
        if not self.is_postgres:
            return
        with self._admin() as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name]).fetchone()
            if exists:
                if not self.name.startswith("bench_load"):
                    raise SystemExit(f"database {self.name} exists and is not a bench_load database: drop it or choose another")
                conn.execute(f'DROP DATABASE "{self.name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        if not self.is_postgres:
            return
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    argv = [str(Path(sys.executable).parent / "gunicorn"), "--config", "config/gunicorn.conf.py", "config.wsgi"]
    out = open(log_path, "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # the arbiter and its workers
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of processes (Linux /proc), 0 for those gone or unreadable."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def server_pids(arbiter: subprocess.Popen, database_name: str) -> tuple[list[int], list[int]]:
    """gunicorn's workers, and the PostgreSQL backends serving them (persistent connections)."""
    try:
        workers = [int(pid) for pid in Path(f"/proc/{arbiter.pid}/task/{arbiter.pid}/children").read_text().split()]
    except OSError:
        workers = []
    backends = []
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [database_name]
            )
            backends = [row[0] for row in cursor.fetchall()]
    return workers, backends


def wait_for(base_url: str, process: subprocess.Popen, log_path: Path, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            if Browser(base_url).request("/accounts/login/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer in {seconds} s:\n{log_path.read_text()[-3000:]}")


def main() -> int:
    users = int(os.environ.get("BENCH_LOAD_USERS", "8"))
    per_user = int(os.environ.get("BENCH_LOAD_SUBMISSIONS", "5"))
    evidence = os.environ.get("BENCH_LOAD_EVIDENCE", "0") == "1"
    think_ms = int(os.environ.get("BENCH_LOAD_THINK_MS", "0"))
    workers = int(os.environ.get("BENCH_LOAD_WORKERS", "2"))
    target_p95 = float(os.environ.get("BENCH_LOAD_P95_MS", "150"))
    keep = os.environ.get("BENCH_LOAD_KEEP") == "1"

    tmp = Path(tempfile.mkdtemp(prefix="plansup-load-"))
    database = Database(database_url(), tmp)
    if not database.reachable():
        if os.environ.get("BENCH_LOAD_DATABASE_URL") or os.environ.get("DATABASE_URL"):
            raise SystemExit(f"PostgreSQL is not reachable at {database.url}")
        shutil.rmtree(tmp, ignore_errors=True)
        print(f"LOAD skipped: no PostgreSQL at {database.url} (BENCH_LOAD_DATABASE_URL to choose one)", flush=True)
        return 0
    database.create()
    # The deployment's environment (config/deploy/env.example), with what differs on this machine.
    env = {
        **{k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "USER"}},
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database.url,
        "CELERY_BROKER_URL": "",  # eager: a submission queues no e-mail, so no broker is involved
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "STATIC_ROOT": str(tmp / "staticfiles"),
        "MEDIA_ROOT": str(tmp / "media"),
        "WEB_CONCURRENCY": str(workers),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update({k: v for k, v in env.items() if k not in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "USER"}})
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    process = None
    try:
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        t1 = time.perf_counter()
        liaisons = build_load_data(users=users, per_user=per_user)
        from tasks.models import ProgressReport

        built = time.perf_counter() - t1
        log(f"database {database.url} migrated + static collected in {t1 - t0:.1f} s; data built in {built:.1f} s "
            f"through periods_open ({ProgressReport.objects.count()} reports with processes)")
        connections.close_all()

        port = free_port()
        env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
        base_url = f"http://127.0.0.1:{port}"
        log_path = tmp / "gunicorn.log"
        process = start_gunicorn(env, log_path)
        wait_for(base_url, process, log_path)
        log(f"gunicorn: {workers} workers on {base_url}; {users} liaisons × {per_user} submissions"
            f"{' with a PDF each' if evidence else ''}{f', {think_ms} ms think time' if think_ms else ''}")

        # Server CPU while the liaisons submit: gunicorn's workers and their PostgreSQL backends.
        cpu: dict[str, float] = {}

        def on_start() -> None:
            cpu["pids"] = server_pids(process, database.name)
            cpu["web"], cpu["db"] = (cpu_seconds(pids) for pids in cpu["pids"])
            cpu["load"] = os.getloadavg()[0]

        submissions, elapsed = run_load(base_url, liaisons, evidence=evidence, think_ms=think_ms, on_start=on_start)
        web_cpu, db_cpu = (cpu_seconds(pids) for pids in cpu["pids"])
        load_before, load_after = cpu["load"], os.getloadavg()[0]
        problems = verify_submitted(liaisons)
        figures = summary(submissions, elapsed, users, problems)
        for s in [s for s in submissions if s.error][:10]:
            log(f"error: {s.username} report {s.report_id}: {s.error}")
        for report_id, problem in list(problems.items())[:10]:
            log(f"error (database): report {report_id}: {problem}")
        print(
            "LOAD users={users} submissions={submissions} elapsed_s={elapsed_s:.2f} submissions_per_s={submissions_per_s:.1f} "
            "p50_ms={p50_ms:.0f} p95_ms={p95_ms:.0f} max_ms={max_ms:.0f} page_p50_ms={page_p50_ms:.0f} "
            "page_p95_ms={page_p95_ms:.0f} errors={errors}".format(**figures),
            flush=True,
        )
        count = max(1, len(submissions))
        print(
            f"LOAD server CPU per submission (the report page, {'the upload and the page again, ' if evidence else ''}"
            f"the POST, the page it redirects to): "
            f"gunicorn {(web_cpu - cpu['web']) * 1000 / count:.0f} ms + PostgreSQL {(db_cpu - cpu['db']) * 1000 / count:.0f} ms "
            f"({len(cpu['pids'][0])} workers, {len(cpu['pids'][1])} backends)",
            flush=True,
        )
        # The machine's other work competes with gunicorn and PostgreSQL for the same cores.
        print(f"LOAD machine: {os.cpu_count()} CPUs, load average {load_before:.1f} before, {load_after:.1f} after", flush=True)
        met = figures["errors"] == 0 and figures["p95_ms"] <= target_p95
        print(f"LOAD target p95 <= {target_p95:.0f} ms with 0 errors: {'met' if met else 'NOT met'}", flush=True)
        return 1 if figures["errors"] else 0
    finally:
        if process is not None:
            stop_gunicorn(process)
        connections.close_all()
        if keep:
            log(f"kept: database {database.url}, gunicorn's log in {tmp}")
        else:
            database.drop()
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
