"""archive: true consumes the folder: a file moves out only once every record from it is durable."""

from __future__ import annotations

import json
import os
from pathlib import Path

from crossdock.core.contract import CursorPosition


def write_orders(folder: Path, name: str, numbers: range, *, mtime: int = 1_700_000_000) -> Path:
    path = folder / "orders" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps({"id": f"o{n}", "number": str(n)}) + "\n" for n in numbers))
    os.utime(path, ns=(mtime * 10**9, mtime * 10**9))
    return path


def names(directory: Path) -> list[str]:
    return sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file())


async def test_archive_moves_file_only_after_acknowledge(folder, make_connector) -> None:
    write_orders(folder, "a.jsonl", range(1, 4))  # 3 records
    write_orders(folder, "b.jsonl", range(4, 6))  # 2 records
    stream = make_connector(archive=True, page_size=2).stream("orders")
    pages = stream.read(CursorPosition())

    first = await anext(pages)  # o1, o2: a.jsonl not finished
    await stream.acknowledge(first)
    assert names(folder / "orders") == ["a.jsonl", "b.jsonl"]

    second = await anext(pages)  # o3 finishes a.jsonl, o4 starts b.jsonl
    assert [r.key for r in second.records] == ["o3", "o4"]
    assert names(folder / "orders") == ["a.jsonl", "b.jsonl"], "reading a file to its end archives nothing"
    await stream.acknowledge(second)
    assert names(folder / "orders") == ["b.jsonl"]
    assert names(folder / "archive") == ["orders/a.jsonl"]

    third = await anext(pages)
    assert [r.key for r in third.records] == ["o5"]
    await stream.acknowledge(third)
    assert names(folder / "archive") == ["orders/a.jsonl", "orders/b.jsonl"]
    assert [page async for page in pages] == []


async def test_an_unacknowledged_page_leaves_its_file_to_be_read_again(folder, make_connector) -> None:
    write_orders(folder, "a.jsonl", range(1, 3))
    stream = make_connector(archive=True, page_size=10).stream("orders")

    pages = [page async for page in stream.read(CursorPosition())]  # the run stops before the write is durable
    assert [r.key for r in pages[0].records] == ["o1", "o2"]
    assert names(folder / "orders") == ["a.jsonl"]

    again = [r.key async for page in stream.read(CursorPosition()) for r in page.records]
    assert again == ["o1", "o2"]


async def test_a_file_whose_records_were_all_taken_is_archived_by_the_next_run(folder, make_connector) -> None:
    """The cursor passed the whole file but the run stopped before archiving: an empty page archives it."""
    write_orders(folder, "a.jsonl", range(1, 3))
    stream = make_connector(archive=True).stream("orders")
    taken = [r async for page in stream.read(CursorPosition()) for r in page.records]

    pages = [page async for page in stream.read(CursorPosition(since=taken[-1].cursor_value))]
    assert [len(page.records) for page in pages] == [0]
    await stream.acknowledge(pages[0])
    assert names(folder) == ["archive/orders/a.jsonl"]


async def test_a_file_changed_while_processed_stays_in_the_folder(folder, make_connector) -> None:
    path = write_orders(folder, "a.jsonl", range(1, 3))
    stream = make_connector(archive=True).stream("orders")
    pages = [page async for page in stream.read(CursorPosition())]

    with path.open("a") as handle:  # the exporter appends an order after we read the file
        handle.write(json.dumps({"id": "o3", "number": "3"}) + "\n")
    await stream.acknowledge(pages[-1])

    assert names(folder) == ["orders/a.jsonl"]


async def test_a_same_name_file_already_in_the_archive_is_not_overwritten(folder, make_connector) -> None:
    (folder / "archive" / "orders").mkdir(parents=True)
    (folder / "archive" / "orders" / "a.jsonl").write_text("yesterday's file\n")
    write_orders(folder, "a.jsonl", range(1, 2))
    stream = make_connector(archive=True).stream("orders")

    for page in [page async for page in stream.read(CursorPosition())]:
        await stream.acknowledge(page)

    assert names(folder / "archive") == ["orders/a.1.jsonl", "orders/a.jsonl"]
    assert (folder / "archive" / "orders" / "a.jsonl").read_text() == "yesterday's file\n"
