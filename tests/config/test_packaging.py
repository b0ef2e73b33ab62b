"""Packaging and the README: no setuptools deprecation warning, the port of `make run` documented."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_license_is_an_spdx_expression_setuptools_accepts_without_warning():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "AGPL-3.0-or-later"  # the table form warns (PEP 639)
    assert "setuptools>=77" in project["build-system"]["requires"]  # the first to read the string form


def test_readme_says_how_to_serve_on_another_port():
    assert "make run HOST=" in (ROOT / "README.md").read_text(encoding="utf-8")
