"""The migration to message keys: rows written before it keep their stored text, with no key."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

BEFORE = [("notifications", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_existing_rows_keep_their_text_and_get_no_key(liaison_a):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_state = executor.loader.project_state(BEFORE).apps
    OldNotification = old_state.get_model("notifications", "Notification")
    OldNotification.objects.create(user_id=liaison_a.pk, kind="notice", title="督办〔2023〕9号：旧通知", body="请反馈。", url="/n/9/")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to the latest state (0003 and after)

    from notifications.models import Notification

    [row] = Notification.objects.all()
    assert (row.message, row.params) == ("", {})
    assert (row.legacy_title, row.legacy_body, row.url) == ("督办〔2023〕9号：旧通知", "请反馈。", "/n/9/")
    with translation.override("en"):
        assert row.rendered() == ("督办〔2023〕9号：旧通知", "请反馈。")
