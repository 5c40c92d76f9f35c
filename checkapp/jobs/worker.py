"""`flask --app checkapp worker`: the huey consumer, in this process, with the periodic jobs."""
from __future__ import annotations

import logging

from flask import Flask

from . import queue


def run_worker(app: Flask, workers: int = 2) -> None:
    if queue.immediate:
        raise RuntimeError("QUEUE_IMMEDIATE is on: jobs already run where they are enqueued")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("worker").info("%s job thread(s), queue %s", workers, app.config["QUEUE_URL"])
    # huey lists its commands and settings at INFO: noise on the first screen of `make run`.
    logging.getLogger("huey").setLevel(logging.WARNING)
    # Threads share the app; each job pushes its own app context (checkapp.jobs.job). SIGTERM (what
    # honcho, systemd and docker send) lets running jobs finish; a second one stops at once.
    consumer = queue.create_consumer(workers=workers, worker_type="thread", periodic=True,
                                     check_worker_health=True, graceful_signal="TERM")
    consumer.run()
