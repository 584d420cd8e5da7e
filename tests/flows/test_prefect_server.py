"""Pointing this process at a Prefect server reaches the threads Prefect starts itself."""

from __future__ import annotations

import os
import threading

from prefect.settings import PREFECT_API_URL

from flows import prefect_server


def _seen_by_a_new_thread() -> str | None:
    """``PREFECT_API_URL`` as a thread started without this context's settings reads it (the
    process pool's message forwarder is such a thread)."""
    seen: list[str | None] = []
    thread = threading.Thread(target=lambda: seen.append(PREFECT_API_URL.value()))
    thread.start()
    thread.join()
    return seen[0]


def test_threads_started_inside_using_see_the_server_and_after_it_what_they_saw_before() -> None:
    before, environ_before = _seen_by_a_new_thread(), os.environ.get("PREFECT_API_URL")
    url = "http://127.0.0.1:9/api"
    assert before != url
    with prefect_server.using(url):
        assert PREFECT_API_URL.value() == url
        assert _seen_by_a_new_thread() == url
        assert os.environ["PREFECT_API_URL"] == url
    assert _seen_by_a_new_thread() == before
    assert os.environ.get("PREFECT_API_URL") == environ_before
