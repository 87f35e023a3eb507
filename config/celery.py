"""The Celery application. Configuration lives in settings under the CELERY_ prefix."""

import gc
import os

from celery import Celery
from celery.signals import worker_process_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# DjangoTask adds delay_on_commit(): a worker never sees a row before its transaction commits.
app = Celery("spaning", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def freeze_start_up_objects() -> None:
    """Take what a process has loaded so far (modules, Django's setup, the tasks' imports)
    out of the garbage collector's full collections: it lives as long as the process, and a
    full collection otherwise walks every one of those hundreds of thousands of objects,
    for nothing (about 50 ms, landing in the middle of a poll batch: bench/ingest.py).

    No collection first: in a pool process forked from the worker, a collection would write
    to every object it inherited, copying the parent's memory page by page, where freezing
    only moves the garbage collector's lists (and spares those pages later collections
    too). What little start-up garbage there is stays, once."""
    gc.freeze()


# Each of the prefork pool's processes once started (Django set up by then), and the worker's
# own process, where tasks run with the solo and threads pools.
@worker_process_init.connect
@worker_ready.connect
def _worker_started(**_kwargs):
    freeze_start_up_objects()
