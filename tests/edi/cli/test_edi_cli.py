"""``crossdock edi …`` as an operator runs it: validate, translate, render, ack, status."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crossdock.edi.partners import load_partners
from crossdock.edi.pipeline import record_outbound, validate
from crossdock.runtime.cli import app
from crossdock.runtime.state import open_store

REPO = Path(__file__).resolve().parents[3]
PARTNERS = REPO / "config" / "partners"
INVALID_SAMPLES = {"staedi_997_5010_INVALID.edi", "staedi_810_850_two_groups.edi", "stedi_850_5010_dropship.edi"}
runner = CliRunner()


def crossdock(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("crossdock")
    env = {**os.environ, "COLUMNS": "200", "CROSSDOCK_STATE": f"sqlite:///{cwd / 'state.db'}"}
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


def test_every_sample_through_the_cli_without_a_traceback(edi_samples_dir: Path, tmp_path: Path) -> None:
    samples = sorted(edi_samples_dir.glob("*.edi"))
    assert samples
    validated = crossdock("edi", "validate", "--json", *map(str, samples), cwd=tmp_path)
    assert validated.returncode == 1 and "Traceback" not in validated.stderr, validated.stderr
    statuses = {Path(entry["file"]).name: entry["status"] for entry in json.loads(validated.stdout)}
    assert statuses == {p.name: "invalid" if p.name in INVALID_SAMPLES else "valid" for p in samples}

    acked = crossdock("edi", "ack", *map(str, samples), cwd=tmp_path)
    assert acked.returncode == 0 and "Traceback" not in acked.stderr, acked.stderr
    assert acked.stdout.count("ISA*00*") == 13  # one acknowledgment interchange per inbound interchange (one file holds 3)
    assert acked.stdout.count("AK9*") == 14  # one functional acknowledgment per inbound group (one file holds 2)

    # translate takes one file: every sample goes through the command in-process, and a few through
    # the installed executable too (each process costs half a second of start-up on this machine).
    by_process = {"staedi_997_5010_INVALID.edi", "staedi_997_5010_multi_interchange.edi", "stedi_850_5010_dropship.edi"}
    with ThreadPoolExecutor(max_workers=2) as pool:
        processes = dict(pool.map(lambda path: (path.name, crossdock("edi", "translate", str(path), cwd=tmp_path)),
                                  [p for p in samples if p.name in by_process]))  # fmt: skip
    for path in samples:
        name = path.name
        result = processes.get(name) or runner.invoke(app, ["edi", "translate", str(path)])
        code = result.returncode if isinstance(result, subprocess.CompletedProcess) else result.exit_code
        output = result.stdout if isinstance(result, subprocess.CompletedProcess) else result.output
        errors = result.stderr if isinstance(result, subprocess.CompletedProcess) else repr(result.exception or "")
        assert "Traceback" not in errors, (name, errors)
        assert code == (1 if name in INVALID_SAMPLES else 0), (name, errors)
        translated = json.loads(output)
        assert translated["sets"] and all("verdict" in entry for entry in translated["sets"])
        if name not in INVALID_SAMPLES:
            assert all(entry["documents"] for entry in translated["sets"]), name


def test_validate_exit_codes_0_1_2(edi_samples_dir: Path, tmp_path: Path) -> None:
    valid = edi_samples_dir / "nodex12_855_4010.edi"
    invalid = edi_samples_dir / "staedi_997_5010_INVALID.edi"
    not_x12 = tmp_path / "letter.txt"
    not_x12.write_text("Dear supplier, please find our order attached.\n")
    missing = tmp_path / "missing.edi"

    assert runner.invoke(app, ["edi", "validate", str(valid)]).exit_code == 0
    result = runner.invoke(app, ["edi", "validate", str(valid), str(invalid)])
    assert result.exit_code == 1
    assert "staedi_997_5010_INVALID.edi: invalid" in result.output
    assert "segment AK1 at position 2 in the set (line 4, byte 187), element AK101" in result.output
    result = runner.invoke(app, ["edi", "validate", str(valid), str(not_x12)])
    assert result.exit_code == 2 and "letter.txt: unreadable" in result.output and "does not start with an ISA" in result.output
    result = runner.invoke(app, ["edi", "validate", str(missing), str(invalid), "--json"])
    assert result.exit_code == 2
    assert [entry["status"] for entry in json.loads(result.output)] == ["unreadable", "invalid"]


def test_validate_with_a_state_store_reports_a_resent_interchange(edi_samples_dir: Path, tmp_path: Path) -> None:
    sample = str(edi_samples_dir / "nodex12_855_4010.edi")
    state = f"sqlite:///{tmp_path / 'state.db'}"
    assert runner.invoke(app, ["edi", "validate", sample, "--state", state]).exit_code == 0
    again = runner.invoke(app, ["edi", "validate", sample, "--state", state])
    assert again.exit_code == 1 and "was already received" in again.output
    assert runner.invoke(app, ["edi", "validate", sample]).exit_code == 0  # no store: nothing remembered


def test_render_from_stdin_produces_valid_x12(edi_samples_dir: Path, tmp_path: Path) -> None:
    partners = load_partners(PARTNERS)
    state = f"sqlite:///{tmp_path / 'state.db'}"
    cases = [
        ("nodex12_850_4010VICS_tilde.edi", "850", "acme-dropship"),
        ("nodex12_856_4060_SOI.edi", "856", "bigbox-retail"),
    ]
    for sample, kind, partner in cases:
        translated = runner.invoke(app, ["edi", "translate", str(edi_samples_dir / sample)])
        assert translated.exit_code == 0, translated.output
        rendered = runner.invoke(app, ["edi", "render", kind, "--partner", partner, "--state", state], input=translated.output)
        assert rendered.exit_code == 0, rendered.output
        text = rendered.output
        assert text.startswith("ISA") and f"ST*{kind}*" in text

        report = asyncio.run(validate(text.encode("latin-1"), partner=partners[partner]))
        assert [s.verdict for s in report.sets()] == ["accepted"], [str(i) for i in report.errors]
        assert not report.errors, [str(i) for i in report.errors]
        assert report.interchanges[0].interchange.receiver_id == partners[partner].interchange.them.id

    # One canonical document on its own works too; what is not one is refused with the reason.
    po = json.loads(runner.invoke(app, ["edi", "translate", str(edi_samples_dir / cases[0][0])]).output)["sets"][0]["documents"][0]
    single = runner.invoke(app, ["edi", "render", "850", "--partner", str(PARTNERS / "acme-dropship.yaml"), "--state", state],
                           input=json.dumps(po))  # fmt: skip
    assert single.exit_code == 0 and "BEG*00*SA*08292233294" in single.output
    bad = runner.invoke(app, ["edi", "render", "850", "--partner", "acme-dropship", "--state", state], input='{"number": ""}')
    assert bad.exit_code == 1 and "not a valid 850 canonical document" in bad.output
    acknowledgment = runner.invoke(app, ["edi", "translate", str(edi_samples_dir / "nodex12_855_4010.edi")]).output
    wrong_kind = runner.invoke(app, ["edi", "render", "850", "--partner", "acme-dropship", "--state", state], input=acknowledgment)
    assert wrong_kind.exit_code == 1 and "no 850 documents on stdin" in wrong_kind.output
    unknown = runner.invoke(app, ["edi", "render", "850", "--partner", "nobody", "--state", state], input="{}")
    assert unknown.exit_code == 2 and "no partner profile 'nobody'" in unknown.output


def test_ack_answers_with_the_partners_997_and_persisted_numbers(edi_samples_dir: Path, tmp_path: Path) -> None:
    state = f"sqlite:///{tmp_path / 'state.db'}"
    sample = str(edi_samples_dir / "staedi_997_5010.edi")
    first = runner.invoke(app, ["edi", "ack", sample, "--state", state])
    second = runner.invoke(app, ["edi", "ack", sample, "--partner", "bigbox-retail", "--state", state])
    assert first.exit_code == 0 and second.exit_code == 0
    assert "ST*999*" in first.output and "ST*997*" in second.output  # BigBox wants 997s on 005010
    assert "*000000001*0*P*:~" in first.output
    assert "TA1*508121953*050812*1953*R*025" in second.output  # the same file again, with the store: a duplicate
    missing = runner.invoke(app, ["edi", "ack", str(tmp_path / "missing.edi"), sample, "--state", state])
    assert missing.exit_code == 2 and "missing.edi" in missing.output and "ST*999*" in missing.output


def test_status_lists_documents_awaiting_acks_overdue_first(tmp_path: Path) -> None:
    acme = load_partners(PARTNERS)["acme-dropship"]
    state = f"sqlite:///{tmp_path / 'state.db'}"
    now = datetime.now(UTC)

    async def send() -> None:
        async with await open_store(state) as store:
            await record_outbound(store, acme, 1, [(1, "850", ["0001"])], now)
            await record_outbound(store, acme, 2, [(2, "850", ["0002"])], now - timedelta(days=2))

    asyncio.run(send())
    result = runner.invoke(app, ["edi", "status", "--state", state, "--json"])
    assert result.exit_code == 0
    assert [(row["group_control"], row["overdue"]) for row in json.loads(result.output)] == [("2", True), ("1", False)]
    table = runner.invoke(app, ["edi", "status", "--state", state], env={"COLUMNS": "200"})
    assert "OVERDUE" in table.output and "acme-dropship" in table.output


@pytest.mark.parametrize("args", [["--partner", "acme-dropship"], ["--partners", str(PARTNERS)], []])
def test_partner_options_pick_the_profile_used_for_translation(edi_samples_dir: Path, args: list[str]) -> None:
    result = runner.invoke(app, ["edi", "translate", str(edi_samples_dir / "nodex12_855_4010.edi"), *args])
    assert result.exit_code == 0
    (entry,) = json.loads(result.output)["sets"]
    expected = "acme-dropship" if args and args[0] == "--partner" else None  # the 855's sender is no shipped profile
    assert entry["partner"] == expected


def test_a_dash_reads_standard_input_so_commands_pipe(edi_samples_dir: Path, tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("crossdock")
    env = {**os.environ, "COLUMNS": "200", "CROSSDOCK_STATE": f"sqlite:///{tmp_path / 'state.db'}"}
    translated = crossdock("edi", "translate", str(edi_samples_dir / "nodex12_850_4010VICS_tilde.edi"), cwd=tmp_path)
    (tmp_path / "po.json").write_text(translated.stdout)
    pipeline = f"'{exe}' edi render 850 --partner acme-dropship < po.json | '{exe}' edi validate - --json"
    piped = subprocess.run(["bash", "-o", "pipefail", "-c", pipeline], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=120)
    assert piped.returncode == 0, piped.stdout + piped.stderr
    assert json.loads(piped.stdout)[0]["status"] == "valid"

    sample = (edi_samples_dir / "staedi_810_4010.edi").read_bytes()
    for command in (["edi", "translate", "-"], ["edi", "ack", "-"]):
        answer = subprocess.run([str(exe), *command], cwd=tmp_path, env=env, input=sample, capture_output=True, timeout=120)
        assert answer.returncode == 0, answer.stderr
    assert b"AK2*810*" in answer.stdout
