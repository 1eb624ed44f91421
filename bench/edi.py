"""EDI benchmark: pyx12's own validation vs Crossdock's pipeline (compiled validation, translation, ack).

    python bench/edi.py [--sizes 10000,100000,1000000] [--kinds 850,856,846] [--skip-pyx12-above N]

For each transaction set and size, one deterministic file is generated in a temporary folder (deleted
afterwards; ``--keep DIR`` writes them there instead):

* 850: purchase orders of up to 5,000 lines (PO1, PID, DTM per line), several sets once the file is large;
* 856: ship notices in S/O/P/I order, each pack an HL*P with an SSCC-18 (MAN*GM, valid check digit), each
  item an HL*I with LIN, SN1 and PID; up to about 10,000 segments per set;
* 846: inventory advice, per item LIN, PID, QTY*33 with a SCH of future availability, QTY*17; up to 2,000
  items per set (the map allows 10,000 LIN loops per set).

Then, in the same run and each in its own process, three measurements of the same file:

(a) ``pyx12``: ``pyx12.x12n_document`` on the file with Crossdock's map folder, writing its 997: the baseline;
(b) ``crossdock``: :class:`crossdock.edi.compiled.CompiledValidator` over the streaming reader (envelope
    checks included), ``crossdock.edi.translate.translate_set`` on every set it accepts, and
    ``crossdock.edi.build_functional_ack`` rendered for every group: the pipeline;
(c) ``validate only``: (b) without translation and ack, to show where the time goes.

Segments/s is segments in the file over the wall time of the work (imports excluded, map loading
included on both sides).  Memory is each process's peak RSS (``ru_maxrss``) and its growth over the
RSS measured just before the work started; "flat" means the growth does not follow the file size.
Translation materialises one transaction set at a time (``translate_set`` reads a whole set), so the
pipeline's memory follows the largest *set*, which these files keep bounded, not the file.

Figures vary on a shared 2-core machine: each timing is the best of ``--repeat`` runs (default 1).
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SIZES = "10000,100000,1000000"
KINDS = ("850", "856", "846")
FUNCTIONAL_ID = {"850": "PO", "856": "SH", "846": "IB"}


# -- generating files -------------------------------------------------------------------------------

def _check_digit(digits: str) -> str:
    """GS1 mod-10 check digit (UPC-A, SSCC-18)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def _upc(n: int) -> str:
    body = f"0{7_000_000_000 + n % 1_000_000_000:010d}"[:11]
    return body + _check_digit(body)


def _sscc(n: int) -> str:
    body = f"0061414{n:010d}"
    return body + _check_digit(body)


def _purchase_order(number: int, lines: int) -> Iterator[str]:
    yield f"BEG*00*SA*PO{number:07d}**20240105"
    yield "CUR*BY*USD"
    yield f"REF*DP*{number % 900 + 100}"
    yield "PER*BD*JANE BUYER*TE*5555551212"
    yield "DTM*002*20240115"
    yield "TD5*O*2*UPSN*M"
    yield f"N1*ST*STORE {number % 400}*92*{number % 400:04d}"
    yield "N3*1 MAIN ST"
    yield "N4*SPRINGFIELD*IL*62701*US"
    yield "N1*BT*RETAILER INC*92*0001"
    quantity_total = 0
    amount = 0
    for line in range(1, lines + 1):
        item = number * 7919 + line
        quantity = 1 + item % 48
        cents = 199 + item % 9000
        quantity_total += quantity
        amount += quantity * cents
        yield f"PO1*{line}*{quantity}*EA*{cents // 100}.{cents % 100:02d}*PE*UP*{_upc(item)}*VN*SKU-{item % 100000}"
        yield f"PID*F****ITEM {item % 100000} BLUE"
        yield f"DTM*010*202402{1 + line % 28:02d}"
    yield f"CTT*{lines}*{quantity_total}"
    yield f"AMT*TT*{amount // 100}.{amount % 100:02d}"


