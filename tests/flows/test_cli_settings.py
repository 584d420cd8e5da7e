"""Settings: files and variables, typed values, one-line errors through the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from flows.cli import main
from flows.settings import Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def _load(tmp_path: Path, environ: dict[str, str] | None = None, **files: str) -> Settings:
    for name, text in files.items():
        (tmp_path / name.replace("_", ".")).write_text(text, "utf-8")
    return load_settings(cwd=tmp_path, environ=environ or {}, warn=lambda _line: None)


def test_presswash_toml_takes_top_level_keys_and_a_tool_table(tmp_path: Path) -> None:
    got = _load(
        tmp_path,
        presswash_toml='batch_size = 7\n[tool.presswash]\ndb = "x.duckdb"\nworkers = 3\n',
    )
    assert (got.batch_size, got.db, got.workers) == (7, "x.duckdb", 3)


def test_precedence_is_pyproject_then_presswash_toml_then_environment(tmp_path: Path) -> None:
    got = _load(
        tmp_path,
        {"PRESSWASH_LOCK_WAIT": "9"},
        pyproject_toml="[tool.presswash]\nbatch_size = 1\nlock_wait = 1\ninbox = 'a'\n",
        presswash_toml="batch_size = 2\nlock_wait = 2\n",
    )
    assert (got.inbox, got.batch_size, got.lock_wait) == ("a", 2, 9.0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("false", False), ("False", False), ("0", False), ("no", False), ("off", False),
     ("true", True), ("1", True), ("YES", True), ("on", True)],
)  # fmt: skip
def test_booleans_from_the_environment_read_as_booleans(
    tmp_path: Path, text: str, expected: bool
) -> None:
    assert _load(tmp_path, {"PRESSWASH_REUSE_SERVER": text}).reuse_server is expected


def test_values_take_the_type_of_their_setting(tmp_path: Path) -> None:
    got = _load(
        tmp_path,
        {"PRESSWASH_BATCH_SIZE": " 12 ", "PRESSWASH_INTERVAL": "2.5", "PRESSWASH_INPUTS": "a, b"},
    )
    assert (got.batch_size, got.interval, got.inputs) == (12, 2.5, ("a", "b"))


@pytest.mark.parametrize(
    ("environ", "toml", "message"),
    [
        ({"PRESSWASH_BATCH_SIZE": "abc"}, "", "PRESSWASH_BATCH_SIZE: batch_size must be an int"),
        ({"PRESSWASH_REUSE_SERVER": "maybe"}, "", "reuse_server must be true or false"),
        ({"PRESSWASH_LOCK_WAIT": "-1"}, "", "lock_wait must be zero or more"),
        ({}, "batch_size = 2.5\n", "batch_size must be an integer, not 2.5"),
        ({}, "workers = true\n", "workers must be an integer, not True"),
        ({}, "db = 3\n", "db must be a string"),
        ({}, "inputs = [1]\n", "inputs must be a list of strings"),
        ({"PRESSWASH_BACH_SIZE": "3"}, "", "(did you mean PRESSWASH_BATCH_SIZE?)"),
        ({"PRESSWASH_NOTHING_LIKE_IT": "3"}, "", "unknown setting PRESSWASH_NOTHING_LIKE_IT"),
        ({}, "lock_wiat = 2\n", "unknown setting lock_wiat (did you mean lock_wait?)"),
        ({}, "[tool.presswash]\nreuse_servr = 1\n", "(did you mean reuse_server?)"),
        ({}, "[tool.other]\nx = 1\n", "the only table allowed under [tool] is [tool.presswash]"),
        ({}, "batch_size = \n", "cannot read settings"),
    ],
)
def test_bad_settings_are_one_line_naming_the_source(
    tmp_path: Path, environ: dict[str, str], toml: str, message: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        _load(tmp_path, environ, presswash_toml=toml)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_old_worker_setting_still_sets_workers_with_a_warning(tmp_path: Path) -> None:
    lines: list[str] = []
    got = load_settings(cwd=tmp_path, environ={"PRESSWASH_DASK_WORKERS": "4"}, warn=lines.append)
    assert got.workers == 4
    assert lines == ["PRESSWASH_DASK_WORKERS: setting dask_workers is deprecated, use workers"]


def test_batches_in_flight_is_its_own_setting(tmp_path: Path) -> None:
    assert _load(tmp_path, {"PRESSWASH_WORKERS": "3"}).in_flight() == 6
    both = _load(tmp_path, {"PRESSWASH_WORKERS": "3", "PRESSWASH_BATCHES_IN_FLIGHT": "2"})
    assert (both.workers, both.in_flight()) == (3, 2)


def test_variables_of_presswash_that_are_not_settings_pass(tmp_path: Path) -> None:
    assert _load(tmp_path, {"PRESSWASH_HOME": "/srv/presswash"}) == Settings()


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("PRESSWASH_BATCH_SIZE", "abc", "batch_size must be an integer, not 'abc'"),
        ("PRESSWASH_BATCH_SIZ", "3", "did you mean PRESSWASH_BATCH_SIZE?"),
    ],
)
def test_the_cli_answers_a_bad_setting_with_exit_2_and_one_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    variable: str,
    value: str,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(variable, value)
    for command in (["run"], ["stats"], ["serve"]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1, err
    assert not (tmp_path / "warehouse").exists()


def test_importing_flows_leaves_the_environment_alone() -> None:
    code = (
        "import os; before = dict(os.environ); import flows, flows.ingest, flows.cli; "
        "print(sorted(set(os.environ.items()) ^ set(before.items())))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_LOGGING")}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_settings_travel_as_a_json_parameter_and_back(tmp_path: Path) -> None:
    import json

    from flows.settings import as_parameter, settings_from

    settings = _load(tmp_path, {"PRESSWASH_INPUTS": "a,b", "PRESSWASH_REUSE_SERVER": "no"})
    assert settings_from(json.loads(json.dumps(as_parameter(settings)))) == settings
    with pytest.raises(SettingsError, match=r"settings\.batch_size: batch_size must be an integer"):
        settings_from({"batch_size": "many"})
