"""The shipped recipes (#12): the cron line and the systemd units are valid and run the
exact command they name; the Datasette metadata names only tables and columns the real
schema has."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from mentionspider.store import Store
from mentionspider.virtualweb.server import VirtualWeb, proxy_env
from mentionspider.virtualweb.testing import sample_web_dir
from tests.conftest import ROOT

CONTRIB = ROOT / "contrib"
PREFIX = "/srv/mentionspider"


def install(tmp_path: Path) -> Path:
    """A stand-in for /srv/mentionspider: this checkout's venv, the sample campaign."""
    home = tmp_path / "srv"
    (home / ".venv" / "bin").mkdir(parents=True)
    (home / ".venv" / "bin" / "mentionspider").symlink_to(Path(sys.executable).parent
                                                          / "mentionspider")
    shutil.copy(sample_web_dir() / "campaign.toml", home / "acme.toml")
    return home


def sweep_env(web: VirtualWeb) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    return {**env, **proxy_env(web.url)}


def test_the_cron_line_runs_its_command(sample_web: VirtualWeb, tmp_path: Path) -> None:
    lines = [line for line in (CONTRIB / "cron" / "mentionspider").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    variables = dict(line.split("=", 1) for line in lines if "=" in line.split()[0])
    [job] = [line for line in lines if "=" not in line.split()[0]]
    fields = job.split(None, 6)
    minute, hour, day, month, weekday, user, command = fields
    assert (minute, hour, day, month, weekday, user) == ("15", "2", "*", "*", "*", "mentionspider")
    assert variables == {"MENTIONSPIDER_HOME": PREFIX}
    home = install(tmp_path)
    result = subprocess.run(["/bin/sh", "-c", command], env={**sweep_env(sample_web),
                            "MENTIONSPIDER_HOME": str(home)}, capture_output=True, text=True,
                            timeout=180)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Run 1 of campaign 'acme': finished")
    with sqlite3.connect(home / "acme.db") as conn:
        assert conn.execute("SELECT status FROM runs").fetchall() == [("finished",)]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_the_systemd_units_verify_and_run_their_command(sample_web: VirtualWeb,
                                                        tmp_path: Path) -> None:
    home = install(tmp_path)
    units = tmp_path / "units"
    units.mkdir()
    for name in ("mentionspider.service", "mentionspider.timer"):
        text = (CONTRIB / "systemd" / name).read_text().replace(PREFIX, str(home))
        (units / name).write_text(text)
    verify = subprocess.run(["systemd-analyze", "verify", "--man=no",
                             str(units / "mentionspider.service"),
                             str(units / "mentionspider.timer")],
                            capture_output=True, text=True, timeout=60)
    assert verify.returncode == 0, verify.stderr
    service = (units / "mentionspider.service").read_text().splitlines()
    settings = dict(line.split("=", 1) for line in service if "=" in line
                    and not line.startswith("#"))
    assert settings["WorkingDirectory"] == str(home)
    assert settings["SuccessExitStatus"] == "130"  # `systemctl stop` is not a failure
    result = subprocess.run(shlex.split(settings["ExecStart"]), cwd=settings["WorkingDirectory"],
                            env=sweep_env(sample_web), capture_output=True, text=True,
                            timeout=180)
    assert result.returncode == 0, result.stderr
    assert (home / "acme.db").exists() and (home / "acme.log").exists()
    timer = (units / "mentionspider.timer").read_text()
    assert "OnCalendar=*-*-* 02:15:00" in timer and "Persistent=true" in timer


def test_the_datasette_metadata_matches_the_schema(tmp_path: Path) -> None:
    metadata = json.loads((CONTRIB / "datasette" / "metadata.json").read_text())
    store = Store(tmp_path / "acme.db")
    schema = {table: {column.name for column in store.db[table].columns}
              for table in store.db.table_names()}
    store.close()
    [database] = metadata["databases"].values()
    assert database["tables"]
    for table, info in database["tables"].items():
        assert table in schema, table
        named = (set(info.get("columns", {})) | set(info.get("facets", []))
                 | {info[k] for k in ("sort", "sort_desc", "label_column") if k in info})
        assert named <= schema[table], (table, named - schema[table])
    assert {"opportunities", "state_changes", "runs", "pages"} <= set(database["tables"])
