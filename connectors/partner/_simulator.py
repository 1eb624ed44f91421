"""A dropship partner, simulated: it collects our 850s and answers as a real partner's EDI system would.

Each :meth:`PartnerSimulator.tick` is one pass of the partner's scheduler:

1. collect every file we delivered to the outbox (interchanges it saw before, by ISA13, are dropped
   as duplicates, as partners do), and for each group answer a 997 (rejecting sets whose SE count
   or control number is off); remember our 997s about its own files;
2. answer each accepted 850 with an 855: per line, seeded, accepted (IA), rejected (IR) or
   backordered (IB, with a ship date two weeks out);
3. ``ship_after`` ticks after a PO arrived, send an 856 for its accepted lines: cartons with SSCC-18
   labels (GS1 check digit), UPS or FedEx tracking numbers per carton, the customer's address;
   backordered lines ship in a second 856 ``ship_after`` ticks later;
4. every ``stock_every`` ticks, an 846 with QTY*33 (available) for every SKU it knows, and SCH
   lines (dated future availability) for backordered SKUs;
5. re-send, cleanly, any of its sets our 997 rejected.

Everything it sends in one tick goes out as one interchange (one GS per kind), so one file can hold
997s, 855s, 856s and 846s at once. With ``faults`` > 0, that share of files is damaged (an SE01
count off by one, or a bad code: an SSCC check digit, an ACK01 status, a QTY02 quantity), which is
what exercises the connector's error queue and rejecting 997.

Randomness is seeded: line statuses depend on the seed, the PO number and the line, so the same PO
gets the same answer whatever else happened; faults follow one seeded sequence.
"""

from __future__ import annotations

import copy
import hashlib
import os
import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from crossdock.edi.partners import PartnerProfile
from crossdock.edi.transport import MailboxLayout

from ._partner_x12 import OutgoingSet, ReceivedSet, split_interchanges, write_interchange
from ._profile import resolve_profile

__all__ = ["PartnerSimulator", "sscc_with_check_digit"]

_FUNCTIONAL_ID = {"997": "FA", "855": "PR", "856": "SH", "846": "IB"}
_GS1_COMPANY_PREFIX = "0614141"
_BACKORDER_DAYS = 14
_CARRIERS = (("UPS", "UPS GROUND"), ("FDE", "FEDEX HOME DELIVERY"))
_ISA13_SPAN = 900_000_000


def sscc_with_check_digit(seventeen_digits: str) -> str:
    """An SSCC-18: the 17 digits (extension, GS1 company prefix, serial) and their GS1 mod-10 check digit."""
    if len(seventeen_digits) != 17 or not seventeen_digits.isdigit():
        raise ValueError("an SSCC is 17 digits before its check digit")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(seventeen_digits))
    return seventeen_digits + str((10 - total % 10) % 10)


@dataclass
class _OrderLine:
    line: str
    sku: str
    quantity: int
    description: str | None = None
    status: str = "IA"


@dataclass
class _PurchaseOrder:
    number: str
    customer_order: str | None
    ship_to: list[list[str]]
    lines: list[_OrderLine]
    file: str
    isa13: str
    gs06: str
    st02: str
    tick: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "po_number": self.number,
            "customer_order": self.customer_order,
            "lines": [{"line": l.line, "sku": l.sku, "quantity": l.quantity, "status": l.status} for l in self.lines],
            "ship_to": [segment for segment in self.ship_to],
            "file": self.file,
            "isa13": self.isa13,
            "gs06": self.gs06,
            "st02": self.st02,
            "tick": self.tick,
        }


@dataclass
class _DueShipment:
    po: _PurchaseOrder
    lines: list[_OrderLine]
    due: int


