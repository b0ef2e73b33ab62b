"""Journey: a supervisor exports a list too large for one request; the page says the export is
being prepared with a progress bar, and offers the download once the job has written the file.
Elements are found by id, not by the text of strings still to be translated."""

import pytest
from playwright.sync_api import expect

from exports.models import ExportJob
from exports.services import export_generate
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, KeyTaskFactory, PlanFactory, make_supervisor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_large_export_shows_its_progress_then_the_download(page, settings, monkeypatch):
    settings.EXPORT_BACKGROUND_ROWS = 3
    monkeypatch.setattr("exports.services._enqueue", lambda pk: None)  # the "worker" is this test, below
    plan = PlanFactory(title="示范市精神卫生“十四五”规划")
    for number in range(1, 7):
        KeyTaskFactory(plan=plan, code=str(number), title=f"精神卫生任务{number}")
    make_supervisor("export-supervisor", region=plan.region)
    log_in(page, "export-supervisor", PASSWORD)

    page.goto(f"/plans/{plan.pk}/tasks/?_export=xlsx")
    expect(page.locator("#export-progress")).to_be_visible()
    expect(page.locator("#export-status")).to_have_attribute("data-status", "queued")
    expect(page.locator("#export-ready")).to_be_hidden()

    export_generate(ExportJob.objects.get().pk)  # the worker runs the job; the page polls it
    expect(page.locator("#export-status")).to_have_attribute("data-status", "done", timeout=15_000)
    expect(page.locator("#export-bar")).to_have_text("100%")
    with page.expect_download() as download:
        page.click("#download-export")
    assert download.value.suggested_filename == f"key-tasks-{plan.pk}.xlsx"
