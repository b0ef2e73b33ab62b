#!/usr/bin/env python3
"""``make smoke``: the documented production deployment, started for real and checked over HTTP.

What it runs is what the README's "Production deployment" section documents, read from the same
files: the environment of ``config/deploy/env.example`` (with a generated SECRET_KEY and temporary
paths, database, mail directory and Redis database in place of the machine's), ``config/deploy/
release.sh`` (migrate, collectstatic with the manifest storage, ``check --deploy``), and the
``ExecStart`` line of each systemd unit in ``config/deploy/`` (gunicorn with 2 workers on a free
local port, a Celery worker, Celery beat). Requests carry the headers the documented nginx sets
(Host, X-Forwarded-Proto: https, X-Forwarded-For), since the deployment sits behind it.

Checks: /health/ (database, cache, storage, Redis); the login page (200, Chinese, its CSS and JS
200 with a year's cache); the security headers; plain HTTP redirected to HTTPS; a log-in through
the form (CSRF) and a page behind it; a Chinese, styled 404; then a progress report submitted and a
supervision notice issued (the project's services, through ``manage.py shell``): its e-mail must
reach the file backend through Redis and the worker, and beat must have run a job.

Everything started is stopped at the end (also on Ctrl-C or a timeout); a failed check exits 1
naming what failed. SMOKE_REDIS_URL (default redis://127.0.0.1:6379/13), SMOKE_DATABASE_URL
(default a temporary SQLite file), SMOKE_TIMEOUT (seconds, default 240), SMOKE_KEEP=1 keeps the
temporary directory and its logs.
"""

from __future__ import annotations

import html.parser
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "config" / "deploy"
BIN = Path(sys.executable).parent  # the virtualenv's bin/, standing in for /srv/plansupervisor/.venv/bin
DOCUMENTED_BIN = "/srv/plansupervisor/.venv/bin/"
UNITS = ("plansupervisor-web", "plansupervisor-worker", "plansupervisor-beat")
CLIENT_ADDRESS = "203.0.113.7"  # the browser's address, as nginx forwards it


class SmokeFailure(Exception):
    pass


def log(message: str) -> None:
    print(f"[smoke {time.strftime('%H:%M:%S')}] {message}", flush=True)