def _ship_notice(number: int, orders: int) -> Iterator[str]:
    yield f"BSN*00*SHIP{number:07d}*20240110*1200*0001"
    yield "DTM*011*20240110"
    yield "HL*1**S"
    yield f"TD1*CTN25*{orders * 4}****G*{orders * 40}*LB"
    yield "TD5**2*UPSN"
    yield f"REF*BM*BOL{number:07d}"
    yield "N1*ST*STORE 12*92*0012"
    yield "N1*SF*DISTRIBUTION CENTER*92*DC1"
    hl = 1
    shipped = 0
    for order in range(orders):
        hl += 1
        order_hl = hl
        yield f"HL*{order_hl}*1*O"
        yield f"PRF*PO{number:05d}{order:03d}"
        for pack in range(4):
            hl += 1
            pack_hl = hl
            yield f"HL*{pack_hl}*{order_hl}*P"
            yield f"MAN*GM*00{_sscc(number * 100_000 + order * 4 + pack)}"
            for item in range(3):
                hl += 1
                sku = (number * 31 + order * 7 + pack * 3 + item) % 100000
                quantity = 1 + sku % 12
                shipped += quantity
                yield f"HL*{hl}*{pack_hl}*I"
                yield f"LIN**UP*{_upc(sku)}*VN*SKU-{sku}"
                yield f"SN1**{quantity}*EA"
                yield f"PID*F****ITEM {sku}"
    yield f"CTT*{hl}*{shipped}"


def _inventory(number: int, items: int) -> Iterator[str]:
    yield f"BIA*00*SI*INV{number:07d}*20240110"
    yield "DTM*007*20240110"
    yield "N1*WH*MAIN WAREHOUSE*92*WH1"
    for n in range(items):
        sku = number * 2000 + n
        yield f"LIN**UP*{_upc(sku)}*VN*SKU-{sku}"
        yield f"PID*F****ITEM {sku}"
        yield f"QTY*33*{sku % 500}*EA"
        yield f"SCH*{sku % 90 + 1}*EA***018*202402{1 + n % 28:02d}"
        yield f"QTY*17*{sku % 700}*EA"
    yield f"CTT*{items}"