@dataclass
class _SimulatorState:
    tick: int = 0
    isa13: int = 0
    gs06: int = 0
    st02: int = 0
    shipments: int = 0
    cartons: int = 0
    received: list[_PurchaseOrder] = field(default_factory=list)
    acknowledgements: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)
    due: list[_DueShipment] = field(default_factory=list)
    resend: list[OutgoingSet] = field(default_factory=list)
    sent_sets: dict[tuple[str, str], OutgoingSet] = field(default_factory=dict)
    seen_isa13: set[str] = field(default_factory=set)
    stock: dict[str, int] = field(default_factory=dict)
    backorders: dict[str, int] = field(default_factory=dict)


class PartnerSimulator:
    """The partner behind a mailbox folder; drive it with :meth:`tick` (tests, the demo) or over HTTP.

    ``profile`` is the partner it plays (an id or a profile file, resolved as the connector resolves
    ``partner:``, or a loaded :class:`PartnerProfile`): its identities, version, item qualifiers,
    carrier and location codes.

    ``root`` is the mailbox root the connector uses: the simulator collects from its ``outbox`` and
    drops into its ``inbox`` (``layout`` names them, as for the connector). Its own files (what it
    collected) go to ``root/.partner/``, which the mailbox never looks at.
    """

    def __init__(
        self,
        root: str | os.PathLike[str],
        *,
        profile: PartnerProfile | str = "acme-dropship",
        seed: int = 0,
        faults: float = 0.0,
        ship_after: int = 2,
        stock_every: int = 3,
        skus: int | Sequence[str] = 12,
        backorder_rate: float = 0.15,
        reject_rate: float = 0.05,
        units_per_carton: int = 4,
        layout: MailboxLayout | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        if not 0.0 <= faults <= 1.0 or not 0.0 <= backorder_rate <= 1.0 or not 0.0 <= reject_rate <= 1.0:
            raise ValueError("faults, backorder_rate and reject_rate are shares between 0 and 1")
        if ship_after < 0 or stock_every < 0 or units_per_carton < 1:
            raise ValueError("ship_after and stock_every must not be negative, units_per_carton at least 1")
        self.root = Path(root)
        self.profile = profile if isinstance(profile, PartnerProfile) else resolve_profile(profile, Path.cwd())
        self.seed = seed
        self.faults = faults
        self.ship_after = ship_after
        self.stock_every = stock_every
        self.backorder_rate = backorder_rate
        self.reject_rate = reject_rate
        self.units_per_carton = units_per_carton
        self.layout = layout or MailboxLayout()
        zone = self.profile.zone
        self.clock = clock or (lambda: datetime.now(zone))
        self._catalogue = [f"ACME-{n:04d}" for n in range(1, skus + 1)] if isinstance(skus, int) else list(skus)
        self._lock = threading.Lock()
        self.reset()

    # -- folders --------------------------------------------------------------------------------
    @property
    def collect_from(self) -> Path:
        """Where Crossdock delivers (its outbox): what the partner collects."""
        return self.root / self.layout.outbox

    @property
    def drop_into(self) -> Path:
        """Where the partner drops its files (Crossdock's inbox)."""
        return self.root / self.layout.inbox

    @property
    def own_folder(self) -> Path:
        return self.root / ".partner"

    def reset(self) -> None:
        """Forget everything (orders, shipments due, counters); files already in the mailbox stay."""
        with getattr(self, "_lock", threading.Lock()):
            # A real partner never reuses an ISA13, and Crossdock remembers them: a simulator started
            # again (the demo run twice) continues from its clock's milliseconds, not from 1.
            first = int(self.clock().timestamp() * 1000) % _ISA13_SPAN
            self._state = _SimulatorState(isa13=first)
            self._faults = random.Random(f"{self.seed}:faults")
            stock_rng = random.Random(f"{self.seed}:stock")
            self._state.stock = {sku: stock_rng.randint(0, 60) for sku in self._catalogue}
            for folder in (self.collect_from, self.drop_into, self.own_folder / "collected"):
                folder.mkdir(parents=True, exist_ok=True)

    # -- what it saw and did ----------------------------------------------------------------------
    @property
    def received(self) -> list[dict[str, Any]]:
        """The 850s it accepted, oldest first."""
        return [po.as_dict() for po in self._state.received]

    @property
    def sent(self) -> list[dict[str, Any]]:
        """The files it dropped, oldest first, with the sets in each and any fault injected."""
        return list(self._state.sent)

    @property
    def acknowledgements(self) -> list[dict[str, Any]]:
        """Crossdock's 997s about its files: group, status, and each set's code."""
        return list(self._state.acknowledgements)

    @property
    def duplicates(self) -> list[dict[str, Any]]:
        """Interchanges collected again (an ISA13 seen before), dropped unprocessed."""
        return list(self._state.duplicates)

    @property
    def ticks(self) -> int:
        return self._state.tick

    # -- one pass -------------------------------------------------------------------------------
    def tick(self) -> dict[str, Any]:
        """One pass of the partner's scheduler (see the module docstring); returns the files it sent."""
        with self._lock:
            state = self._state
            state.tick += 1
            now = self.clock()
            outgoing: list[OutgoingSet] = []
            for path in self._collectable():
                outgoing += self._collect(path, now)
            outgoing += state.resend  # what our 997s just rejected, sent again cleanly
            state.resend.clear()
            outgoing += self._due_ship_notices(now)
            if self.stock_every and state.tick % self.stock_every == 0:
                outgoing.append(self._inventory_advice(now))
            sent = self._drop(outgoing, now) if outgoing else None
            return {"tick": state.tick, "sent": [sent] if sent else []}

    def _collectable(self) -> list[Path]:
        folder = self.collect_from
        entries = [
            entry for entry in folder.iterdir()
            if entry.is_file() and not entry.name.startswith(".") and not entry.name.endswith((".part", ".tmp"))
        ]  # fmt: skip
        return sorted(entries, key=lambda p: (p.stat().st_mtime, p.name))

    def _collect(self, path: Path, now: datetime) -> list[OutgoingSet]:
        target = self.own_folder / "collected" / path.name
        counter = 0
        while target.exists():
            counter += 1
            target = target.with_name(f"{path.stem}-{counter}{path.suffix}")
        os.rename(path, target)
        answers: list[OutgoingSet] = []
        for interchange in split_interchanges(target.read_bytes()):
            if interchange.control_number in self._state.seen_isa13:
                self._state.duplicates.append({"file": path.name, "isa13": interchange.control_number})
                continue
            self._state.seen_isa13.add(interchange.control_number)
            for group in interchange.groups:
                if group.functional_id == "FA":
                    self._read_our_997(group.sets, path.name)
                    continue
                verdicts: list[tuple[ReceivedSet, bool]] = []
                for received in group.sets:
                    accepted = not received.problems
                    if accepted and received.id == "850":
                        po = self._read_850(received, path.name, interchange.control_number, group.control_number)
                        accepted = po is not None
                        if po is not None:
                            answers.append(self._acknowledge_po(po, now))
                    verdicts.append((received, accepted))
                answers.insert(0, self._functional_ack(group.functional_id, group.control_number, verdicts))
        return answers

    # -- reading what Crossdock sent ------------------------------------------------------------
    def _read_850(self, received: ReceivedSet, file: str, isa13: str, gs06: str) -> _PurchaseOrder | None:
        body = received.body()
        beg = next((s for s in body if s[0] == "BEG"), None)
        if beg is None or len(beg) < 4 or not beg[3]:
            received.problems.append("no BEG03 purchase order number")
            return None
        customer = next((s[2] for s in body if s[0] == "REF" and len(s) > 2 and s[1] == "CO"), None)
        ship_to: list[list[str]] = []
        in_ship_to = False
        lines: list[_OrderLine] = []
        sku_qualifiers = self.profile.mapping.item_ids.sku
        for segment in body:
            tag = segment[0]
            if tag == "N1":
                in_ship_to = len(segment) > 1 and segment[1] == "ST"
            if in_ship_to and tag in ("N1", "N2", "N3", "N4", "PER"):
                ship_to.append(segment)
            if tag == "PO1":
                in_ship_to = False
                pairs = dict(zip(segment[6::2], segment[7::2], strict=False))
                sku = next((pairs[q] for q in sku_qualifiers if pairs.get(q)), None)
                if sku is None or len(segment) < 3 or not segment[2].isdigit():
                    received.problems.append(f"PO1 {segment[1] if len(segment) > 1 else '?'} has no SKU or quantity")
                    return None
                lines.append(_OrderLine(segment[1], sku, int(segment[2])))
            elif tag == "PID" and lines and len(segment) > 5:
                lines[-1].description = segment[5]
        if not lines:
            received.problems.append("no PO1 lines")
            return None
        po = _PurchaseOrder(beg[3], customer, ship_to, lines, file, isa13, gs06, received.control_number, self._state.tick)
        for line in po.lines:
            line.status = self._line_status(po.number, line.line)
            self._state.stock.setdefault(line.sku, random.Random(f"{self.seed}:{line.sku}").randint(0, 60))
        self._state.received.append(po)
        return po

    def _line_status(self, po_number: str, line: str) -> str:
        roll = random.Random(f"{self.seed}:{po_number}:{line}").random()
        if roll < self.reject_rate:
            return "IR"
        if roll < self.reject_rate + self.backorder_rate:
            return "IB"
        return "IA"

    def _read_our_997(self, sets: Sequence[ReceivedSet], file: str) -> None:
        for received in sets:
            body = received.body()
            ak1 = next((s for s in body if s[0] == "AK1"), None)
            ak9 = next((s for s in body if s[0] == "AK9"), None)
            verdicts: list[dict[str, str]] = []
            current: str | None = None
            for segment in body:
                if segment[0] == "AK2" and len(segment) > 2:
                    current = segment[2]
                elif segment[0] == "AK5" and current is not None:
                    verdicts.append({"st02": current, "code": segment[1]})
                    if segment[1] not in ("A", "E") and ak1 is not None:
                        clean = self._state.sent_sets.get((ak1[2], current))
                        if clean is not None:
                            self._state.resend.append(clean)
                    current = None
            self._state.acknowledgements.append(
                {
                    "file": file,
                    "functional_id": ak1[1] if ak1 else None,
                    "group": ak1[2] if ak1 and len(ak1) > 2 else None,
                    "status": ak9[1] if ak9 else None,
                    "sets": verdicts,
                }
            )

    # -- documents it sends ---------------------------------------------------------------------
    def _functional_ack(self, functional_id: str, gs06: str, verdicts: list[tuple[ReceivedSet, bool]]) -> OutgoingSet:
        body: list[list[str]] = [["AK1", functional_id, gs06]]
        for received, accepted in verdicts:
            body.append(["AK2", received.id, received.control_number])
            body.append(["AK5", "A"] if accepted else ["AK5", "R", "5"])
        accepted_count = sum(1 for _, ok in verdicts if ok)
        code = "A" if accepted_count == len(verdicts) else ("R" if accepted_count == 0 else "P")
        body.append(["AK9", code, str(len(verdicts)), str(len(verdicts)), str(accepted_count)])
        return OutgoingSet("997", "FA", body, f"997 for {functional_id} {gs06}")

    def _item_ids(self, sku: str) -> list[str]:
        ids = self.profile.mapping.item_ids
        vendor = "V" + hashlib.sha256(sku.encode()).hexdigest()[:8].upper()
        pairs = [ids.sku[0], sku]
        if ids.partner_item:
            pairs += [ids.partner_item[0], vendor]
        return pairs

    def _acknowledge_po(self, po: _PurchaseOrder, now: datetime) -> OutgoingSet:
        statuses = {line.status for line in po.lines}
        code = "AD" if statuses == {"IA"} else ("RD" if statuses == {"IR"} else "AC")
        day = f"{now:%Y%m%d}"
        body: list[list[str]] = [["BAK", "00", code, po.number, day, "", "", "", "", day]]
        later = f"{(now + timedelta(days=_BACKORDER_DAYS)):%Y%m%d}"
        for line in po.lines:
            body.append(["PO1", line.line, str(line.quantity), "EA", "", "", *self._item_ids(line.sku)])
            quantity = "0" if line.status == "IR" else str(line.quantity)
            body.append(["ACK", line.status, quantity, "EA", "068", later if line.status == "IB" else day])
        body.append(["CTT", str(len(po.lines)), str(sum(line.quantity for line in po.lines))])
        accepted = [line for line in po.lines if line.status == "IA"]
        backordered = [line for line in po.lines if line.status == "IB"]
        if accepted:
            self._state.due.append(_DueShipment(po, accepted, self._state.tick + self.ship_after))
        if backordered:
            self._state.due.append(_DueShipment(po, backordered, self._state.tick + 2 * max(self.ship_after, 1)))
            for line in backordered:
                self._state.backorders[line.sku] = self._state.backorders.get(line.sku, 0) + line.quantity
        return OutgoingSet("855", "PR", body, f"855 {po.number}")

    def _due_ship_notices(self, now: datetime) -> list[OutgoingSet]:
        due = [d for d in self._state.due if d.due <= self._state.tick]
        self._state.due = [d for d in self._state.due if d.due > self._state.tick]
        return [self._ship_notice(d, now) for d in due]

    def _ship_notice(self, due: _DueShipment, now: datetime) -> OutgoingSet:
        state = self._state
        state.shipments += 1
        number = f"ASN{state.shipments:07d}"
        rng = random.Random(f"{self.seed}:{due.po.number}:{number}")
        carrier, service = _CARRIERS[rng.randrange(len(_CARRIERS))]
        cartons: list[tuple[str, str, list[tuple[_OrderLine, int]]]] = []
        for line in due.lines:
            remaining = line.quantity
            while remaining > 0:
                units = min(remaining, self.units_per_carton)
                state.cartons += 1
                sscc = sscc_with_check_digit(f"0{_GS1_COMPANY_PREFIX}{state.cartons:09d}")
                tracking = (
                    f"1ZACME01{rng.randrange(10**10):010d}" if carrier == "UPS" else f"{rng.randrange(10**12):012d}"
                )
                cartons.append((sscc, tracking, [(line, units)]))
                remaining -= units
        day, clock = f"{now:%Y%m%d}", f"{now:%H%M}"
        body: list[list[str]] = [["BSN", "00", number, day, clock, "0001"], ["HL", "1", "", "S", "1"]]
        body.append(["TD1", "CTN25", str(len(cartons))])
        body.append(["TD5", "B", "2", carrier, "M", service])
        body.append(["REF", "CN", cartons[0][1]])
        body.append(["DTM", "011", day, clock])
        body += due.po.ship_to
        location = self.profile.location_out(self.profile.stock_location_id) if self.profile.stock_location_id else None
        if location:
            body.append(["N1", "SF", self.profile.name[:60], "92", location])
        body += [["HL", "2", "1", "O", "1"], ["PRF", due.po.number]]
        level = 2
        hash_total = 0
        for sscc, tracking, contents in cartons:
            level += 1
            pack = level
            body += [["HL", str(pack), "2", "P", "1"], ["MAN", "GM", sscc], ["MAN", "CP", tracking]]
            for line, units in contents:
                level += 1
                body += [
                    ["HL", str(level), str(pack), "I", "0"],
                    ["LIN", line.line, *self._item_ids(line.sku)],
                    ["SN1", line.line, str(units), "EA"],
                ]
                hash_total += units
        body.append(["CTT", str(level), str(hash_total)])
        for line in due.lines:
            if line.status == "IB":
                self._state.backorders[line.sku] = max(0, self._state.backorders.get(line.sku, 0) - line.quantity)
        return OutgoingSet("856", "SH", body, f"856 {number} for {due.po.number}")

    def _inventory_advice(self, now: datetime) -> OutgoingSet:
        state = self._state
        rng = random.Random(f"{self.seed}:stock:{state.tick}")
        day, clock = f"{now:%Y%m%d}", f"{now:%H%M}"
        body: list[list[str]] = [["BIA", "00", "MM", f"INV{state.tick:06d}", day, clock]]
        later = f"{(now + timedelta(days=_BACKORDER_DAYS)):%Y%m%d}"
        for sku in sorted(state.stock):
            backordered = state.backorders.get(sku, 0)
            available = 0 if backordered else max(0, state.stock[sku] + rng.randint(-3, 3))
            state.stock[sku] = available
            body.append(["LIN", "", *self._item_ids(sku)])
            body.append(["QTY", "33", str(available), "EA"])
            if backordered:
                body.append(["SCH", str(backordered + rng.randint(5, 20)), "EA", "", "", "018", later])
        body.append(["CTT", str(len(state.stock))])
        return OutgoingSet("846", "IB", body, f"846 INV{state.tick:06d}")

    # -- dropping a file ------------------------------------------------------------------------
    def _drop(self, sets: list[OutgoingSet], now: datetime) -> dict[str, Any]:
        state = self._state
        fault: dict[str, Any] | None = None
        to_write = [copy.deepcopy(s) for s in sets]
        broken_counts: set[int] = set()
        if self.faults and self._faults.random() < self.faults:
            fault = self._damage(to_write, broken_counts)
        them, us = self.profile.interchange.them, self.profile.interchange.us
        isa13, gs06, st02 = state.isa13 + 1, state.gs06 + 1, state.st02 + 1
        text, placed = write_interchange(
            to_write,
            sender=(them.qualifier, them.id),
            receiver=(us.qualifier, us.id),
            group_sender=self.profile.their_group_id,
            group_receiver=self.profile.our_group_id,
            version=self.profile.version,
            isa13=isa13,
            first_gs06=gs06,
            first_st02=st02,
            when=now,
            broken_counts=broken_counts,
        )
        state.isa13 = isa13
        state.gs06 = gs06 + len({s.functional_id for s in sets}) - 1
        state.st02 = st02 + len(sets) - 1
        documents = []
        for functional_id, group, control, index in placed:
            state.sent_sets[(str(group), f"{control:04d}")] = sets[index]
            documents.append(
                {"set": sets[index].id, "group": f"{functional_id} {group}", "st02": f"{control:04d}", "what": sets[index].description}
            )
        name = f"{self.profile.id}_{isa13:09d}.x12"
        self._write_new(self.drop_into / name, text.encode("ascii", "replace"))
        entry = {"file": name, "isa13": isa13, "tick": state.tick, "documents": documents, "fault": fault}
        state.sent.append(entry)
        return entry

    def _damage(self, sets: list[OutgoingSet], broken_counts: set[int]) -> dict[str, Any]:
        index = self._faults.randrange(len(sets))
        target = sets[index]
        if self._faults.random() < 0.5 and self._bad_code(target):
            return {"kind": "bad_code", "set": target.id, "index": index}
        broken_counts.add(index)
        return {"kind": "segment_count", "set": target.id, "index": index}

    @staticmethod
    def _bad_code(target: OutgoingSet) -> bool:
        for segment in target.body:
            if target.id == "856" and segment[0] == "MAN" and segment[1] == "GM":
                segment[2] = segment[2][:-1] + str((int(segment[2][-1]) + 1) % 10)
                return True
            if target.id == "855" and segment[0] == "ACK":
                segment[1] = "ZZ"
                return True
            if target.id == "846" and segment[0] == "QTY":
                segment[2] = "X1"
                return True
        return False

    @staticmethod
    def _write_new(target: Path, data: bytes) -> None:
        """Upload as partners do: a hidden temporary name, then a rename to a name never used before."""
        temporary = target.with_name(f".{target.name}.part")
        temporary.write_bytes(data)
        os.link(temporary, target)
        os.unlink(temporary)