def check(condition, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


# --- the documented configuration ---------------------------------------------------------------


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as systemd's EnvironmentFile reads them (comments, optional quotes)."""
    env = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        env[key.strip()] = value
    return env


def exec_start(unit: str) -> list[str]:
    text = (DEPLOY / f"{unit}.service").read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    argv = shlex.split(line.removeprefix("ExecStart="))
    check(argv[0].startswith(DOCUMENTED_BIN), f"{unit}: ExecStart should run from {DOCUMENTED_BIN}")
    return [str(BIN / argv[0].removeprefix(DOCUMENTED_BIN)), *argv[1:]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_reachable(url: str) -> None:
    parsed = urllib.parse.urlparse(url)
    try:
        socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=3).close()
    except OSError as exc:
        raise SmokeFailure(f"Redis is not reachable at {parsed.hostname}:{parsed.port or 6379} ({exc})") from exc


# --- processes ----------------------------------------------------------------------------------


class Processes:
    def __init__(self, logs: Path):
        self.logs = logs
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen:
        out = open(self.logs / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.started.append((name, process))
        log(f"started {name} (pid {process.pid}): {' '.join(argv[1:])}")
        return process

    def alive(self) -> None:
        for name, process in self.started:
            if process.poll() is not None:
                raise SmokeFailure(f"{name} exited with {process.returncode}:\n{self.tail(name)}")

    def tail(self, name: str, chars: int = 3000) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def stop_all(self) -> None:
        for _name, process in reversed(self.started):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)  # the process and its children (workers)
                except ProcessLookupError:
                    pass
        for name, process in reversed(self.started):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                log(f"{name} did not stop in 20 s: killing it")
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait(timeout=10)
        self.started.clear()


def run(argv: list[str], env: dict[str, str], timeout: int, what: str) -> str:
    try:
        result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise SmokeFailure(f"{what} took more than {timeout} s") from exc
    if result.returncode != 0:
        raise SmokeFailure(f"{what} failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout + result.stderr


# --- HTTP, as nginx would forward it ------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """Requests to gunicorn with nginx's headers; cookies kept by hand (they are Secure)."""

    def __init__(self, port: int, host: str):
        self.base = f"http://127.0.0.1:{port}"
        self.host = host
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(self, path: str, data: dict | None = None, https: bool = True, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, method="POST" if data is not None else "GET")
        request.add_header("Host", self.host)
        request.add_header("X-Forwarded-For", CLIENT_ADDRESS)
        if https:
            request.add_header("X-Forwarded-Proto", "https")
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as exc:
            response = exc
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, content


class Assets(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.stylesheets: list[str] = []
        self.scripts: list[str] = []
        self.inline_scripts = 0
        self.inline_handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.stylesheets.append(attrs["href"])
        if tag == "script":
            if attrs.get("src"):
                self.scripts.append(attrs["src"])
            else:
                self.inline_scripts += 1
        self.inline_handlers += [name for name in attrs if name.startswith("on")]


def parse_assets(content: bytes) -> Assets:
    parser = Assets()
    parser.feed(content.decode("utf-8"))
    return parser


def csrf_token(content: bytes) -> str:
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
    check(match, "the login form has no CSRF token")
    return match.group(1).decode()


def check_security_headers(headers, what: str) -> None:
    csp = headers.get("Content-Security-Policy", "")
    check("default-src 'self'" in csp, f"{what}: Content-Security-Policy without default-src 'self': {csp!r}")
    check("frame-ancestors 'none'" in csp, f"{what}: Content-Security-Policy without frame-ancestors 'none'")
    check("unsafe-inline" not in csp.split("script-src", 1)[-1].split(";", 1)[0], f"{what}: scripts may be inline")
    check(headers.get("X-Content-Type-Options") == "nosniff", f"{what}: no X-Content-Type-Options: nosniff")
    check(headers.get("X-Frame-Options") == "DENY", f"{what}: no X-Frame-Options: DENY")
    check(headers.get("Referrer-Policy"), f"{what}: no Referrer-Policy")
    check("camera=()" in headers.get("Permissions-Policy", ""), f"{what}: no Permissions-Policy denying the camera")
    check("max-age=" in headers.get("Strict-Transport-Security", ""), f"{what}: no Strict-Transport-Security over HTTPS")


def check_assets(client: Client, page: bytes, what: str) -> Assets:
    assets = parse_assets(page)
    check(assets.inline_scripts == 0, f"{what}: {assets.inline_scripts} inline <script> element(s)")
    check(not assets.inline_handlers, f"{what}: inline event handlers {assets.inline_handlers}")
    check(any("/css/app." in href for href in assets.stylesheets), f"{what}: does not link our CSS ({assets.stylesheets})")
    for url in assets.stylesheets + assets.scripts:
        check(re.search(r"\.[0-9a-f]{12}\.(css|js)$", url), f"{what}: {url} is not a hashed (manifest) name")
        status, headers, _ = client.request(url)
        check(status == 200, f"{what}: {url} answered {status}")
        cache = headers.get("Cache-Control", "")
        age = re.search(r"max-age=(\d+)", cache)
        check(age and int(age.group(1)) >= 365 * 24 * 3600, f"{what}: {url} is not cached for a year ({cache!r})")
    return assets


def wait_http(client: Client, processes: Processes, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        processes.alive()
        try:
            client.request("/accounts/login/")
            return
        except OSError:
            time.sleep(0.5)
    raise SmokeFailure(f"gunicorn did not answer within {seconds} s:\n{processes.tail('web')}")


# --- the data step: a report submitted, a notice issued ------------------------------------------

ACTIVITY = """
from django.utils import timezone
from accounts.models import User
from supervision import notices
from tasks import progress
from tasks.models import Department, KeyTask

liaison = User.objects.get(username="liaison-wsjkw")
liaison.email = "liaison-wsjkw@example.gov.cn"
liaison.save(update_fields=["email"])
department = Department.objects.get(code="wsjkw")
task = KeyTask.objects.filter(task_departments__department=department, task_departments__role="lead").order_by("pk").first()
today = timezone.localdate()
period = progress.reporting_period(plan=task.plan, cadence="quarterly", year=today.year, number=(today.month - 1) // 3 + 1)
report = progress.report_open(task=task, period=period, department=department) or task.reports.get(period=period)
data = {"percent_complete": 50, "achievements": "冒烟测试：已完成阶段工作。", "missing_contributions_reason": "冒烟测试"}
report = progress.report_submit(report=report, user=report.assignee or liaison, version=report.version, data=data)
notice = notices.notice_issue(task=task, department=department, level="blue", requirements="冒烟测试：请于期限内反馈整改情况。",
                              user=User.objects.get(username="supervisor"))
print("SMOKE", report.status, notice.reference)
"""


def wait_for_mail(directory: Path, needle: str, processes: Processes, seconds: int) -> Path:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        processes.alive()
        for path in sorted(directory.glob("*.log")):
            text = path.read_text(encoding="utf-8", errors="replace")
            if needle in text:
                return path
        time.sleep(1)
    raise SmokeFailure(
        f"no e-mail to {needle} in {directory} after {seconds} s\n--- worker:\n{processes.tail('worker')}"
    )


# --- the run ------------------------------------------------------------------------------------


def smoke(tmp: Path, processes: Processes) -> None:
    documented = read_env_file(DEPLOY / "env.example")
    host = documented["ALLOWED_HOSTS"].split(",")[0]
    redis_url = os.environ.get("SMOKE_REDIS_URL", "redis://127.0.0.1:6379/13")
    redis_reachable(redis_url)
    port = free_port()
    mail = tmp / "mail"
    mail.mkdir()
    passthrough = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "USER"}}
    env = {
        **passthrough,
        **documented,
        # What differs on this machine from the documented server:
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": os.environ.get("SMOKE_DATABASE_URL", f"sqlite:///{tmp / 'db.sqlite3'}"),
        "CELERY_BROKER_URL": redis_url,
        "CELERY_TASK_DEFAULT_QUEUE": f"smoke-{os.getpid()}",  # never another run's worker
        "STATIC_ROOT": str(tmp / "staticfiles"),
        "MEDIA_ROOT": str(tmp / "media"),
        "CELERY_BEAT_SCHEDULE_FILENAME": str(tmp / "celerybeat-schedule"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "PYTHONPATH": str(ROOT),
        "PYTHON": sys.executable,
    }
    python = [sys.executable, "manage.py"]

    log("release: migrate, collectstatic (manifest), check --deploy")
    run(["bash", str(DEPLOY / "release.sh")], env, 240, "config/deploy/release.sh")
    check((tmp / "staticfiles" / "staticfiles.json").exists(), "collectstatic wrote no manifest")
    run([*python, "seed_demo", "--no-activity"], env, 120, "seed_demo")

    processes.start("web", exec_start("plansupervisor-web"), env)
    processes.start("worker", exec_start("plansupervisor-worker"), env)
    processes.start("beat", exec_start("plansupervisor-beat"), env)
    client = Client(port, host)
    wait_http(client, processes)

    log("HTTP: health")
    status, _, content = client.request("/health/?format=json")
    check(status == 200, f"/health/ answered {status}: {content[:500]!r}")
    health = json.loads(content)
    check(any(name.startswith("Redis(") for name in health), f"/health/ does not check the broker: {health}")
    check(all(value == "OK" for value in health.values()), f"/health/: {health}")

    log("HTTP: plain HTTP goes to HTTPS")
    status, headers, _ = client.request("/accounts/login/", https=False)
    check(status == 301 and headers.get("Location", "").startswith(f"https://{host}/"), f"HTTP answered {status} {headers.get('Location')}")

    log("HTTP: login page, its CSS and JS, security headers")
    status, headers, page = client.request("/accounts/login/")
    check(status == 200, f"the login page answered {status}")
    check("登录".encode() in page, "the login page is not in Chinese")
    check_security_headers(headers, "the login page")
    check_assets(client, page, "the login page")

    log("HTTP: log in through the form")
    token = csrf_token(page)
    status, headers, content = client.request(
        "/accounts/login/",
        {"csrfmiddlewaretoken": token, "username": "supervisor", "password": "demo1234", "next": ""},
        headers={"Referer": f"https://{host}/accounts/login/"},
    )
    check(status == 302, f"logging in answered {status}: {content[:1000]!r}")
    for path in ("/", "/plans/", "/notices/"):
        status, headers, page = client.request(path)
        while status == 302 and path == "/":
            path = urllib.parse.urlparse(headers["Location"]).path
            status, headers, page = client.request(path)
        check(status == 200, f"{path} (logged in) answered {status}")
        check(b'id="current-user"' in page, f"{path}: not logged in")
        check_security_headers(headers, path)
        check_assets(client, page, path)

    log("HTTP: 404")
    status, headers, page = client.request("/no-such-page/")
    check(status == 404, f"/no-such-page/ answered {status}")
    check("不存在".encode() in page, "the 404 page is not in Chinese")
    check_security_headers(headers, "the 404 page")
    check_assets(client, page, "the 404 page")

    log("Celery: a report submitted and a notice issued; its e-mail through Redis and the worker")
    output = run([*python, "shell", "-c", ACTIVITY], env, 120, "the report and the notice")
    check("SMOKE submitted" in output, f"the report was not submitted:\n{output[-2000:]}")
    message = wait_for_mail(mail, "liaison-wsjkw@example.gov.cn", processes, 60)
    text = message.read_text(encoding="utf-8", errors="replace")
    check("Subject:" in text, f"{message} is not an e-mail")
    log(f"e-mail delivered: {message.name}")

    log("Celery: beat has scheduled a job the worker ran")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and "deliver_pending_notifications" not in processes.tail("worker", 10**7):
        processes.alive()
        time.sleep(1)
    check("deliver_pending_notifications" in processes.tail("worker", 10**7), f"beat sent nothing:\n{processes.tail('beat')}")


def main() -> int:
    started = time.monotonic()
    timeout = int(os.environ.get("SMOKE_TIMEOUT", "240"))
    tmp = Path(tempfile.mkdtemp(prefix="plansup-smoke-"))
    logs = tmp / "logs"
    logs.mkdir()
    processes = Processes(logs)

    def on_signal(signum, frame):
        raise SmokeFailure(f"stopped by signal {signum}" if signum != signal.SIGALRM else f"timed out after {timeout} s")

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM):
        signal.signal(signum, on_signal)
    signal.alarm(timeout)
    failed = False
    try:
        smoke(tmp, processes)
    except SmokeFailure as exc:
        failed = True
        print(f"\nSMOKE FAILED: {exc}", file=sys.stderr, flush=True)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        processes.stop_all()
        if failed or os.environ.get("SMOKE_KEEP") == "1":
            print(f"logs kept in {logs}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if failed:
        return 1
    log(f"OK in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
