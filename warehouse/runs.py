"""Bookkeeping of ingest runs: one row per run, opened by :func:`start_run`, closed by
:func:`finish_run`."""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Mapping

import duckdb

from warehouse.clock import utc_naive
from warehouse.transaction import transaction

FINAL_STATUSES = ("ok", "failed")


def start_run(
    con: duckdb.DuckDBPyConnection, run_id: str, started_at: dt.datetime, inputs: int
) -> list[str]:
    """Record that run ``run_id`` started with ``inputs`` inputs (status ``running``), owned
    by this process, and mark the runs this host started whose process is gone as
    ``interrupted``; returns their ids."""
    with transaction(con):
        if con.execute("SELECT 1 FROM runs WHERE run_id = ?", [run_id]).fetchone():
            raise ValueError(f"run {run_id!r} already exists: use a new run id")
        gone = _dead_runs(con)
        if gone:
            con.execute(
                "UPDATE runs SET status = 'interrupted' WHERE list_contains($gone, run_id)",
                {"gone": gone},
            )
        con.execute(
            "INSERT INTO runs (run_id, status, started_at, inputs, pid, host)"
            " VALUES (?, 'running', ?, ?, ?, ?)",
            [run_id, utc_naive(started_at), inputs, os.getpid(), socket.gethostname()],
        )
    return gone


def _dead_runs(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Runs still ``running`` that this host started from a process that no longer exists.

    Runs of other hosts are left alone: their process cannot be checked from here.
    """
    rows = con.execute(
        "SELECT run_id, pid FROM runs WHERE status = 'running' AND host = ?",
        [socket.gethostname()],
    ).fetchall()
    return [run_id for run_id, pid in rows if pid is None or not _alive(pid)]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    *,
    finished_at: dt.datetime,
    inputs: int,
    landed: int,
    duplicates: int,
    rejected: int,
    near_duplicates: int = 0,
    removals_by_kind: Mapping[str, int] | None = None,
    status: str = "ok",
) -> None:
    """Close run ``run_id`` with its final counts and ``status`` (``ok`` or ``failed``)."""
    if status not in FINAL_STATUSES:
        raise ValueError(f"status must be one of {FINAL_STATUSES}, not {status!r}")
    with transaction(con):
        updated = con.execute(
            """
            UPDATE runs SET status = $status, finished_at = $finished_at, inputs = $inputs,
                landed = $landed, duplicates = $duplicates, near_duplicates = $near_duplicates,
                rejected = $rejected,
                removals_by_kind = $removals_by_kind::MAP(VARCHAR, INTEGER)
            WHERE run_id = $run_id
            """,
            {
                "run_id": run_id,
                "status": status,
                "finished_at": utc_naive(finished_at),
                "inputs": inputs,
                "landed": landed,
                "duplicates": duplicates,
                "near_duplicates": near_duplicates,
                "rejected": rejected,
                "removals_by_kind": dict(removals_by_kind or {}),
            },
        ).fetchone()
        if not updated or not updated[0]:
            raise LookupError(f"no run {run_id!r}: call start_run first")
