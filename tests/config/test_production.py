"""The documented production configuration (config/deploy/, README) passes Django's deployment checks,
the README quotes it verbatim, and its static files collect with the manifest storage."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "config" / "deploy"
sys.path.insert(0, str(ROOT / "scripts"))
from smoke import read_env_file  # noqa: E402

MANIFEST = {"BACKEND": "config.storage.ManifestStaticFilesStorage"}


def _production_env(tmp_path, **overrides) -> dict[str, str]:
    """The documented environment file, with a real secret and this machine's paths."""
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    return {
        **keep,
        **read_env_file(DEPLOY / "env.example"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **overrides,
    }


def _check_deploy(env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_with_the_documented_environment_prints_no_warning(tmp_path):
    result = _check_deploy(_production_env(tmp_path))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output, output
    assert "WARNING" not in output and "?:" not in output, output


def test_check_deploy_refuses_the_placeholder_secret(tmp_path):
    env = _production_env(tmp_path)
    env["SECRET_KEY"] = read_env_file(DEPLOY / "env.example")["SECRET_KEY"]
    result = _check_deploy(env)
    assert "security.W009" in result.stdout + result.stderr


def test_without_https_there_is_no_hsts_nor_secure_cookie_but_check_deploy_says_so(tmp_path):
    output = _check_deploy(_production_env(tmp_path, HTTPS="0")).stderr
    assert "security.W004" in output and "security.W012" in output and "security.W016" in output


def test_the_readme_quotes_every_deployment_file_verbatim():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in sorted(DEPLOY.iterdir()):
        assert path.read_text(encoding="utf-8").strip() in readme, f"README does not quote {path.relative_to(ROOT)}"
    assert (ROOT / "config" / "gunicorn.conf.py").exists()
    assert "make smoke" in readme


def test_the_units_run_from_the_documented_virtualenv():
    for unit in ("web", "worker", "beat"):
        text = (DEPLOY / f"plansupervisor-{unit}.service").read_text()
        assert re.search(r"^ExecStart=/srv/plansupervisor/\.venv/bin/\S+ ", text, re.M), unit
        assert "EnvironmentFile=/etc/plansupervisor/env" in text


@pytest.mark.parametrize("name", ["css/app.css", "js/app.js", "vendor/bootstrap/bootstrap.bundle.min.js"])
def test_static_files_collect_with_the_manifest_and_hashed_names(tmp_path, settings, name):
    settings.STATIC_ROOT = tmp_path
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": MANIFEST}, STATIC_ROOT=tmp_path):
        call_command("collectstatic", "--noinput", verbosity=0)
        from django.templatetags.static import static

        url = static(name)
    assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", url), url
    assert (tmp_path / "staticfiles.json").exists()
    assert (tmp_path / url.removeprefix("/static/")).exists()


def test_a_broken_reference_in_our_own_static_files_still_fails(tmp_path, settings):
    ours = tmp_path / "ours"
    (ours / "css").mkdir(parents=True)
    (ours / "css" / "broken.css").write_text("body { background: url(missing.png); }")
    with override_settings(
        STORAGES={**settings.STORAGES, "staticfiles": MANIFEST},
        STATIC_ROOT=tmp_path / "out",
        STATICFILES_DIRS=[ours],
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
    ):
        with pytest.raises(ValueError, match="missing.png"):
            call_command("collectstatic", "--noinput", verbosity=0)


def test_a_broken_reference_is_tolerated_only_under_a_named_third_party_prefix(tmp_path, settings):
    third = tmp_path / "third"
    (third / "viewflow" / "css").mkdir(parents=True)
    (third / "viewflow" / "css" / "fonts.css").write_text("@font-face { src: url(Missing-Thin.woff2); }")
    with override_settings(
        STORAGES={**settings.STORAGES, "staticfiles": MANIFEST},
        STATIC_ROOT=tmp_path / "out",
        STATICFILES_DIRS=[third],
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
    ):
        call_command("collectstatic", "--noinput", verbosity=0)
    [hashed] = (tmp_path / "out" / "viewflow" / "css").glob("fonts.*.css")
    assert "url(Missing-Thin.woff2)" in hashed.read_text()