def _sets(kind: str, target: int) -> Iterator[Iterator[str]]:
    """Set bodies until about ``target`` segments are written (segments per set bounded)."""
    written, number = 0, 0
    while written < target:
        number += 1
        left = target - written
        if kind == "850":
            lines = max(1, min(5000, (left - 14) // 3))
            written += 14 + 3 * lines
            yield _purchase_order(number, lines)
        elif kind == "856":
            orders = max(1, min(170, (left - 11) // 58))
            written += 11 + 58 * orders
            yield _ship_notice(number, orders)
        else:
            items = max(1, min(2000, (left - 6) // 5))
            written += 6 + 5 * items
            yield _inventory(number, items)


def write_file(path: Path, kind: str, target: int) -> int:
    """Write one interchange of about ``target`` segments; returns the exact segment count."""
    isa = ("ISA*00*          *00*          *ZZ*CROSSDOCK      *ZZ*RETAILER       *240105*1200*U*00401*000000101*0*P*>")
    count = 0
    sets = 0
    with path.open("w", encoding="ascii", newline="") as out:
        out.write(isa + "~\n")
        out.write(f"GS*{FUNCTIONAL_ID[kind]}*CROSSDOCK*RETAILER*20240105*1200*101*X*004010~\n")
        count += 2
        for body in _sets(kind, target - 4):
            sets += 1
            control = f"{sets:04d}"
            out.write(f"ST*{kind}*{control}~\n")
            inside = 1
            for segment in body:
                out.write(segment + "~\n")
                inside += 1
            out.write(f"SE*{inside + 1}*{control}~\n")
            count += inside + 1
        out.write(f"GE*{sets}*101~\nIEA*1*000000101~\n")
        count += 2
    return count


# -- measuring (each in its own process) ------------------------------------------------------------

def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_pyx12(path: Path) -> dict[str, Any]:
    import pyx12.params
    import pyx12.x12n_document

    from crossdock.edi.pyx12_maps import MAP_PATH

    logging.getLogger("pyx12").setLevel(logging.CRITICAL)
    baseline = _rss_mb()
    started = time.perf_counter()
    ack = io.StringIO()
    with path.open(encoding="ascii") as source:
        ok = pyx12.x12n_document.x12n_document(pyx12.params.ParamsBase(), source, ack, None, None, map_path=str(MAP_PATH))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "baseline_mb": baseline, "valid": bool(ok), "acks": ack.getvalue().count("AK9")}


def run_crossdock(path: Path, *, translate: bool) -> dict[str, Any]:
    from crossdock.edi import EnvelopeEvent, FunctionalGroup, Interchange, TransactionSet, build_functional_ack, render_segments
    from crossdock.edi.compiled import CompiledValidator
    from crossdock.edi.translate import translate_set

    logging.getLogger("crossdock").setLevel(logging.ERROR)
    baseline = _rss_mb()
    started = time.perf_counter()
    validator = CompiledValidator()  # maps compiled in this process, each when first needed
    interchange: Interchange | None = None
    group: FunctionalGroup | None = None
    segments: list[Any] = []
    documents = acks = issues = untranslated = 0
    segment_event, set_end, group_end = EnvelopeEvent.SEGMENT, EnvelopeEvent.SET_END, EnvelopeEvent.GROUP_END
    for kind, obj in validator.iter_events(path):
        if kind == segment_event:
            if translate:
                segments.append(obj)
        elif kind == set_end:
            done: TransactionSet = obj  # type: ignore[assignment]
            issues += len(done.issues)
            if translate and not done.has_errors:
                whole = TransactionSet(done.id, done.control_number, done.implementation_reference, done.position,
                                       segments=segments, segment_count=len(segments), complete=done.complete)
                result = translate_set(whole, interchange=interchange, group=group)
                documents += len(result.documents)
                untranslated += sum(1 for issue in result.issues if issue.severity == "error")
            segments = []
        elif kind == EnvelopeEvent.INTERCHANGE_START:
            interchange = obj  # type: ignore[assignment]
        elif kind == EnvelopeEvent.GROUP_START:
            group = obj  # type: ignore[assignment]
        elif kind == group_end:
            finished: FunctionalGroup = obj  # type: ignore[assignment]
            issues += len(finished.issues)
            if translate and interchange is not None:
                ack = build_functional_ack(interchange, finished, isa13=1, gs06=1)
                render_segments(ack)
                acks += 1
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "baseline_mb": baseline, "valid": issues == 0, "documents": documents,
            "translation_errors": untranslated, "acks": acks}


def worker(mode: str, path: Path) -> None:
    if mode == "pyx12":
        result = run_pyx12(path)
    elif mode == "crossdock":
        result = run_crossdock(path, translate=True)
    elif mode == "validate":
        result = run_crossdock(path, translate=False)
    else:
        raise SystemExit(f"unknown mode {mode}")
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def measure(mode: str, path: Path, repeat: int) -> dict[str, Any]:
    best: dict[str, Any] | None = None
    for _ in range(repeat):
        out = subprocess.run([sys.executable, __file__, "--worker", mode, str(path)], capture_output=True, text=True, check=False)
        if out.returncode != 0:
            raise SystemExit(f"{mode} on {path.name} failed:\n{out.stderr[-3000:]}")
        result = json.loads(out.stdout.strip().splitlines()[-1])
        if best is None or result["seconds"] < best["seconds"]:
            best = result
    assert best is not None
    return best


def _translate_available() -> bool:
    try:
        from crossdock.edi.translate import translate_set  # noqa: F401
    except ImportError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=SIZES, help="segments per file, comma-separated")
    parser.add_argument("--kinds", default=",".join(KINDS), help="transaction sets: 850,856,846")
    parser.add_argument("--skip-pyx12-above", type=int, default=None, metavar="N",
                        help="do not run pyx12 on files of more than N segments (it runs at ~10k segments/s)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--keep", type=Path, default=None, help="write the generated files here and keep them")
    parser.add_argument("--worker", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]))
        return
    if not _translate_available():
        raise SystemExit("crossdock.edi.translate is not importable: this benchmark measures validation + translation + ack")

    sizes = [int(s) for s in args.sizes.split(",") if s]
    kinds = [k for k in args.kinds.split(",") if k]
    print(f"EDI benchmark: sizes {sizes} segments, sets {kinds}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print("memory: peak RSS of each measurement's own process (ru_maxrss); growth = peak - RSS just before the work")
    if args.skip_pyx12_above is not None:
        print(f"pyx12 is NOT run on files above {args.skip_pyx12_above} segments (--skip-pyx12-above); their ratio is not given")
    with tempfile.TemporaryDirectory(prefix="crossdock-edi-bench-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        header = (f"{'file':<14}{'segments':>10}  {'measurement':<16}{'seconds':>9}{'seg/s':>10}{'ratio':>8}"
                  f"{'peak MB':>9}{'growth MB':>11}  notes")
        rows: list[tuple[str, int, dict[str, Any], dict[str, Any] | None]] = []
        for kind in kinds:
            print(f"\n== {kind}")
            print(header)
            for size in sizes:
                path = folder / f"{kind}_{size}.x12"
                count = write_file(path, kind, size)
                name = path.name
                baseline = None
                if args.skip_pyx12_above is None or count <= args.skip_pyx12_above:
                    baseline = measure("pyx12", path, args.repeat)
                    _row(name, count, "pyx12", baseline, None, f"valid={baseline['valid']}")
                else:
                    print(f"{name:<14}{count:>10}  {'pyx12':<16}{'skipped (--skip-pyx12-above)':>28}")
                pipeline = measure("crossdock", path, args.repeat)
                _row(name, count, "crossdock", pipeline, baseline,
                     f"valid={pipeline['valid']} documents={pipeline['documents']} acks={pipeline['acks']}"
                     + (f" translation errors={pipeline['translation_errors']}" if pipeline["translation_errors"] else ""))
                validate = measure("validate", path, args.repeat)
                _row(name, count, "validate only", validate, baseline, "")
                rows.append((kind, count, pipeline, baseline))
                if args.keep is None:
                    path.unlink()
        print("\nratio = Crossdock seg/s / pyx12 seg/s on the same file; target >= 1.0, goal >= 5")
        compared = [p["seconds"] and (b["seconds"] / p["seconds"]) for _, _, p, b in rows if b is not None]
        if compared:
            print(f"pipeline ratio: min {min(compared):.1f}x, max {max(compared):.1f}x over {len(compared)} files")
        for kind in kinds:
            growth = [(count, p["peak_mb"] - p["baseline_mb"]) for k, count, p, _ in rows if k == kind]
            if len(growth) > 1:
                print(f"{kind} pipeline memory growth by size: " + ", ".join(f"{c}: {g:+.1f} MB" for c, g in growth))


def _row(name: str, count: int, label: str, result: dict[str, Any], baseline: dict[str, Any] | None, notes: str) -> None:
    rate = count / result["seconds"]
    ratio = f"{baseline['seconds'] / result['seconds']:.1f}x" if baseline is not None and label != "pyx12" else ""
    growth = result["peak_mb"] - result["baseline_mb"]
    print(f"{name:<14}{count:>10}  {label:<16}{result['seconds']:>9.2f}{rate:>10.0f}{ratio:>8}"
          f"{result['peak_mb']:>9.1f}{growth:>11.1f}  {notes}", flush=True)


if __name__ == "__main__":
    main()
