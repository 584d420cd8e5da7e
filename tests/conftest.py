"""Shared fixtures. Prefect's temporary server takes ~15 s to start: one per test session."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# The machines are shared: a property test's example can take longer than hypothesis's
# 200 ms default deadline for reasons that have nothing to do with the code.
settings.register_profile("shared-machine", deadline=None)
settings.load_profile("shared-machine")

# Prefect reads its settings at import: isolate its home before anything imports it.
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="presswash-prefect-"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")

ROOT = Path(__file__).resolve().parent.parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that uses the Prefect server runs flows: mark it ``flow``."""
    for item in items:
        if "prefect_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.flow)


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[str]:
    """A real temporary Prefect server, shared by every flow test of the session; yields
    its API URL, for flows run in subprocesses (``PREFECT_API_URL``)."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield PREFECT_API_URL.value()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "wh" / "presswash.duckdb"
