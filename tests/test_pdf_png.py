"""Every kind of PDF rendered to PNG pages with poppler's pdftoppm, kept under test-results/pdf/
(git-ignored; CI keeps them as artifacts) for a person to look at. Nothing is compared pixel by
pixel: the test asserts that poppler reads each PDF and draws every page."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation
from pypdf import PdfReader

from evaluation.report import render_bulletin, render_final_report
from supervision.pdf import notice_pdf
from tests.dashboards.conftest import cascade_world
from tests.pdf_world import build_world

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS", "test-results")) / "pdf"


def _render(kind: str) -> bytes:
    if kind == "province-final":
        return render_final_report(cascade_world(3, tasks=4, quarters=2).plan)
    world = build_world(english=kind.endswith("-en"), departments=6)
    if kind.startswith("final"):
        return render_final_report(world.plan)
    if kind.startswith("bulletin"):
        return render_bulletin(world.plan, "2024Q2")
    return notice_pdf(world.notice)


@pytest.mark.parametrize("kind", ["final", "bulletin", "province-final", "notice", "final-en", "notice-en"])
def test_each_pdf_is_drawn_page_by_page_as_png(kind, media_root):
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.fail("pdftoppm is missing: apt-get install -y poppler-utils (.ci/run and make test do)")
    with translation.override("en" if kind.endswith("-en") else "zh-hans"):
        data = _render(kind)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{kind}-*.png"):
        old.unlink()
    pdf = ARTIFACTS / f"{kind}.pdf"
    pdf.write_bytes(data)
    subprocess.run([pdftoppm, "-r", "72", "-png", str(pdf), str(ARTIFACTS / kind)], check=True, timeout=120)
    pages = len(PdfReader(pdf).pages)
    pngs = sorted(ARTIFACTS.glob(f"{kind}-*.png"))
    assert len(pngs) == pages, (pngs, pages)
    assert all(png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 2000 for png in pngs)
