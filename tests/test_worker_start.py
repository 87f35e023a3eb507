"""A worker process, once started, keeps what it loaded out of the garbage collector's full
collections (config.celery): a full collection otherwise walks it all, in the middle of a
poll batch."""

import gc

import pytest
from celery.signals import worker_process_init, worker_ready


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.mark.parametrize("started", [worker_process_init, worker_ready])
def test_a_started_worker_process_freezes_what_it_has_loaded(unfrozen, started):
    import config.celery  # noqa: F401  (connects the handlers, as the worker's start does)

    assert gc.get_freeze_count() == 0
    started.send(sender=None)
    assert gc.get_freeze_count() > 10_000
