"""A task for the two-worker test: it appends one line per run to a file."""

import os
import time

from django_tasks import task


@task()
def record_run(number: int, path: str) -> int:
    time.sleep(0.02)  # long enough for both workers to be busy at once
    with open(path, "a") as runs:  # one short append per run: lines never interleave
        runs.write(f"{number} {os.getpid()}\n")
    return number
