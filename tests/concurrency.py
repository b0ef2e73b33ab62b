"""Run calls at the same moment in threads, for the PostgreSQL concurrency tests."""

import threading

from django.db import connection
from django.utils import translation


def race(*calls, language: str = "en") -> list:
    """Start every call together (a barrier), each thread with its own database connection.

    Returns, per call, what it returned ("ok" for None) or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            with translation.override(language):
                barrier.wait()
                value = call()
        except Exception as exc:  # noqa: BLE001 - handed to the test
            outcomes[index] = exc
        else:
            outcomes[index] = "ok" if value is None else value
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a racing call did not finish"
    return outcomes
