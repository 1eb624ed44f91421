"""Loading a job file: a valid job becomes a JobConfig; every mistake names file, line and field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from crossdock.config.jobs import (
    ConfigIssue,
    JobConfig,
    JobConfigError,
    load_job,
)

WriteJob = Callable[..., Path]
ENV = {"ERP_TOKEN": "erp-token-for-loading-tests"}


def issues_of(path: Path, env: dict[str, str] | None = None) -> list[ConfigIssue]:
    with pytest.raises(JobConfigError) as caught:
        load_job(path, env=ENV if env is None else env)
    return caught.value.issues


def test_valid_job_loads(write_job: WriteJob, valid_job: str) -> None:
    path = write_job(valid_job)

    job = load_job(path, env=ENV)

    assert job.name == "orders-to-erp"
    assert job.state_url == "sqlite:///.crossdock/state.db"
    assert job.source_file == path.absolute()
    assert job.base_dir == path.parent.absolute()
    assert job.connections["shop"].connector == "file"
    assert job.connections["shop"].config == {"path": "./data/in", "format": "jsonl"}
    assert job.connections["erp"].config["auth"]["token"] == "erp-token-for-loading-tests"
    assert job.connections["erp"].sandbox is False
    [flow] = job.flows
    assert (flow.name, flow.source.connection, flow.source.stream, flow.source.mapping) == (
        "orders", "shop", "orders", "file/order"
    )
    assert (flow.sink.connection, flow.sink.sink, flow.sink.mapping) == ("erp", "orders", "rest/order")
    assert flow.operations == [{"op": "filter", "when": "status != 'cancelled'"}]
    assert job.schedule is not None and job.schedule.every == timedelta(minutes=5)
    assert job.options.batch_size == 50
    assert job.options.concurrency == 4
    assert job.options.lookback == timedelta(minutes=10)
    assert job.options.dry_run is False


def test_unknown_key_names_file_line_and_field(write_job: WriteJob, valid_job: str) -> None:
    path = write_job(valid_job.replace("    config: {path: ./data/in", "    confg: {path: ./data/in"))

    [issue] = issues_of(path)

    assert (issue.file, issue.line, issue.field) == (str(path), 5, "connections.shop.confg")
    assert "unknown key 'confg'" in issue.message
    assert "did you mean 'config'?" in issue.message
    assert str(issue).startswith(f"{path}:5: connections.shop.confg: unknown key 'confg'")


def test_unknown_connection_in_flow_is_reported_with_line(write_job: WriteJob, valid_job: str) -> None:
    path = write_job(valid_job.replace("sink: {connection: erp,", "sink: {connection: erpp,"))

    with pytest.raises(JobConfigError) as caught:
        load_job(path, env=ENV)

    assert str(caught.value) == f"{path}:16: flows[0].sink.connection: unknown connection 'erpp' (known: erp, shop)"


def test_yaml_syntax_error_has_line(write_job: WriteJob, valid_job: str) -> None:
    path = write_job(valid_job.replace("  - name: orders\n", "  - name: orders\n   broken: [\n"))

    [issue] = issues_of(path)

    assert issue.file == str(path)
    assert issue.line is not None and 13 <= issue.line <= 15
    assert issue.message.startswith("YAML syntax error")


def test_duplicate_flow_names_rejected(write_job: WriteJob, valid_job: str) -> None:
    second_flow = """\
  - name: orders
    source: {connection: shop, stream: orders}
    sink: {connection: erp, sink: orders}
"""
    path = write_job(valid_job.replace("schedule:", second_flow + "schedule:"))

    [issue] = issues_of(path)

    assert (issue.line, issue.field) == (17, "flows[1].name")
    assert issue.message == "duplicate flow name 'orders' (first used by flows[0])"


def test_duplicate_keys_are_reported_instead_of_the_last_one_winning(write_job: WriteJob, valid_job: str) -> None:
    path = write_job(valid_job.replace("  erp:\n", "  shop:\n    connector: rest\n  erp:\n", 1))

    issues = issues_of(path)

    assert [(i.line, i.field, i.message) for i in issues] == [
        (6, "connections.shop", "duplicate key 'shop' (first at line 3)")
    ]


def test_every_problem_is_reported_at_once_in_line_order(write_job: WriteJob, valid_job: str) -> None:
    path = write_job(
        valid_job.replace("sink: {connection: erp,", "sink: {connection: nowhere,")
        .replace("lookback: 10m", "lookback: 10")
        .replace("connector: file", "connecter: file")
    )

    issues = issues_of(path)

    assert [(i.line, i.field) for i in issues] == [
        (3, "connections.shop.connector"),
        (4, "connections.shop.connecter"),
        (16, "flows[0].sink.connection"),
        (18, "options.lookback"),
    ]
    assert issues[0].message == "required, but missing"
    assert issues[3].message == "a duration needs a unit, e.g. '10s' or '10m'"


def test_a_missing_required_key_is_reported_on_the_line_of_its_parent(write_job: WriteJob, valid_job: str) -> None:
    path = write_job(valid_job.replace("    sink: {connection: erp, sink: orders, mapping: rest/order}\n", ""))

    [issue] = issues_of(path)

    assert (issue.line, issue.field, issue.message) == (12, "flows[0].sink", "required, but missing")


def test_a_job_built_in_code_checks_its_references_too() -> None:
    with pytest.raises(ValueError, match=r"flows\[0\]\.sink\.connection: unknown connection 'erp'"):
        JobConfig.model_validate(
            {
                "job": "in-code",
                "connections": {"shop": {"connector": "file"}},
                "flows": [
                    {
                        "name": "f",
                        "source": {"connection": "shop", "stream": "s"},
                        "sink": {"connection": "erp", "sink": "s"},
                    }
                ],
            }
        )


def test_a_file_that_is_not_a_mapping_is_refused(write_job: WriteJob, valid_job: str) -> None:
    [issue] = issues_of(write_job("- just\n- a list\n"))

    assert issue.line == 1
    assert "a job file is a mapping" in issue.message


def test_yaml_anchors_and_merge_keys_work(write_job: WriteJob, valid_job: str) -> None:
    path = write_job(
        valid_job.replace("  shop:\n    connector: file\n", "  shop: &files\n    connector: file\n").replace(
            "  erp:\n", "  archive:\n    <<: *files\n    sandbox: true\n  erp:\n"
        )
    )

    job = load_job(path, env=ENV)

    assert job.connections["archive"].connector == "file"
    assert job.connections["archive"].sandbox is True
    assert job.connections["archive"].config == job.connections["shop"].config


def test_top_level_x_keys_hold_shared_anchors(tmp_path) -> None:
    from crossdock.config.jobs import load_job

    job = tmp_path / "anchors.yaml"
    job.write_text(
        "job: anchors\n"
        "x-folder: &folder {path: ./data}\n"
        "connections:\n"
        "  a: {connector: file, config: *folder}\n"
        "  b: {connector: file, config: *folder}\n"
        "flows:\n"
        "  - {name: f, source: {connection: a, stream: orders}, sink: {connection: b, sink: orders}}\n"
    )
    config = load_job(job)
    assert config.connections["a"].config == config.connections["b"].config == {"path": "./data"}
