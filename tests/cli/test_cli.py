"""The command line as an operator uses it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crossdock.runtime.cli import app

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "config" / "examples" / "file_to_rest.yaml"
runner = CliRunner()


def crossdock(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("crossdock")
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "COLUMNS": "200"})


def test_bad_job_yaml_is_refused_with_file_line_and_field(tmp_path: Path) -> None:
    job = tmp_path / "bad.yaml"
    job.write_text(
        "job: demo\n"
        "connections:\n"
        "  shop: {connector: file, config: {path: .}}\n"
        "flows:\n"
        "  - name: orders\n"
        "    source: {connection: shop, stream: orders}\n"
        "    sink: {connection: erpp, sink: orders}\n"
    )
    result = runner.invoke(app, ["run", str(job), "--once"])
    assert result.exit_code == 1
    assert "bad.yaml:7: flows[0].sink.connection" in result.output
    assert "unknown connection 'erpp'" in result.output


def test_literal_secret_in_job_is_refused_without_echoing_it(tmp_path: Path) -> None:
    job = tmp_path / "literal.yaml"
    job.write_text(
        "job: demo\n"
        "connections:\n"
        "  erp:\n"
        "    connector: rest\n"
        "    config:\n"
        "      base_url: https://erp.example.com\n"
        "      auth: {type: bearer, token: hunter2-literal-token}\n"
        "  shop: {connector: file, config: {path: .}}\n"
        "flows:\n"
        "  - name: orders\n"
        "    source: {connection: shop, stream: orders}\n"
        "    sink: {connection: erp, sink: orders}\n"
    )
    result = runner.invoke(app, ["run", str(job), "--once"])
    assert result.exit_code == 1
    assert "literal.yaml:7" in result.output and "auth.token" in result.output
    assert "hunter2-literal-token" not in result.output


def test_example_job_runs_then_errors_can_be_listed_shown_and_resolved(tmp_path: Path) -> None:
    job_dir = tmp_path / "examples"
    shutil.copytree(EXAMPLE.parent, job_dir, ignore=shutil.ignore_patterns("out"))
    job = job_dir / EXAMPLE.name

    first = crossdock("run", str(job), "--once", "--json", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert summary["status"] == "partial"  # one sample line is damaged on purpose
    assert summary["flows"]["orders-to-erp"]["written"] > 0
    assert summary["totals"]["failed"] == 1

    again = json.loads(crossdock("run", str(job), "--once", "--json", cwd=tmp_path).stdout)
    assert again["totals"]["written"] == 0, "a re-run writes nothing twice"

    listed = json.loads(crossdock("errors", "list", "--job", str(job), "--json", cwd=tmp_path).stdout)
    assert len(listed) == 1 and listed[0]["stage"] == "map"
    shown = json.loads(crossdock("errors", "show", str(listed[0]["id"]), "--job", str(job), cwd=tmp_path).stdout)
    assert "not valid JSON" in shown["payload"]["unreadable"]["error"]

    resolved = crossdock("errors", "resolve", str(listed[0]["id"]), "--job", str(job), "--note", "re-exported", cwd=tmp_path)
    assert resolved.returncode == 0, resolved.stderr
    assert json.loads(crossdock("errors", "list", "--job", str(job), "--json", cwd=tmp_path).stdout) == []

    status = json.loads(crossdock("jobs", "status", "--job", str(job), "--json", cwd=tmp_path).stdout)
    assert status["runs"][0]["job"] == "file-to-rest"


def test_run_summary_names_the_command_that_lists_its_parked_records(tmp_path: Path) -> None:
    job_dir = tmp_path / "examples"
    shutil.copytree(EXAMPLE.parent, job_dir, ignore=shutil.ignore_patterns("out"))
    job = job_dir / EXAMPLE.name

    run = crossdock("run", str(job), "--once", cwd=tmp_path)
    hint = next(line for line in run.stdout.splitlines() if "parked in the error queue" in line)
    command = hint.split(": ", 1)[1].split()
    assert command[:3] == ["crossdock", "errors", "list"]

    listed = crossdock(*command[1:], "--json", cwd=tmp_path)
    assert len(json.loads(listed.stdout)) == 1, "the hinted command finds the parked record"


def test_dry_run_shows_what_would_be_written_and_writes_nothing(tmp_path: Path) -> None:
    job_dir = tmp_path / "examples"
    shutil.copytree(EXAMPLE.parent, job_dir, ignore=shutil.ignore_patterns("out"))
    result = crossdock("run", str(job_dir / EXAMPLE.name), "--dry-run", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["dry_run"] is True and summary["would_write"]
    assert summary["would_write"][0]["payload"]["number"]
    status = json.loads(crossdock("jobs", "status", "--job", str(job_dir / EXAMPLE.name), "--json", cwd=tmp_path).stdout)
    assert status["runs"] == [] and status["cursors"] == []


def test_connectors_list_shows_capabilities_from_entry_points() -> None:
    result = runner.invoke(app, ["connectors", "list", "--json"])
    assert result.exit_code == 0
    by_name = {c["name"]: c for c in json.loads(result.output)}
    assert {"file", "rest"} <= set(by_name)
    assert any(s["entity"] == "Order" for s in by_name["rest"]["sinks"])
    assert by_name["file"]["sandbox"] is True


def test_schema_prints_the_canonical_json_schema() -> None:
    result = runner.invoke(app, ["schema", "Order"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["title"] == "Order" and "lines" in schema["properties"]


@pytest.mark.parametrize("command", [["errors", "show", "999"], ["xref", "lookup", "shop", "Order", "nope"]])
def test_lookups_of_unknown_things_fail_cleanly(tmp_path: Path, command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--state", f"sqlite:///{tmp_path / 's.db'}"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
