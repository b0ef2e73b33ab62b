"""The interface's shared template tools (common/templatetags/ui.py): page titles, data marked as
Chinese, punctuation of the reader's language."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import mark_safe

from common.templatetags.ui import short_cell


def render(source: str, **context) -> str:
    return Template("{% load ui %}" + source).render(Context(context))


def test_a_page_title_is_separated_from_the_product_name():
    with translation.override("zh-hans"):
        assert render("{% titled %}我的待办{% endtitled %}") == "我的待办 · 规划督导平台"
        assert render("{% titled %} {% endtitled %}") == "规划督导平台"
        # data marked in a title block: a <title> shows text, not the marking
        assert render("{% titled %}{{ v|data }}{% endtitled %}", v="示范市") == "示范市 · 规划督导平台"


def test_chinese_data_is_marked_and_other_values_are_escaped():
    assert render("{{ v|data }}", v="市卫生健康委") == '<span lang="zh">市卫生健康委</span>'
    assert render("{{ v|data }}", v="<b>Health</b>") == "&lt;b&gt;Health&lt;/b&gt;"
    assert render("{{ v|data }}", v="<b>卫生</b>") == '<span lang="zh">&lt;b&gt;卫生&lt;/b&gt;</span>'


def test_a_table_marks_code_made_html_only_in_data_columns():
    from django.utils.safestring import mark_safe

    badge = mark_safe('<span class="badge">逾期</span>')
    assert render("{{ v|data_cell:'light' }}", v=badge) == str(badge)  # interface: left to the walk
    assert 'lang="zh"' in render("{{ v|data_cell:'title' }}", v=mark_safe('<a href="/t/1/">任务</a>'))


def test_quoted_chinese_terms_are_marked_only_inside_another_language():
    assert render("{{ v|zh_terms }}", v="e.g. 在册患者数") == 'e.g. <span lang="zh">在册患者数</span>'
    assert render("{{ v|zh_terms }}", v="主管部门") == "主管部门"  # wholly Chinese: not hidden from the walk


def test_punctuation_follows_the_language():
    source = "Lead{% colon %}X{% lparen %}2020{% rparen %}A{% list_sep %}B"
    with translation.override("en"):
        assert render(source) == "Lead: X (2020)A, B"
    with translation.override("zh-hans"):
        assert render(source) == "Lead：X（2020）A、B"


@pytest.mark.parametrize(
    "value",
    [datetime.date(2026, 11, 26), 1234567890.5, "2026年11月26日", "2026-11-26", "Nov. 26, 2026", "September 30, 2026",
     "2025年第4季度", mark_safe('<span class="badge">已报送</span>')],
)
def test_a_date_a_number_or_a_few_characters_stay_on_one_line(value):
    assert short_cell(value)


@pytest.mark.parametrize("value", ["统筹推进精神卫生信息化建设", "Reports of 2026年11月26日", "2026年11月26日前完成方案编制"])
def test_words_may_wrap(value):
    assert not short_cell(value)


def test_a_date_in_a_table_cell_is_written_in_the_readers_language():
    from common.templatetags.ui import data_cell

    with translation.override("zh-hans"):
        assert data_cell(datetime.date(2025, 7, 30), "due_on") == "2025年7月30日"
    with translation.override("en"):
        assert data_cell(datetime.date(2025, 7, 30), "due_on") == "July 30, 2025"
