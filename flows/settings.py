"""Settings of presswash, loaded once at the edge (the CLI, or a deployment's flow run) and
passed down to the flow as a parameter.

Precedence, lowest first: built-in defaults, the ``[tool.presswash]`` table of
``pyproject.toml`` in the working directory, ``presswash.toml`` in the working directory (top
level keys, or a ``[tool.presswash]`` table, or both), then ``PRESSWASH_*`` environment
variables (``PRESSWASH_DB``, ``PRESSWASH_INBOX``, ...: the upper-cased key). Command-line
options override all of them.

Values are coerced to the type of their field (``"false"`` is False, ``"abc"`` is no
integer); a bad value, an unknown key or an unknown ``PRESSWASH_*`` variable raises
:class:`SettingsError` with one line that names where it came from and, for a misspelt name,
the closest setting.
"""

from __future__ import annotations

import difflib
import os
import sys
import tomllib
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Settings:
    #: Warehouse file written by ``presswash run`` and read by the other commands.
    db: str = "warehouse/presswash.duckdb"
    #: What ``presswash run`` ingests when given no path.
    inputs: tuple[str, ...] = ("seeds",)
    #: Directory ``presswash serve`` watches; each file in it is ingested exactly once.
    inbox: str = "inbox"
    #: Schedule of ``presswash serve``: a cron expression, or else an interval in seconds.
    cron: str = ""
    interval: float = 300.0
    #: Documents per task run. Prefect's API sustains a few hundred task runs a second, so one
    #: task per document would make the orchestrator the bottleneck; batches amortize it.
    #: 0: chosen from the number of inputs (``flows.runners.batch_size``).
    batch_size: int = 0
    #: Seconds a run waits for another process to release the warehouse before giving up.
    lock_wait: float = 30.0
    #: DuckDB's ``memory_limit`` for the run's connection to the warehouse (``"1GB"``; empty:
    #: DuckDB's default, 80% of RAM). Unbounded, DuckDB keeps every block it wrote cached.
    writer_memory: str = "150MB"
    #: ``auto`` (default: ``processes`` for runs of many files, the flow process for a few),
    #: ``threads``, ``processes`` (a pool of ``workers`` processes) or ``dask``; with
    #: ``dask``, ``dask_address`` names a running scheduler (``tcp://host:8786``) or, when
    #: empty, a local cluster of ``workers``.
    task_runner: str = "auto"
    #: A passage found in this many articles of one site is that site's chrome (see
    #: ``dedup.site_repetition``): two articles may honestly share a paragraph, three rarely.
    min_site_articles: int = 3
    #: ``redis://host:port/db`` to share the near-duplicate index between workers; empty keeps
    #: it in the flow's memory, rebuilt from the warehouse at each run.
    redis_url: str = ""
    #: Articles the near-duplicate index holds in the flow's memory (with their passages,
    #: about 4 kB each); past that, what landed is written to segments on disk beside the
    #: warehouse (``DB.index``, see ``flows.index_segments``) and searched there, so a run's
    #: memory does not grow with the warehouse. 0 holds the whole index in memory.
    index_memory_articles: int = 20_000
    dask_address: str = ""
    #: Workers of the task runner: threads, processes, or local Dask workers.
    workers: int = 2
    #: Batches submitted to the task runner and not yet landed; 0: twice ``workers``, so
    #: every worker stays busy while the flow lands, without holding the whole input.
    batches_in_flight: int = 0
    #: How the ``processes`` runner starts its workers: ``forkserver`` or ``spawn``; empty
    #: means ``forkserver`` on Linux (the imports are paid once, not once per worker), else
    #: ``spawn``.
    start_method: str = ""
    #: ``presswash run`` keeps a local Prefect server running between runs (see
    #: ``flows.prefect_server``); false starts a temporary one per run and stops it after.
    reuse_server: bool = True
    #: Seconds between two plain progress lines of ``run``, ``eval`` and ``report`` when
    #: their output is not a terminal (a log file, CI).
    progress_every: float = 5.0

    def in_flight(self) -> int:
        """Batches kept in flight (:attr:`batches_in_flight`, or its default)."""
        return self.batches_in_flight or max(2, 2 * self.workers)


class SettingsError(ValueError):
    """A settings file, key, variable or value presswash cannot use; its text is one line."""


#: Old names still read, and the setting they now are.
DEPRECATED = {"dask_workers": "workers"}
#: ``PRESSWASH_*`` variables that are not settings: the deployment's checkout, the property
#: tests' profile, the throughput benchmark's bookkeeping, the pid a worker's parent hands
#: down (``flows.processes``).
OTHER_VARIABLES = frozenset(
    {"PRESSWASH_HOME", "PRESSWASH_HYPOTHESIS", "PRESSWASH_BENCH_SERVER_PID", "PRESSWASH_PARENT_PID"}
)
_PREFIX = "PRESSWASH_"
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


