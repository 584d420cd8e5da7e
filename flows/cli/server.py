"""Show, start or stop the local Prefect server that `presswash run` reuses between runs."""

from __future__ import annotations

import argparse
import datetime as dt
import os

from flows import prefect_server

DESCRIPTION = """\
Show, start or stop the local Prefect server that `presswash run` reuses between runs.

With PREFECT_API_URL unset and the reuse_server setting true (the default), the first run
starts a Prefect server in the background (about 15 s) and later runs use it, so they start
in moments. It keeps running until `presswash server stop`; its runs are in Prefect's UI at
its address, its log and state file in $PREFECT_HOME (default ~/.prefect)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action", nargs="?", default="status", choices=("status", "start", "stop"),
        help="what to do (default: %(default)s)",
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    if args.action == "start":
        state, started = prefect_server.ensure_server()
        print(f"{'started' if started else 'already running'}: {_describe(state)}")
        return 0
    if args.action == "stop":
        state = prefect_server.stop_server()
        print(f"stopped: pid {state.pid}" if state else "no local server recorded")
        return 0
    state = prefect_server.running_server()
    if os.environ.get("PREFECT_API_URL"):
        print(f"PREFECT_API_URL is set: runs use {os.environ['PREFECT_API_URL']}")
    if state is None:
        print(f"not running (it starts with the next run; home {prefect_server.prefect_home()})")
        return 1
    print(f"running: {_describe(state)}")
    return 0


def _describe(state: prefect_server.ServerState) -> str:
    since = dt.datetime.fromtimestamp(state.started_at).strftime("%Y-%m-%d %H:%M")
    return (
        f"pid {state.pid}, UI {state.url.removesuffix('/api')}, Prefect {state.prefect}, "
        f"since {since}, log {state.log}"
    )
