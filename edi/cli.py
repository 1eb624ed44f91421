"""``crossdock edi …``: validate, translate, render and acknowledge X12 files; see what partners owe us.

Registered on the main CLI by ``crossdock.runtime.cli`` (it calls :func:`register` when this
module is present).  Exit codes: ``validate`` and ``translate`` give 0 when every file is valid,
1 when any is not, 2 when a file is missing or not X12 at all (a bad option or partner profile is
also 2, as for any usage error); ``render`` and ``ack`` give 0 when they wrote their X12, 1 when the
input cannot be written as X12, 2 as above (``ack`` still answers the readable files).

Partners: ``--partner`` is a profile id looked up in ``--partners`` (default: the profiles shipped
in ``crossdock.config``'s ``partners/`` folder) or the path of a profile YAML; ``--partners`` alone
matches each interchange to a profile by its ISA sender and receiver.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import typer
from pydantic import ValidationError
from rich.table import Table
from rich.text import Text

from crossdock.core.errors import CrossdockError
from crossdock.runtime.cli._common import console, err_console, fail, print_json, state_url_for

from .errors import X12ReadError, X12WriteError
from .partners import PartnerConfigError, PartnerProfile, load_partner, load_partners
from .pipeline import (
    InterchangeReport,
    Partners,
    ValidationReport,
    acknowledge,
    awaiting_acks,
    record_outbound,
    translate_file,
    validate,
)

__all__ = ["register", "edi_app", "default_partner_folder", "resolve_partners"]

edi_app = typer.Typer(help="EDI (X12): validate, translate, render and acknowledge files; acknowledgments awaited.",
                      no_args_is_help=True)  # fmt: skip

EXIT_VALID, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2
RENDERED_TYPES = ("850", "855", "856", "846", "810")

PartnerOpt = typer.Option(None, "--partner", "-p", help="Partner profile id (in --partners) or path to a profile YAML.")
PartnersOpt = typer.Option(None, "--partners", help="Folder of partner profiles (default: the shipped config/partners).")
JsonOpt = typer.Option(False, "--json", help="Machine-readable output.")

T = TypeVar("T")


def register(app: typer.Typer) -> None:
    """Add the ``edi`` command group to the main CLI."""
    app.add_typer(edi_app, name="edi")


def default_partner_folder() -> Path:
    """The partner profiles shipped with Crossdock (``crossdock.config`` package data)."""
    return Path(str(resources.files("crossdock.config").joinpath("partners")))


def resolve_partners(partner: str | None, partners_dir: Path | None) -> Partners:
    """The profile(s) the options name; raises ``PartnerConfigError`` or ``FileNotFoundError``."""
    if partner is not None:
        as_path = Path(partner)
        if as_path.suffix in (".yaml", ".yml") or as_path.is_file():
            return load_partner(as_path)
        profiles = load_partners(partners_dir or default_partner_folder())
        if partner not in profiles:
            known = ", ".join(sorted(profiles)) or "none"
            raise FileNotFoundError(f"no partner profile {partner!r} in {partners_dir or default_partner_folder()} (known: {known})")
        return profiles[partner]
    if partners_dir is not None:
        return load_partners(partners_dir)
    return None


def _single_partner(partner: str | None, partners_dir: Path | None) -> PartnerProfile:
    found = _load_partners_or_exit(partner, partners_dir)
    if not isinstance(found, PartnerProfile):
        raise fail("--partner is required", EXIT_UNREADABLE)
    return found


def _load_partners_or_exit(partner: str | None, partners_dir: Path | None) -> Partners:
    try:
        return resolve_partners(partner, partners_dir)
    except (PartnerConfigError, FileNotFoundError) as exc:
        raise fail(str(exc), EXIT_UNREADABLE) from None


def _quiet_pyx12() -> None:
    """pyx12 logs every finding at ERROR; the report already carries them, located and worded for people."""
    logging.getLogger("pyx12").setLevel(logging.CRITICAL)


def _run(factory: Callable[[], Awaitable[T]]) -> T:
    try:
        return asyncio.run(factory())
    except CrossdockError as exc:  # state store unreachable and the like
        raise fail(str(exc)) from None


async def _open_store(url: str) -> Any:
    from crossdock.runtime.state import open_store

    return await open_store(url)


# -- validate --------------------------------------------------------------------------------------------


def _print_report(report: ValidationReport) -> None:
    counts = report.counts()
    mark, style = ("valid", "green") if report.valid else ("invalid", "red")
    head = Text.assemble(
        (f"{report.source}: ", "bold"),
        (mark, f"bold {style}"),
        f" — {counts['interchanges']} interchange(s), {counts['groups']} group(s), {counts['sets']} set(s) "
        f"({counts['sets_accepted']} accepted, {counts['sets_rejected']} rejected), {counts['documents']} document(s), "
        f"{counts['errors']} error(s), {counts['warnings']} warning(s)",
    )
    console.print(head, highlight=False, soft_wrap=True)
    if report.read_error:
        console.print(Text(f"  unreadable from here on: {report.read_error}", style="red"), soft_wrap=True)
    for interchange in report.interchanges:
        _print_interchange(interchange)


def _verdict_style(verdict: str) -> str:
    return {"accepted": "green", "accepted with errors": "yellow", "partially accepted": "yellow"}.get(verdict, "red")


def _print_interchange(report: InterchangeReport) -> None:
    ic = report.interchange
    partner = f", partner {report.partner.id}" if report.partner else ""
    console.print(
        Text.assemble(
            f"  ISA13 {ic.control_number} from {ic.sender_qualifier}/{ic.sender_id} to {ic.receiver_qualifier}/{ic.receiver_id}"
            f" ({ic.version}{partner}): ",
            (report.verdict, _verdict_style(report.verdict)),
            f" (TA1 {report.ta1_code} {report.ta1_note})",
        ),
        highlight=False, soft_wrap=True,
    )  # fmt: skip
    for reported in report.issues:
        _print_issue(reported.issue, reported.source, "    ")
    for group in report.groups:
        console.print(
            Text.assemble(
                f"    GS06 {group.control_number} {group.functional_id} {group.version}: ",
                (group.verdict, _verdict_style(group.verdict)),
            ),
            highlight=False, soft_wrap=True,
        )  # fmt: skip
        for reported in group.issues:
            _print_issue(reported.issue, reported.source, "      ")
        for set_report in group.sets:
            translated = f", {set_report.document_count} document(s)" if set_report.document_count else ""
            console.print(
                Text.assemble(
                    f"      ST02 {set_report.control_number} {set_report.id}: ",
                    (set_report.verdict, _verdict_style(set_report.verdict)),
                    translated,
                ),
                highlight=False, soft_wrap=True,
            )  # fmt: skip
            for reported in set_report.issues:
                _print_issue(reported.issue, reported.source, "        ")


def _print_issue(issue: Any, source: str, indent: str) -> None:
    style = "red" if issue.is_error else "yellow"
    console.print(Text(f"{indent}{source}: {issue}", style=style), highlight=False, soft_wrap=True)


def _x12_input(path: Path) -> Any:
    """``-`` is standard input (so ``edi render … | edi validate -`` works); anything else a file path."""
    return sys.stdin.buffer if str(path) == "-" else path


@edi_app.command("validate")
def validate_command(
    files: list[Path] = typer.Argument(..., help="X12 files to validate (- for standard input)."),
    json_out: bool = JsonOpt,
    partner: str | None = PartnerOpt,
    partners_dir: Path | None = PartnersOpt,
    state: str | None = typer.Option(
        None, "--state", help="State store URL: report an ISA13 a partner already sent (and remember new ones)."
    ),
) -> None:
    """Validate X12 files: envelopes, syntax (pyx12), HL and CTT checks, translation; exit 0 valid, 1 invalid, 2 unreadable."""
    _quiet_pyx12()
    profiles = _load_partners_or_exit(partner, partners_dir)

    async def main() -> list[tuple[Path, ValidationReport | None, str | None]]:
        store = await _open_store(state) if state else None
        try:
            results: list[tuple[Path, ValidationReport | None, str | None]] = []
            for path in files:
                try:
                    results.append((path, await validate(_x12_input(path), partner=profiles, store=store), None))
                except (X12ReadError, FileNotFoundError, IsADirectoryError, PermissionError) as exc:
                    results.append((path, None, str(exc)))
            return results
        finally:
            if store is not None:
                await store.close()

    results = _run(main)
    code = EXIT_VALID
    for _, report, problem in results:
        if report is None:
            code = EXIT_UNREADABLE
        elif not report.valid and code == EXIT_VALID:
            code = EXIT_INVALID
    if json_out:
        print_json(
            [
                {"file": str(path), "status": "unreadable", "error": problem}
                if report is None
                else {"file": str(path), "status": "valid" if report.valid else "invalid", "report": report.to_dict()}
                for path, report, problem in results
            ]
        )
    else:
        for path, report, problem in results:
            if report is None:
                console.print(Text.assemble((f"{path}: ", "bold"), ("unreadable", "bold red"), f" — {problem}"),
                              highlight=False, soft_wrap=True)  # fmt: skip
            else:
                _print_report(report)
    raise typer.Exit(code)


# -- translate -------------------------------------------------------------------------------------------


@edi_app.command("translate")
def translate_command(
    file: Path = typer.Argument(..., help="An X12 file (- for standard input)."),
    partner: str | None = PartnerOpt,
    partners_dir: Path | None = PartnersOpt,
) -> None:
    """Translate every transaction set of a file: canonical JSON documents on stdout (with each set's verdict and issues)."""
    _quiet_pyx12()
    profiles = _load_partners_or_exit(partner, partners_dir)
    try:
        report = _run(lambda: translate_file(_x12_input(file), partner=profiles))
    except (X12ReadError, FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        raise fail(f"{file}: {exc}", EXIT_UNREADABLE) from None
    sets = []
    for interchange in report.interchanges:
        for group in interchange.groups:
            for set_report in group.sets:
                sets.append(
                    {
                        "interchange": interchange.control_number,
                        "group": group.control_number,
                        "partner": interchange.partner.id if interchange.partner else None,
                        **set_report.to_dict(with_documents=True),
                    }
                )
    print_json({"source": report.source, "valid": report.valid, "read_error": report.read_error, "sets": sets})
    raise typer.Exit(EXIT_VALID if report.valid else EXIT_INVALID)


# -- render ----------------------------------------------------------------------------------------------


def _documents_from_json(data: Any, kind: str) -> list[Any]:
    """Documents given as one object, a list, ``{"documents": [...]}`` or ``edi translate`` output.

    From ``edi translate`` output, only the documents of ``kind`` sets are taken (an 856 file's
    shipments for ``render 856``), so a file's other sets do not get in the way.
    """
    if isinstance(data, dict) and isinstance(data.get("sets"), list):
        found: list[Any] = []
        for entry in data["sets"]:
            if not isinstance(entry, dict) or entry.get("id", kind) != kind:
                continue
            documents = entry.get("documents")
            if isinstance(documents, list):
                found += documents
        return found
    if isinstance(data, dict) and isinstance(data.get("documents"), list):
        return list(data["documents"])
    if isinstance(data, list):
        return data
    return [data]


def _rendered_sets(kind: str, items: Sequence[Any], partner: PartnerProfile) -> list[Any]:
    from crossdock.core.models import Invoice, OrderAcknowledgement, PurchaseOrder, Shipment, StockLevel

    from .translate import render_810, render_846, render_850, render_855, render_856

    if not items:
        raise ValueError(f"no {kind} documents on stdin")
    if kind == "850":
        return [render_850(PurchaseOrder.model_validate(item), partner) for item in items]
    if kind == "855":
        return [render_855(OrderAcknowledgement.model_validate(item), partner) for item in items]
    if kind == "810":
        return [render_810(Invoice.model_validate(item), partner) for item in items]
    if kind == "856":
        return [render_856([Shipment.model_validate(item) for item in items], partner)]
    return [render_846([StockLevel.model_validate(item) for item in items], partner)]


@edi_app.command("render")
def render_command(
    kind: str = typer.Argument(..., metavar="TYPE", help="Transaction set to write: 850, 855, 856, 846 or 810."),
    partner: str | None = PartnerOpt,
    partners_dir: Path | None = PartnersOpt,
    state: str | None = typer.Option(None, "--state", help="State store URL for control numbers (default: $CROSSDOCK_STATE or .crossdock/state.db)."),
    track: bool = typer.Option(False, "--track", help="Record the groups as sent now, awaiting the partner's acknowledgment."),
) -> None:
    """Canonical JSON on stdin (one document, a list, or `edi translate` output) → X12 for the partner on stdout.

    850, 855 and 810 give one transaction set per document; 856 one set for the shipments given
    (they left together); 846 one set for the stock levels given.
    """
    if kind not in RENDERED_TYPES:
        raise fail(f"TYPE must be one of {', '.join(RENDERED_TYPES)}, not {kind!r}", EXIT_UNREADABLE)
    profile = _single_partner(partner, partners_dir)
    try:
        data = json.loads(sys.stdin.read())
    except json.JSONDecodeError as exc:
        raise fail(f"stdin is not JSON: {exc}") from None
    try:
        rendered = _rendered_sets(kind, _documents_from_json(data, kind), profile)
    except ValidationError as exc:
        raise fail(f"stdin is not a valid {kind} canonical document: {exc}") from None
    except (X12WriteError, ValueError) as exc:
        raise fail(str(exc)) from None

    async def main() -> str:
        from .translate import StoreControlNumbers, render_interchange

        store = await _open_store(state_url_for(None, state))
        try:
            text = await render_interchange(rendered, profile, StoreControlNumbers(store, profile.id))
            if track:
                await _track(store, profile, text)
            return text
        finally:
            await store.close()

    try:
        text = _run(main)
    except X12WriteError as exc:
        raise fail(str(exc)) from None
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


async def _track(store: Any, partner: PartnerProfile, text: str) -> None:
    from .reader import read_interchanges

    for interchange in read_interchanges(text.encode("latin-1")):
        groups = [
            (group.control_number, group.transaction_sets[0].id if group.transaction_sets else group.functional_id,
             [ts.control_number for ts in group.transaction_sets])
            for group in interchange.groups
        ]  # fmt: skip
        await record_outbound(store, partner, interchange.control_number, groups, datetime.now(UTC))


# -- ack -------------------------------------------------------------------------------------------------


@edi_app.command("ack")
def ack_command(
    files: list[Path] = typer.Argument(..., help="The inbound X12 file(s) to acknowledge (- for standard input)."),
    partner: str | None = PartnerOpt,
    partners_dir: Path | None = PartnersOpt,
    state: str | None = typer.Option(
        None, "--state",
        help="State store URL for control numbers (default: $CROSSDOCK_STATE or .crossdock/state.db); "
        "when given, a duplicate ISA13 is also checked (and the file's ISA13s remembered).",
    ),
) -> None:
    """The 997/999 (and TA1 where due) answering every functional group of each file, on stdout.

    Files are answered in order; one that is missing or not X12 at all is reported on stderr and
    the command ends with exit code 2 after answering the others.
    """
    _quiet_pyx12()
    profiles = _load_partners_or_exit(partner, partners_dir)
    chosen = profiles if isinstance(profiles, PartnerProfile) else None

    async def main() -> tuple[list[str], list[str]]:
        from .translate import StoreControlNumbers

        store = await _open_store(state_url_for(None, state))

        def numbers(profile: PartnerProfile | None, interchange: InterchangeReport) -> StoreControlNumbers:
            ic = interchange.interchange
            owner = profile or PartnerProfile.anonymous(ic.sender_qualifier, ic.sender_id)
            return StoreControlNumbers(store, owner.id)

        texts: list[str] = []
        problems: list[str] = []
        try:
            for file in files:
                try:
                    report = await validate(_x12_input(file), partner=profiles, store=store if state else None)
                except (X12ReadError, FileNotFoundError, IsADirectoryError, PermissionError) as exc:
                    problems.append(f"{file}: {exc}")
                    continue
                text = await acknowledge(report, partner=chosen, control_numbers=numbers)
                if text:
                    texts.append(text if text.endswith("\n") else text + "\n")
            return texts, problems
        finally:
            await store.close()

    try:
        texts, problems = _run(main)
    except X12WriteError as exc:
        raise fail(str(exc)) from None
    sys.stdout.write("".join(texts))
    sys.stdout.flush()
    for problem in problems:
        err_console.print(Text("error: ", style="red") + Text(problem), highlight=False, soft_wrap=True)
    if problems:
        raise typer.Exit(EXIT_UNREADABLE)


# -- status ----------------------------------------------------------------------------------------------


def _moment(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


@edi_app.command("status")
def status_command(
    state: str | None = typer.Option(None, "--state", help="State store URL (default: $CROSSDOCK_STATE or .crossdock/state.db)."),
    json_out: bool = JsonOpt,
) -> None:
    """Functional groups sent to partners and still awaiting their 997/999, overdue first."""

    async def main() -> list[Any]:
        store = await _open_store(state_url_for(None, state))
        try:
            return await awaiting_acks(store)
        finally:
            await store.close()

    rows = _run(main)
    if json_out:
        print_json([{**asdict(row), "overdue": late} for row, late in rows])
        return
    if not rows:
        console.print("no documents awaiting an acknowledgment")
        return
    table = Table(title="awaiting acknowledgment", title_justify="left")
    for column in ("partner", "type", "GS06", "ISA13", "sets", "sent", "due by", ""):
        table.add_column(column, overflow="fold")
    for row, late in rows:
        table.add_row(
            row.partner, row.document_type, row.group_control, row.interchange_control, ", ".join(row.set_controls),
            _moment(row.sent_at), _moment(row.due_by) if row.due_by else "",
            Text("OVERDUE", style="bold red") if late else "",
        )  # fmt: skip
    console.print(table)
    overdue_count = sum(1 for _, late in rows if late)
    if overdue_count:
        err_console.print(Text(f"{overdue_count} overdue", style="red"))