def load_settings(
    cwd: Path | None = None,
    environ: Mapping[str, str] | None = None,
    warn: Callable[[str], None] | None = None,
) -> Settings:
    """Settings from the files in ``cwd`` and the environment (see the module docstring).

    ``warn`` receives one line per deprecated name used (default: printed to stderr).
    """
    cwd = cwd or Path.cwd()
    environ = os.environ if environ is None else environ
    warn = warn or _print_warning
    values: dict[str, tuple[Any, str]] = {}
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file():
        table = _read_toml(pyproject).get("tool", {}).get("presswash", {})
        values |= _from_table(table, f"{pyproject} [tool.presswash]")
    own = cwd / "presswash.toml"
    if own.is_file():
        data = _read_toml(own)
        tool = data.pop("tool", {})
        values |= _from_table(data, str(own))
        if not isinstance(tool, dict) or set(tool) - {"presswash"}:
            raise SettingsError(f"{own}: the only table allowed under [tool] is [tool.presswash]")
        values |= _from_table(tool.get("presswash", {}), f"{own} [tool.presswash]")
    values |= _from_environ(environ)
    return _coerce(values, warn)


def settings_from(values: Mapping[str, Any]) -> Settings:
    """Settings from a plain mapping, as a flow parameter carries them (JSON: lists for
    tuples), with the same checks and coercion as the files and variables."""
    origin = "flow parameter settings"
    for key in values:
        _check_name(key, origin)
    return _coerce({k: (v, f"{origin}.{k}") for k, v in values.items()}, _print_warning)


def as_parameter(settings: Settings) -> dict[str, Any]:
    """``settings`` as a flow parameter: a plain JSON-able mapping (see :func:`settings_from`)."""
    return {f.name: _jsonable(getattr(settings, f.name)) for f in fields(Settings)}


def _jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read settings: {exc}") from exc


def _from_table(table: Any, origin: str) -> dict[str, tuple[Any, str]]:
    if not isinstance(table, dict):
        raise SettingsError(f"{origin}: expected a table of settings")
    for key in table:
        _check_name(key, origin)
    return {key: (value, f"{origin}: {key}") for key, value in table.items()}


def _from_environ(environ: Mapping[str, str]) -> dict[str, tuple[Any, str]]:
    out = {}
    for variable, value in environ.items():
        if not variable.startswith(_PREFIX) or variable in OTHER_VARIABLES:
            continue
        key = variable.removeprefix(_PREFIX).lower()
        _check_name(key, "environment", shown=variable)
        out[key] = (value, variable)
    return out


def _names() -> list[str]:
    return [f.name for f in fields(Settings)]


def _check_name(key: str, origin: str, shown: str | None = None) -> None:
    names = _names()
    if key in names or key in DEPRECATED:
        return
    close = difflib.get_close_matches(key, [*names, *DEPRECATED], n=1, cutoff=0.6)
    shown = shown or key
    if close and shown.startswith(_PREFIX):
        hint = f" (did you mean {_PREFIX}{close[0].upper()}?)"
    else:
        hint = f" (did you mean {close[0]}?)" if close else ""
    raise SettingsError(f"{origin}: unknown setting {shown}{hint}")


def _coerce(values: dict[str, tuple[Any, str]], warn: Callable[[str], None]) -> Settings:
    types = typing.get_type_hints(Settings)
    out: dict[str, Any] = {}
    for key, (value, origin) in values.items():
        name = DEPRECATED.get(key, key)
        if name != key:
            warn(f"{origin}: setting {key} is deprecated, use {name}")
        out[name] = _convert(value, types[name], name, origin)
    return replace(Settings(), **out)


def _convert(value: Any, kind: Any, name: str, origin: str) -> Any:
    def bad(expected: str) -> SettingsError:
        return SettingsError(f"{origin}: {name} must be {expected}, not {value!r}")

    if kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().casefold() in _TRUE | _FALSE:
            return value.strip().casefold() in _TRUE
        raise bad("true or false")
    if kind in (int, float):
        if isinstance(value, bool) or (kind is int and isinstance(value, float)):
            raise bad("an integer" if kind is int else "a number")
        try:
            number = kind(value.strip() if isinstance(value, str) else value)
        except (TypeError, ValueError):
            raise bad("an integer" if kind is int else "a number") from None
        if number < 0:
            raise bad("zero or more")
        return number
    if kind is str:
        if not isinstance(value, str):
            raise bad("a string")
        return value
    # tuple[str, ...]: a list, or one comma-separated string
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
        raise bad("a list of strings")
    return tuple(i.strip() for i in items if i.strip())


def _print_warning(line: str) -> None:
    print(f"presswash: {line}", file=sys.stderr)


_PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_TO_API_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
}


def quiet_prefect(environ: typing.MutableMapping[str, str]) -> None:
    """Quiet Prefect defaults in ``environ``, for the CLI's own process before it imports
    Prefect (Prefect reads its settings from the environment). Values already there win: a
    team that runs a Prefect server or wants Prefect's own logs keeps its settings."""
    for name, value in _PREFECT_DEFAULTS.items():
        environ.setdefault(name, value)
