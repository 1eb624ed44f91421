"""Authentication: TBA signatures as RFC 5849 and NetSuite define them, and OAuth 2.0 refresh tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import httpx
import pytest
from authlib.oauth1.rfc5849.signature import construct_base_string
from netsuite_support import BASE_URL, control, read_stream
from oauthlib.common import Request as OAuthlibRequest
from oauthlib.oauth1.rfc5849.signature import collect_parameters, verify_hmac_sha256

from crossdock.connectors.netsuite import TokenBasedAuth
from crossdock.connectors.netsuite._sandbox_credentials import SANDBOX_OAUTH2, SANDBOX_TBA
from crossdock.core.errors import FatalError

CONSUMER_KEY = "ef4a2d7c0f3b4c1e9a8d6b5c4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f"
CONSUMER_SECRET = "1f2e3d4c5b6a79880f1e2d3c4b5a69788f7e6d5c4b3a2918f7e6d5c4b3a29180"
TOKEN_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"
TOKEN_SECRET = "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0"
SUITEQL = "/services/rest/query/v1/suiteql"


def _params(header: str) -> dict[str, str]:
    scheme, _, rest = header.partition(" ")
    assert scheme == "OAuth"
    pairs = [part.strip().split("=", 1) for part in rest.split(",")]
    return {name: unquote(value.strip('"')) for name, value in pairs}


def _rfc5849_signature(method: str, url: str, oauth: dict[str, str], consumer_secret: str, token_secret: str) -> str:
    """RFC 5849 §3.4 written out in the test, sharing no code with the connector or the sandbox."""

    def enc(text: str) -> str:
        return quote(text, safe="-._~")

    parts = urlsplit(url)
    base_uri = f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path}"
    params = parse_qsl(parts.query, keep_blank_values=True) + [
        (k, v) for k, v in oauth.items() if k not in ("oauth_signature", "realm")
    ]
    normalized = "&".join(f"{k}={v}" for k, v in sorted((enc(k), enc(v)) for k, v in params))
    base_string = f"{enc(method)}&{enc(base_uri)}&{enc(normalized)}"
    key = f"{enc(consumer_secret)}&{enc(token_secret)}".encode()
    return base64.b64encode(hmac.new(key, base_string.encode(), hashlib.sha256).digest()).decode()


def test_tba_signature_matches_independent_oauthlib_computation() -> None:
    auth = TokenBasedAuth(
        realm="1234567_SB1",
        consumer_key=CONSUMER_KEY,
        consumer_secret=CONSUMER_SECRET,
        token_id=TOKEN_ID,
        token_secret=TOKEN_SECRET,
        nonce=lambda: "kDq9Vx2ZLmPjR7aT",
        timestamp=lambda: "1748750400",
    )
    url = "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/query/v1/suiteql?limit=5&offset=10"

    header = auth.authorization("POST", url)
    oauth = _params(header)

    assert oauth["realm"] == "1234567_SB1"
    assert oauth["oauth_signature_method"] == "HMAC-SHA256"
    assert oauth["oauth_version"] == "1.0"
    assert oauth["oauth_consumer_key"] == CONSUMER_KEY and oauth["oauth_token"] == TOKEN_ID
    assert (oauth["oauth_nonce"], oauth["oauth_timestamp"]) == ("kDq9Vx2ZLmPjR7aT", "1748750400")
    assert "oauth_body_hash" not in oauth

    # 1. RFC 5849 by hand.
    assert oauth["oauth_signature"] == _rfc5849_signature("POST", url, oauth, CONSUMER_SECRET, TOKEN_SECRET)
    # 2. oauthlib's server side: parameters collected from the header and query, signature verified
    #    (a different code path from the client that signed).
    request = OAuthlibRequest(url, http_method="POST", headers={"Authorization": header})
    request.params = collect_parameters(uri_query=urlsplit(url).query, headers={"Authorization": header}, with_realm=False)
    request.signature = oauth["oauth_signature"]
    assert verify_hmac_sha256(request, CONSUMER_SECRET, TOKEN_SECRET)
    # 3. authlib's base string (what the `netsuite` client library signs) keyed the same way.
    params = [(k, v) for k, v in oauth.items() if k not in ("oauth_signature", "realm")] + parse_qsl(urlsplit(url).query)
    base_string = construct_base_string("POST", url, params)
    key = f"{CONSUMER_SECRET}&{TOKEN_SECRET}".encode()
    assert base64.b64encode(hmac.new(key, base_string.encode(), hashlib.sha256).digest()).decode() == oauth["oauth_signature"]

    # The query is covered: another page of the same query is another signature.
    other = _params(auth.authorization("POST", url.replace("offset=10", "offset=15")))
    assert other["oauth_signature"] != oauth["oauth_signature"]


async def test_sandbox_rejects_bad_signature_and_replayed_nonce(make_sandbox: Any) -> None:
    app = make_sandbox(seed=2)
    query = {"json": {"q": "SELECT l.id AS id FROM location l"}, "headers": {"Prefer": "transient"}, "params": {"limit": 1}}

    def tba(**changes: Any) -> TokenBasedAuth:
        settings = {"realm": "1234567_SB1", **SANDBOX_TBA, **changes}
        return TokenBasedAuth(**settings)

    async def post(auth: httpx.Auth, **extra: Any) -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL, auth=auth) as client:
            return await client.post(SUITEQL, **{**query, **extra})

    fixed_nonce = tba(nonce=lambda: "once-only-nonce-4711")
    genuine = await post(fixed_nonce)
    replayed = await post(fixed_nonce)
    wrong_secret = await post(tba(token_secret="0" * 64))
    stale = await post(tba(timestamp=lambda: str(int(time.time()) - 3600)))
    wrong_realm = await post(tba(realm="7654321"))

    # A signature made for one page and sent with another: the query string is signed too.
    signer = tba()
    header = signer.authorization("POST", f"{BASE_URL}{SUITEQL}?limit=1")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as client:
        tampered = await client.post(SUITEQL, json=query["json"], headers={"Prefer": "transient", "Authorization": header}, params={"limit": 2})

    assert genuine.status_code == 200, genuine.text
    for refused in (replayed, wrong_secret, stale, wrong_realm, tampered):
        assert refused.status_code == 401
        body = refused.json()
        assert body["status"] == 401 and body["title"] == "Unauthorized"
        assert body["o:errorDetails"][0]["o:errorCode"] == "INVALID_LOGIN"
    audit = await control(app, "GET", "/_sandbox/login-audit")
    assert [entry["detail"] or entry["status"] for entry in audit] == [
        "Success", "InvalidNonce", "InvalidSignature", "InvalidTimestamp", "InvalidRealm", "InvalidSignature",
    ]


async def test_oauth2_refresh_token_grant_then_a_new_token_after_revocation(make_sandbox: Any, open_connector: Any) -> None:
    app = make_sandbox(seed=2, orders=4)
    auth = {"type": "oauth2", **SANDBOX_OAUTH2}

    async with open_connector(app, auth=auth) as connector:
        assert (await connector.check()).ok
        await control(app, "POST", "/_sandbox/oauth2/expire")
        pages = await read_stream(connector, "fulfilments")

    assert sum(len(page.records) for page in pages) > 0
    audit = await control(app, "GET", "/_sandbox/login-audit")
    token_calls = [entry for entry in audit if entry["method"] == "OAuth 2.0 token"]
    assert len(token_calls) == 2, "one token at first, one more after the revocation"
    assert any(entry["detail"] == "RevokedToken" for entry in audit)
    assert {entry["method"] for entry in audit} <= {"OAuth 2.0", "OAuth 2.0 token"}


async def test_a_refused_refresh_token_stops_the_job(make_sandbox: Any, open_connector: Any) -> None:
    app = make_sandbox(seed=2, orders=4)
    auth = {"type": "oauth2", **SANDBOX_OAUTH2, "refresh_token": "eyJraWQiOiJzYW5kYm94In0.revoked-long-ago"}

    async with open_connector(app, auth=auth) as connector:
        check = await connector.check()
        with pytest.raises(FatalError, match="refresh token"):
            await read_stream(connector, "stock")

    assert not check.ok and "invalid_grant" in check.message
