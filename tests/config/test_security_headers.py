"""Every page carries the Content-Security-Policy, Permissions-Policy and the other security headers;
no template has an inline script or event handler (the policy would block it)."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def _assert_hardened(response):
    csp = _directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"], "no inline script, no eval, no other origin"
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in csp["style-src-elem"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


def test_the_login_page_is_hardened(client):
    _assert_hardened(client.get(reverse("login")))


def test_a_page_behind_the_login_is_hardened(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("tasks:plan_list"))
    assert response.status_code == 200
    _assert_hardened(response)


def test_the_404_page_is_hardened_translated_and_styled(client, supervisor):
    client.force_login(supervisor)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    _assert_hardened(response)
    page = response.content.decode()
    assert "页面不存在" in page and "css/app.css" in page


def test_the_admin_is_hardened(client, administrator):
    client.force_login(administrator)
    _assert_hardened(client.get(reverse("admin:index")))


def _templates() -> list[Path]:
    apps = [p for p in ROOT.iterdir() if (p / "templates").is_dir()]
    return sorted(ROOT.glob("templates/**/*.html")) + sorted(f for app in apps for f in app.glob("templates/**/*.html"))


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in match.group(0) and 'type="application/json"' not in match.group(0):
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
        for match in re.finditer(r"<[a-z][^>]*\son[a-z]+\s*=", text):
            offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)[:80]}")
        if "javascript:" in text:
            offenders.append(f"{path.relative_to(ROOT)}: javascript: URL")
    assert not offenders, "\n".join(offenders)


def test_every_script_a_template_names_exists():
    for path in _templates():
        for name in re.findall(r"""\{% static ['"](js/[^'"]+)['"] %\}""", path.read_text(encoding="utf-8")):
            assert (ROOT / "static" / name).exists(), f"{path.relative_to(ROOT)}: {name}"


PROBE = (
    "import json, django; from django.conf import settings; django.setup();"
    "print(json.dumps({k: getattr(settings, k) for k in ['SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE',"
    " 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD']}))"
)


@pytest.mark.parametrize("https", ["1", "0"])
def test_hsts_and_secure_cookies_exactly_under_https(https):
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "x" * 50, "HTTPS": https}
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    on = https == "1"
    assert values["SESSION_COOKIE_SECURE"] is on and values["CSRF_COOKIE_SECURE"] is on
    assert values["SECURE_SSL_REDIRECT"] is on
    assert (values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600) if on else values["SECURE_HSTS_SECONDS"] == 0
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is on


def test_hsts_is_sent_over_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000; includeSubDomains")
    assert "Strict-Transport-Security" not in client.get(reverse("login"))


def test_an_evidence_download_keeps_its_own_sandbox_policy(client, task_a, liaison_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evidence.access import register_owner, unregister_owner
    from evidence.services import evidence_attach
    from tasks.models import KeyTask
    from tests.evidence import files

    evidence = evidence_attach(owner=task_a, upload=SimpleUploadedFile("报告.pdf", files.PDF), user=liaison_a)
    previous = unregister_owner(KeyTask)
    register_owner(KeyTask, lambda user, task: user == liaison_a)
    try:
        client.force_login(liaison_a)
        response = client.get(reverse("evidence:download", args=[evidence.public_id]))
    finally:
        unregister_owner(KeyTask)
        if previous is not None:
            register_owner(KeyTask, previous)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "camera=()" in response["Permissions-Policy"]
