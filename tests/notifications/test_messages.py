"""Notifications are a message key plus plain parameters, rendered in the reader's language when
shown: on the notification page, in the e-mail and in the daily digest. Old rows (no key) show the
text they were stored with; unknown keys, missing and non-plain parameters are refused."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy

from notifications import messages
from notifications.models import Notification
from notifications.services import deliver, notify
from supervision.sweep import digest_send
from tasks import progress

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:notification_list")
D = datetime.date


def _page(client, user) -> str:
    """The notification centre's text (its parameters are marked lang="zh" as data: tags dropped)."""
    client.force_login(user)
    response = client.get(LIST)
    assert response.status_code == 200
    return strip_tags(response.content.decode())


def _escalated(users, *, send_email=False):
    """A notice escalation as the sweep writes it (under the site's language, zh-hans)."""
    with translation.override("zh-hans"):
        return notify(
            users=users,
            kind=Notification.Kind.ESCALATION,
            message="supervision.notice.escalated",
            params={
                "reference": "督办〔2024〕3号",
                "level": "yellow",
                "department": "市卫生健康委",
                "task": "1.2 建设社会心理服务体系",
                "old": "2024-08-10",
                "new": "2024-08-17",
            },
            url="/supervision/notices/3/",
            send_email=send_email,
        )


# --- stored as a key and parameters ------------------------------------------------------------


def test_a_notification_stores_its_key_and_parameters_not_a_sentence(liaison_a):
    [note] = _escalated([liaison_a])
    note.refresh_from_db()
    assert note.message == "supervision.notice.escalated"
    assert note.params["level"] == "yellow" and note.params["old"] == "2024-08-10"
    assert (note.legacy_title, note.legacy_body) == ("", "")


def test_made_in_chinese_it_reads_in_english_for_an_english_reader(en_client, liaison_a):
    _escalated([liaison_a])
    page = _page(en_client, liaison_a)
    assert "Notice 督办〔2024〕3号 escalated to Yellow: 市卫生健康委 has not answered" in page
    assert "The answer was due on Aug. 10, 2024; it is now due on Aug. 17, 2024." in page
    assert "升级为" not in page and "黄色" not in page
    html = en_client.get(LIST).content.decode()  # the Chinese names are marked as Chinese data
    assert '<span lang="zh">督办〔2024〕3号</span>' in html and '<span lang="zh">市卫生健康委</span>' in html


def test_and_in_chinese_for_a_chinese_reader(client, liaison_a):
    with translation.override("en"):  # whoever's language was active when it was made
        notify(
            users=[liaison_a],
            kind=Notification.Kind.EXTENSION,
            message="supervision.extension.requested",
            params={
                "task": "1.2 建设社会心理服务体系",
                "period": "2024Q2",
                "user": "张三",
                "department": "市公安局",
                "from": "2024-07-10",
                "to": "2024-08-10",
                "reason": "数据尚未汇总",
            },
        )
    _escalated([liaison_a])
    page = _page(client, liaison_a)
    assert "督办〔2024〕3号已升级为黄色：市卫生健康委未按期反馈" in page
    assert "原定2024年8月10日前反馈，现须于2024年8月17日前反馈。" in page
    assert "延期申请：1.2 建设社会心理服务体系 · 2024年第2季度" in page
    assert "张三（市公安局）申请将截止日期由2024年7月10日延至2024年8月10日。理由：数据尚未汇总" in page
    assert "escalated" not in page and "Extension requested" not in page


def test_display_title_and_body_follow_the_active_language(liaison_a):
    [note] = _escalated([liaison_a])
    with translation.override("en"):
        assert note.display_title.startswith("Notice 督办〔2024〕3号 escalated to Yellow")
        assert note.display_body.startswith("Key task: 1.2 建设社会心理服务体系\n")
    with translation.override("zh-hans"):
        assert note.display_title.startswith("督办〔2024〕3号已升级为黄色")
        assert note.display_body.startswith("重点任务：1.2 建设社会心理服务体系\n")
        assert str(note) == note.display_title


# --- refused -----------------------------------------------------------------------------------


def test_an_unknown_key_is_refused_and_nothing_is_written(liaison_a):
    with pytest.raises(ValueError, match="supervision.notice.isued"):
        notify(users=[liaison_a], kind=Notification.Kind.NOTICE, message="supervision.notice.isued", params={})
    assert not Notification.objects.exists()


def test_a_missing_parameter_is_refused(liaison_a):
    with pytest.raises(ValueError, match="reference"):
        notify(users=[liaison_a], kind=Notification.Kind.NOTICE, message="supervision.notice.acknowledged", params={"department": "市公安局"})
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "value",
    [gettext_lazy("Overdue"), D(2024, 8, 10), ["a"], {"a": 1}, object()],
    ids=["lazy-translation", "date", "list", "dict", "object"],
)
def test_parameters_must_be_plain_values(liaison_a, value):
    with pytest.raises(TypeError):
        notify(
            users=[liaison_a],
            kind=Notification.Kind.NOTICE,
            message="supervision.notice.acknowledged",
            params={"department": value, "reference": "督办〔2024〕1号"},
        )
    assert not Notification.objects.exists()


def test_a_key_must_look_like_app_subject_event():
    with pytest.raises(ValueError):
        messages.register_message("Not a key", title="x")


