"""The Celery app: broker and schedule come from Django settings (CELERY_*)."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("learningloop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
def _worker_keeps_retrying_its_broker(**kwargs) -> None:
    """Settings make a publisher give up at once on a broker that is down (``max_retries: 0``): a web
    request records its work and answers. A worker must do the opposite and keep reconnecting: with
    that option its consumer stops for good the first time Redis goes away (seen in tests/faults)."""
    options = dict(app.conf.broker_transport_options or {})
    if options.pop("max_retries", None) is not None:
        app.conf.broker_transport_options = options
