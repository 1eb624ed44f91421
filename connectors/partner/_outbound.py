"""Delivering files to the partner exactly once: staged, recorded, delivered, completed.

A delivery is a rename into the partner's folder, and recording it is a commit in the state store;
nothing makes the two one step. So every outbound file (850s, our 997s) goes through four steps:

1. the exact bytes (control numbers already in them) are **staged** in the work folder, with the
   ledger keys the delivery settles;
2. the keys are **begun** in the ledger (pending);
3. the file is **delivered** under a name derived from those keys;
4. the keys are **recorded** done, and the staged copy removed.

:meth:`OutboundFiles.resume` finishes what a crash interrupted: a staged file whose keys are not all
done is delivered again, byte for byte, under the same name. If the earlier copy is still in the
outbox the name collides and nothing is written; if the partner collected it already, the partner
receives an interchange whose ISA13 it has seen, which X12 partners discard as a duplicate (TA1 025).
Either way no second, different document reaches the partner.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crossdock.edi.transport import Mailbox
from crossdock.runtime.files import fsync_directory, write_atomically

__all__ = ["OutboundFiles", "StagedDelivery", "outbox_holds"]

log = logging.getLogger("crossdock.connectors.partner")

_SIDECAR = ".delivery.json"


async def outbox_holds(mailbox: Mailbox, name: str) -> bool:
    """Whether the outbox still holds a file called ``name`` (the partner has not collected it).

    ``Mailbox`` has no public listing of its outbox, so this uses the backend's folder listing (the
    same primitive its own delivery uses); it is only called when resuming an interrupted delivery.
    """
    listed = await mailbox._list_files(mailbox.layout.outbox)  # noqa: SLF001 - see docstring
    return any(entry.name == name for entry in listed)


@dataclass
class StagedDelivery:
    """An outbound file kept until its delivery is recorded."""

    name: str
    data: bytes
    settles: list[tuple[str, str | None]] = field(default_factory=list)
    """Ledger keys marked done by the delivery, with the external ID to record for each."""


class OutboundFiles:
    """Stages and delivers files to one partner's mailbox; see the module docstring for the steps."""

    def __init__(self, folder: Path, store: Any, *, job: str, flow: str, sink: str) -> None:
        self.folder = folder
        self.store = store
        self.job = job
        self.flow = flow
        self.sink = sink

    def _data_path(self, name: str) -> Path:
        return self.folder / name

    def _sidecar_path(self, name: str) -> Path:
        return self.folder / f"{name}{_SIDECAR}"

    def _stage(self, delivery: StagedDelivery) -> None:
        write_atomically(self._data_path(delivery.name), delivery.data)
        sidecar = {"name": delivery.name, "settles": delivery.settles}
        write_atomically(self._sidecar_path(delivery.name), json.dumps(sidecar).encode())

    def _unstage(self, name: str) -> None:
        self._sidecar_path(name).unlink(missing_ok=True)
        self._data_path(name).unlink(missing_ok=True)
        fsync_directory(self.folder)

    def staged(self) -> list[StagedDelivery]:
        """Deliveries staged and not yet recorded as done (left by a crash), oldest name first."""
        if not self.folder.is_dir():
            return []
        found = []
        for entry in sorted(os.listdir(self.folder)):
            if not entry.endswith(_SIDECAR) or entry.startswith("."):
                continue
            try:
                sidecar = json.loads((self.folder / entry).read_text(encoding="utf-8"))
                name = sidecar["name"]
                data = self._data_path(name).read_bytes()
            except (OSError, ValueError, KeyError) as exc:
                log.error("outbound file %s cannot be read back (%s); it is left for an operator", entry, exc)
                continue
            settles = [(str(k), v) for k, v in sidecar.get("settles", [])]
            found.append(StagedDelivery(name, data, settles))
        return found

    async def deliver(self, mailbox: Mailbox, delivery: StagedDelivery) -> str:
        """Stage, record as begun, deliver and record ``delivery``; returns the name it has in the outbox."""
        self._stage(delivery)
        begun = [(key, self.job, self.flow, self.sink) for key, _ in delivery.settles]
        if begun:
            await self.store.ledger_begin_many(begun)
        final = await mailbox.deliver(delivery.name, delivery.data)
        await self._settle(delivery)
        return final

    async def resume(self, mailbox: Mailbox) -> list[str]:
        """Finish every staged delivery a crash interrupted; returns the names delivered again."""
        delivered: list[str] = []
        for delivery in self.staged():
            keys = [key for key, _ in delivery.settles]
            entries = await self.store.ledger_get_many(keys) if keys else {}
            if keys and all(getattr(entries.get(k), "status", None) == "done" for k in keys):
                self._unstage(delivery.name)
                continue
            if await outbox_holds(mailbox, delivery.name):
                log.warning("outbound %s was delivered before a crash; recording it without delivering it again", delivery.name)
            else:
                log.warning(
                    "outbound %s: delivering the staged copy again (same bytes and control numbers) after an interrupted delivery",
                    delivery.name,
                )
                await mailbox.deliver(delivery.name, delivery.data)
                delivered.append(delivery.name)
            await self._settle(delivery)
        return delivered

    async def _settle(self, delivery: StagedDelivery) -> None:
        if delivery.settles:
            await self.store.ledger_record_many(
                [(key, self.job, self.flow, self.sink, external_id) for key, external_id in delivery.settles]
            )
        self._unstage(delivery.name)