def test_every_registered_message_is_translated_into_chinese_and_renders_in_both_languages():
    """Each app's catalogue: a Chinese title for every translatable template (plain "%(x)s"
    templates excepted), and no placeholder left unfilled when the parameters are there."""
    untranslated = []
    for key in messages.registered_keys():
        if key.startswith("tests."):
            continue
        found = messages.message(key)
        for template in (found.title, found.body):
            if not template or isinstance(template, str):
                continue
            with translation.override("zh-hans"):
                chinese = str(template)
            with translation.override("en"):
                english = str(template)
            if chinese == english:
                untranslated.append(f"{key}: {english!r}")
    assert not untranslated, untranslated
    assert {
        "supervision.notice.issued",
        "supervision.notice.escalated",
        "supervision.extension.requested",
        "supervision.report.overdue",
        "evaluation.self_assessment.returned",
        "indicators.binding.at_risk",
    } <= set(messages.registered_keys())


# --- old rows ----------------------------------------------------------------------------------


def test_an_old_row_without_a_key_shows_its_stored_text_in_every_language(client, en_client, liaison_a):
    old = Notification.objects.create(
        user=liaison_a, kind=Notification.Kind.NOTICE, legacy_title="督办〔2023〕9号：旧通知", legacy_body="请于2023年5月1日前反馈。"
    )
    assert old.message == "" and old.params == {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            assert old.rendered() == ("督办〔2023〕9号：旧通知", "请于2023年5月1日前反馈。")
    for reader in (client, en_client):
        page = _page(reader, liaison_a)
        assert "督办〔2023〕9号：旧通知" in page and "请于2023年5月1日前反馈。" in page


def test_a_key_no_longer_registered_shows_the_key_rather_than_nothing(liaison_a):
    gone = Notification.objects.create(user=liaison_a, kind=Notification.Kind.INFO, message="tasks.gone.away", params={"x": 1})
    assert gone.rendered() == ("tasks.gone.away", "")


def test_parameters_an_old_template_does_not_know_leave_the_template_as_it_is(liaison_a):
    odd = Notification.objects.create(user=liaison_a, kind=Notification.Kind.NOTICE, message="supervision.notice.acknowledged", params={})
    with translation.override("en"):
        assert odd.display_title == "%(department)s acknowledged notice %(reference)s"


# --- e-mail ------------------------------------------------------------------------------------


def test_the_email_is_written_in_the_sites_language_whatever_the_sender_used(liaison_a, django_capture_on_commit_callbacks):
    liaison_a.email = "a@example.gov.cn"
    liaison_a.save()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):  # the sender reads English
        notify(
            users=[liaison_a],
            kind=Notification.Kind.NOTICE,
            message="supervision.notice.returned",
            params={"reference": "督办〔2024〕5号", "reason": "请补充佐证材料", "date": "2024-09-02"},
            url="/supervision/notices/5/",
            send_email=True,
        )
    [email] = mail.outbox
    assert email.subject.endswith("督办〔2024〕5号：反馈已退回") and "\n" not in email.subject
    assert "请补充佐证材料\n\n请于2024年9月2日前重新反馈。" in email.body
    assert email.body.rstrip().endswith("/supervision/notices/5/")


def test_the_email_follows_the_readers_email_language(liaison_a):
    liaison_a.email = "a@example.gov.cn"
    liaison_a.save()
    [note] = _escalated([liaison_a], send_email=True)
    with mock.patch("notifications.services.email_language", return_value="en"):
        assert deliver(note.pk) is True
    [email] = mail.outbox
    assert "Notice 督办〔2024〕3号 escalated to Yellow: 市卫生健康委 has not answered" in email.subject
    assert "The answer was due on Aug. 10, 2024; it is now due on Aug. 17, 2024." in email.body


def test_an_old_row_is_emailed_with_its_stored_text(liaison_a):
    liaison_a.email = "a@example.gov.cn"
    liaison_a.save()
    old = Notification.objects.create(
        user=liaison_a, kind=Notification.Kind.NOTICE, legacy_title="旧通知", legacy_body="旧内容", send_email=True
    )
    assert deliver(old.pk) is True
    [email] = mail.outbox
    assert email.subject.endswith("旧通知") and email.body.startswith("旧通知\n\n旧内容")


# --- the daily digest --------------------------------------------------------------------------


@pytest.fixture
def due_report(plan, task_a, dept_a, liaison_a):
    liaison_a.email = "a@example.gov.cn"
    liaison_a.save()
    period = progress.reporting_period(plan=plan, cadence="quarterly", year=2024, number=2)
    return progress.report_open(task=task_a, period=period, department=dept_a)


def test_the_digest_is_written_in_chinese(due_report):
    with translation.override("en"):  # the job's own language does not matter
        assert digest_send(on=D(2024, 7, 5)) == 1
    [email] = mail.outbox
    assert "1项事项即将到期或已逾期" in email.subject
    assert f"进展报告：{due_report.task.code} {due_report.task.title} · 2024年第2季度" in email.body
    assert "Progress report" not in email.body and "Q2" not in email.body


def test_the_digest_follows_the_readers_email_language(due_report):
    with mock.patch("supervision.sweep.email_language", return_value="en"):
        assert digest_send(on=D(2024, 7, 12)) == 1
    [email] = mail.outbox
    assert "1 item(s) due soon or overdue" in email.subject
    assert f"[Overdue] Progress report: {due_report.task.code} {due_report.task.title} · 2024 Q2" in email.body
    assert "进展报告" not in email.body and "季度" not in email.body
