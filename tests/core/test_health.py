from __future__ import annotations

from django.urls import reverse


def test_it_reports_database_and_task_queue(client, db):
    response = client.get(reverse("core:health"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["tasks"]["status"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_stuck_queue_is_reported_as_degraded(client, db, settings):
    from django.tasks import task_backends

    # A second backend alias that really writes to the queue table.
    task_backends._settings = None
    task_backends.__dict__.pop("settings", None)
    settings.TASKS = {**settings.TASKS, "db": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from pariter.core.tasks import send_account_invitation

    result = send_account_invitation.using(backend="db").enqueue(user_id=1)
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - timedelta(hours=1))
    body = client.get(reverse("core:health")).json()
    assert body["checks"]["tasks"]["status"] == "degraded"
    assert body["status"] == "error"
