"""Bookkeeping of ingest runs: one row per run, opened by :func:`start_run`, closed by
:func:`finish_run`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import duckdb

from warehouse.clock import utc_naive
from warehouse.transaction import transaction

FINAL_STATUSES = ("ok", "failed")


def start_run(
    con: duckdb.DuckDBPyConnection, run_id: str, started_at: dt.datetime, inputs: int
) -> None:
    """Record that run ``run_id`` started with ``inputs`` inputs (status ``running``)."""
    with transaction(con):
        if con.execute("SELECT 1 FROM runs WHERE run_id = ?", [run_id]).fetchone():
            raise ValueError(f"run {run_id!r} already exists: use a new run id")
        con.execute(
            "INSERT INTO runs (run_id, status, started_at, inputs) VALUES (?, 'running', ?, ?)",
            [run_id, utc_naive(started_at), inputs],
        )


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
