"""Serve the ingest flow as a scheduled Prefect deployment that takes new files from an inbox.

Each scheduled run ingests the files of the inbox that no earlier run took (the warehouse
remembers them by path, size and modification time), so every file lands exactly once across
runs and restarts, and a run with nothing new finishes in moments. Each run logs one line
(inputs, landed, duplicates, rejected), and one line per reject. The schedule is a cron
expression or an interval, from the settings (``[tool.presswash]``, ``presswash.toml``,
``PRESSWASH_CRON`` / ``PRESSWASH_INTERVAL``) or the options below. Stop it with Ctrl-C
(SIGINT) or SIGTERM.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import signal
from pathlib import Path

from flows.prefect_server import local_server
from flows.settings import as_parameter, load_settings

DEPLOYMENT = "presswash-inbox"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--inbox", help="directory to watch (default: the inbox setting)")
    parser.add_argument("--db", help="warehouse file (default: the db setting)")
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--cron", help='cron schedule, e.g. "*/15 * * * *"')
    when.add_argument("--interval", type=float, help="seconds between runs")
    parser.add_argument(
        "--port",
        type=int,
        default=0,
        help="port of the local Prefect server started when PREFECT_API_URL is unset "
        "(default: a free one)",
    )


def run(args: argparse.Namespace) -> int:
    settings = load_settings()

    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy

    from flows.ingest import ingest
    from flows.runners import task_runner

    overrides = {k: getattr(args, k) for k in ("inbox", "db", "cron", "interval")}
    if args.interval is not None:
        overrides["cron"] = ""
    settings = dataclasses.replace(
        settings, **{k: v for k, v in overrides.items() if v is not None}
    )
    inbox = Path(settings.inbox)
    inbox.mkdir(parents=True, exist_ok=True)
    schedule = {"cron": settings.cron} if settings.cron else {"interval": settings.interval}
    # A shell starts a background job (`presswash serve &` in a script) with SIGINT ignored,
    # and Python keeps it so: the service would then outlive the Ctrl-C meant to stop it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    print(
        f"serving {DEPLOYMENT}: {inbox} -> {settings.db}, "
        + (f"cron {settings.cron!r}" if settings.cron else f"every {settings.interval:g} s")
    )
    with contextlib.ExitStack() as stack:
        if not os.environ.get("PREFECT_API_URL"):
            url = stack.enter_context(local_server(args.port))
            print(f"started a local Prefect server: UI at {url.removesuffix('/api')}")
        ingest.with_options(task_runner=task_runner(settings)).serve(
            name=DEPLOYMENT,
            # The settings travel with each scheduled run: its process reads no files.
            parameters={
                "paths": [str(inbox)],
                "db": settings.db,
                "inbox": True,
                "settings": as_parameter(settings),
            },
            print_starting_message=False,
            # One run at a time: a run that comes due while another still works is
            # cancelled, not queued, so two runs never race for the same new file.
            global_limit=ConcurrencyLimitConfig(
                limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
            ),
            **schedule,
        )
    print(f"stopped serving {DEPLOYMENT}")
    return 0
