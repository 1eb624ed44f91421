"""Opening stores by URL, and keeping the database password out of every message."""

from __future__ import annotations

import logging
import traceback
from urllib.parse import urlsplit, urlunsplit

import pytest

from crossdock.runtime.state import StateStoreError, mask_url, open_store
from crossdock.runtime.state.testing import postgres_dsn_or_skip

PASSWORD = "Sup3r-S3cret-pw"


def _everything_shown(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc)) + repr(exc)


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(f"postgresql://crossdock:{PASSWORD}@127.0.0.1:1/test", id="refused"),
        pytest.param(f"postgresql://crossdock:{PASSWORD}@127.0.0.1:notaport/test", id="bad-port"),
        pytest.param(f"postgres://crossdock@127.0.0.1:1/test?password={PASSWORD}", id="password-parameter"),
        pytest.param(f"postgresql://crossdock:{PASSWORD}@127.0.0.1:1/test?schema=not-an-identifier", id="bad-schema"),
        pytest.param(f"mysql://crossdock:{PASSWORD}@127.0.0.1/test", id="unsupported"),
    ],
)
async def test_dsn_password_never_appears_in_errors(url: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(StateStoreError) as caught:
        await open_store(url)
    shown = _everything_shown(caught.value)
    assert PASSWORD not in shown
    assert PASSWORD not in caplog.text
    assert "127.0.0.1" in shown  # still says which server


def test_urls_are_shown_with_the_password_masked() -> None:
    assert mask_url(f"postgresql://crossdock:{PASSWORD}@db:5432/state") == "postgresql://crossdock:***@db:5432/state"
    assert mask_url(f"postgresql://db/state?password={PASSWORD}&sslmode=require") == (
        "postgresql://db/state?password=***&sslmode=require"
    )
    assert mask_url("sqlite:///.crossdock/state.db") == "sqlite:///.crossdock/state.db"


async def test_an_unwritable_sqlite_path_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises((StateStoreError, OSError)):
        await open_store(f"sqlite:///{blocker / 'state.db'}")


async def test_a_sqlite_store_creates_its_folder(tmp_path) -> None:  # type: ignore[no-untyped-def]
    async with await open_store(f"sqlite:///{tmp_path / 'nested' / 'dir' / 'state.db'}") as store:
        assert await store.schema_version() > 0
    assert (tmp_path / "nested" / "dir" / "state.db").exists()


async def test_an_open_postgres_store_shows_its_url_masked(caplog: pytest.LogCaptureFixture) -> None:
    dsn = postgres_dsn_or_skip()
    parts = urlsplit(dsn)
    user = parts.username or "postgres"
    with_password = urlunsplit(parts._replace(netloc=f"{user}:{PASSWORD}@{parts.netloc.rpartition('@')[2]}"))
    caplog.set_level(logging.DEBUG)
    try:
        store = await open_store(with_password)
    except StateStoreError as exc:  # the server insists on its own password: nothing more to see here
        assert PASSWORD not in _everything_shown(exc)
        pytest.skip("the test server checks passwords; the masking of an open store cannot be shown")
    async with store:
        assert PASSWORD not in repr(store) and PASSWORD not in store.url
        assert ":***@" in store.url
    assert PASSWORD not in caplog.text
