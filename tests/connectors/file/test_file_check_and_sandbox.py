"""check(), the seeded sample folders, and the HTTP helper that `crossdock sandbox serve file` starts."""

from __future__ import annotations

from pathlib import Path

import httpx

from crossdock.connectors.file import FileConnector
from crossdock.connectors.file.sandbox import create_app, seed_folder
from crossdock.core.contract import CursorPosition
from crossdock.runtime.testing import ConnectorConformance


async def test_check_reports_missing_folder(tmp_path, make_connector) -> None:
    result = await make_connector(path="no-such-folder").check()

    assert not result.ok
    assert result.message == f"folder {tmp_path / 'no-such-folder'} does not exist"


async def test_check_passes_on_a_readable_folder_and_counts_its_files(folder, make_connector) -> None:
    seed_folder(folder, orders=5, skus=2)

    result = await make_connector(orders_format="jsonl", stock_format="csv").check()

    assert result.ok, result.message
    assert result.details["orders_files"] == 1 and result.details["stock_files"] == 1
    assert result.details["out_dir_writable"] is True


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


def test_seed_folder_is_deterministic(tmp_path) -> None:
    first = seed_folder(tmp_path / "one", orders=30, skus=8, seed=7, stock_snapshots=2)
    second = seed_folder(tmp_path / "two", orders=30, skus=8, seed=7, stock_snapshots=2)
    other = seed_folder(tmp_path / "three", orders=30, skus=8, seed=8, stock_snapshots=2)

    assert first.files == second.files
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two"), "same seed: same bytes and modification times"
    assert (first.orders, first.stock_rows) == (30, 2 * 8 * 2)
    assert [name.split("/")[0] for name in first.files] == ["orders", "orders", "stock", "stock"]
    assert other.files != first.files or snapshot(tmp_path / "three") != snapshot(tmp_path / "one")


async def test_sandbox_app_serves_the_seeded_folder_and_accepts_uploads(tmp_path) -> None:
    app = create_app(seed=3, orders=4, skus=2)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox") as client:
        listing = (await client.get("/files")).json()["files"]
        names = [f["name"] for f in listing]
        assert names == sorted(seed_folder(tmp_path / "expected", orders=4, skus=2, seed=3).files)

        download = await client.get(f"/files/{names[0]}")
        assert download.status_code == 200
        assert download.content == (app.state.folder / names[0]).read_bytes()

        upload = await client.put("/files/stock/20261122T0600__stock.csv", content=b"sku,location,on_hand\nA,WH,4\n")
        assert upload.status_code == 201
        assert (app.state.folder / "stock/20261122T0600__stock.csv").read_bytes() == b"sku,location,on_hand\nA,WH,4\n"

        assert (await client.get("/files/..%2F..%2Fetc%2Fpasswd")).status_code in (400, 404)
        assert (await client.put("/files/.hidden.tmp", content=b"x")).status_code == 400
        assert (await client.get("/files/orders/missing.jsonl")).status_code == 404


async def test_sandbox_config_points_at_a_fresh_seeded_folder(context) -> None:
    config = FileConnector.config_model.model_validate(FileConnector.sandbox_config("http://unused.invalid"))
    connector = FileConnector(config, context)

    assert (await connector.check()).ok
    orders = [r async for page in connector.stream("orders").read(CursorPosition()) for r in page.records]
    assert len(orders) == 40
    assert FileConnector.sandbox_config("http://unused.invalid")["path"] != str(config.path), "one folder per call"


class TestFileConnectorConformance(ConnectorConformance):
    """The standard suite every connector passes against its sandbox configuration."""

    connector_class = FileConnector

