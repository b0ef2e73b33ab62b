"""Journey: a supervisor browses the demo plan in Chinese, filters, opens a task, tries English."""

import re

import pytest
from playwright.sync_api import expect

from demo.plan import seed_demo
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_filters_the_task_list_opens_a_task_and_switches_language(page):
    seed_demo()
    log_in(page, "supervisor")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    page.locator("#main-nav").get_by_role("link", name="规划", exact=True).click()
    page.get_by_role("link", name="示范市精神卫生“十四五”规划").click()
    page.get_by_role("link", name="重点任务清单").click()
    expect(page.locator("#result-count")).to_contain_text("22")

    page.select_option("#id_department", label="市公安局")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#result-count")).to_contain_text("5")
    rows = page.locator("#key-task-table tbody tr")
    expect(rows).to_have_count(5)
    expect(page.locator("#key-task-table")).to_contain_text("肇事肇祸风险患者应急处置与送诊")
    expect(page.locator("#key-task-table")).not_to_contain_text("心理健康教育纳入教育课程")

    page.get_by_role("link", name="肇事肇祸风险患者应急处置与送诊").click()
    expect(page.locator("h1")).to_contain_text("肇事肇祸风险患者应急处置与送诊")
    expect(page.locator("#task-facts")).to_contain_text("示范市公安局")
    expect(page.locator("#task-facts")).to_contain_text("长期坚持")
    expect(page.locator("#source-clause")).to_contain_text("公安部门负责")

    page.select_option("#language-select", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#task-facts")).to_contain_text("Lead department")
    expect(page).to_have_url(re.compile(r"/tasks/\d+/$"))

    page.select_option("#language-select", "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("#task-facts")).to_contain_text("牵头单位")
