"""The KV REST API (`/api/v1/kv/namespaces`) of a real node over HTTP, on both store backends:
namespaces, values as raw bytes, metadata, expiration, listing, bulk writes, Cloudflare's limits
and their messages, and the account and token boundaries."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import AsyncIterator

import pytest

from hearth.bindings.kv import MAX_VALUE_SIZE
from tests.bindings.kv.api_conftest import (
    KVApi,
    data_dir,
    database_url,
    kv_api,
    platform,
    postgres_url,
    serve_api,
)
from tests.bindings.services.conftest import deploy

__all__ = ["data_dir", "database_url", "kv_api", "platform", "postgres_url"]

ODD_KEY = "users/ü 1/a?b#c%20&d=ü.json"  # `/`, unicode, and characters a URL treats specially
BINARY = bytes(range(256)) * 4
LARGE = bytes(range(251)) * 3000  # more than a store chunk: kept as a blob, not inline


def error(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    return body["error"]


# -- namespaces -------------------------------------------------------------------------------


async def test_namespaces_are_created_listed_renamed_and_deleted(kv_api: KVApi) -> None:
    """A namespace is `{id, title, created_on}`; lists are pages by title; renaming keeps the
    id (what bindings name); deleting removes it and its keys."""
    api = kv_api
    created = await api.admin.post(api.namespaces, json={"title": "sessions"})
    assert created.status_code == 201
    namespace = created.json()
    assert set(namespace) == {"id", "title", "created_on"}
    assert len(namespace["id"]) == 32 and namespace["title"] == "sessions"
    ns = namespace["id"]
    await api.create("assets")
    await api.create("config")

    listed = (await api.admin.get(api.namespaces, params={"per_page": 2})).json()
    assert [n["title"] for n in listed["items"]] == ["assets", "config"]
    assert (listed["page"], listed["per_page"], listed["total"]) == (1, 2, 3)
    second = (await api.admin.get(api.namespaces, params={"per_page": 2, "page": 2})).json()
    assert [n["title"] for n in second["items"]] == ["sessions"]

    renamed = await api.admin.put(api.url(ns), json={"title": "logins"})
    assert renamed.status_code == 200
    assert renamed.json() == {**namespace, "title": "logins"}
    assert (await api.admin.get(api.url(ns))).json()["title"] == "logins"

    await api.admin.put(api.value(ns, "k"), content=b"v")
    assert (await api.admin.delete(api.url(ns))).status_code == 204
    gone = await api.admin.get(api.url(ns))
    assert gone.status_code == 404
    assert error(gone) == {
        "code": "namespace_not_found",
        "message": f"KV namespace '{ns}' not found",
    }
    assert (await api.admin.get(api.value(ns, "k"))).status_code == 404
    assert (await api.admin.get(api.namespaces)).json()["total"] == 2


async def test_titles_are_unique_in_the_account_and_not_empty(kv_api: KVApi) -> None:
    """A second namespace with a taken title is a 409 (also when renaming to it); an empty
    title or an unknown field is a 400 naming it."""
    api = kv_api
    await api.create("sessions")
    other = await api.create("cache")
    taken = await api.admin.post(api.namespaces, json={"title": "sessions"})
    assert taken.status_code == 409
    assert error(taken)["code"] == "namespace_title_taken"
    assert "'sessions'" in error(taken)["message"]
    assert (await api.admin.put(api.url(other), json={"title": "sessions"})).status_code == 409

    empty = await api.admin.post(api.namespaces, json={"title": "  "})
    assert empty.status_code == 400
    assert error(empty)["message"] == "A namespace title must be a non-empty string."
    typo = await api.admin.post(api.namespaces, json={"titel": "x"})
    assert typo.status_code == 400
    assert "titel: unknown field" in error(typo)["message"]
    # Another account may use the same title: titles are unique per account.
    assert (await api.outsider.post(api.namespaces, json={"title": "sessions"})).status_code == 201


# -- values -----------------------------------------------------------------------------------


async def test_values_are_raw_bytes_under_any_key(kv_api: KVApi) -> None:
    """Any bytes go in as the body and come back as `application/octet-stream`; keys may hold
    `/`, unicode and characters URLs treat specially, sent percent-encoded or with `/` as is."""
    api = kv_api
    ns = await api.create("files")
    put = await api.admin.put(api.value(ns, ODD_KEY), content=BINARY)
    assert put.status_code == 204
    got = await api.admin.get(api.value(ns, ODD_KEY))
    assert got.status_code == 200
    assert got.content == BINARY
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["content-length"] == str(len(BINARY))

    await api.admin.put(api.url(ns, "values", "a/b/c"), content=b"slashes as they are")
    assert (await api.admin.get(api.value(ns, "a/b/c"))).content == b"slashes as they are"
    await api.admin.put(api.value(ns, "empty"), content=b"")
    assert (await api.admin.get(api.value(ns, "empty"))).content == b""

    listed = await api.keys(ns)
    assert [k["name"] for k in listed["keys"]] == ["a/b/c", "empty", ODD_KEY]

    await api.admin.put(api.value(ns, ODD_KEY), content=b"replaced")
    assert (await api.admin.get(api.value(ns, ODD_KEY))).content == b"replaced"


async def test_a_missing_key_is_404_and_deleting_twice_succeeds(kv_api: KVApi) -> None:
    """Reading a key that is not there is a 404 naming it; deleting one succeeds either way,
    as on Cloudflare."""
    api = kv_api
    ns = await api.create("cache")
    missing = await api.admin.get(api.value(ns, "nope/ü"))
    assert missing.status_code == 404
    assert error(missing) == {"code": "key_not_found", "message": "key 'nope/ü' not found"}
    assert (await api.admin.get(api.metadata(ns, "nope"))).status_code == 404

    await api.admin.put(api.value(ns, ODD_KEY), content=b"x")
    assert (await api.admin.delete(api.value(ns, ODD_KEY))).status_code == 204
    assert (await api.admin.get(api.value(ns, ODD_KEY))).status_code == 404
    assert (await api.admin.delete(api.value(ns, ODD_KEY))).status_code == 204


async def test_a_large_value_streams_in_and_out(kv_api: KVApi) -> None:
    """A value of several store chunks, sent as a chunked body (no Content-Length), comes back
    byte for byte."""
    api = kv_api
    ns = await api.create("big")
    piece = bytes(range(251)) * 4000  # about 1 MB, not a multiple of the store's chunk

    async def body() -> AsyncIterator[bytes]:
        for _ in range(5):
            yield piece

    assert (await api.admin.put(api.value(ns, "big"), content=body())).status_code == 204
    got = await api.admin.get(api.value(ns, "big"))
    assert got.headers["content-length"] == str(5 * len(piece))
    assert got.content == piece * 5


# -- metadata and expiration ------------------------------------------------------------------


async def test_metadata_from_the_query_or_a_multipart_form(kv_api: KVApi) -> None:
    """Metadata is JSON in the `metadata` query parameter, or a form part next to a `value`
    part (Cloudflare's multipart upload); `/metadata/{key}` returns it, `null` when none."""
    api = kv_api
    ns = await api.create("meta")
    meta = {"owner": "ü", "tags": [1, 2], "nested": {"ok": True, "none": None}}
    await api.admin.put(
        api.value(ns, "q"), content=b"from query", params={"metadata": json.dumps(meta)}
    )
    assert (await api.admin.get(api.metadata(ns, "q"))).json() == meta

    form = await api.admin.put(
        api.value(ns, "f/1"),
        files={"value": ("blob.bin", BINARY), "metadata": (None, '{"kind": "file"}')},
    )
    assert form.status_code == 204, form.text
    assert (await api.admin.get(api.value(ns, "f/1"))).content == BINARY
    assert (await api.admin.get(api.metadata(ns, "f/1"))).json() == {"kind": "file"}

    field = await api.admin.put(api.value(ns, "f/2"), files={"value": (None, "plain ü field")})
    assert field.status_code == 204, field.text
    assert (await api.admin.get(api.value(ns, "f/2"))).text == "plain ü field"
    none = await api.admin.get(api.metadata(ns, "f/2"))
    assert none.status_code == 200 and none.json() is None

    listed = {k["name"]: k for k in (await api.keys(ns))["keys"]}
    assert listed["q"]["metadata"] == meta and listed["f/1"]["metadata"] == {"kind": "file"}
    assert "metadata" not in listed["f/2"]  # absent, not null, as in the binding's list()

    no_value = await api.admin.put(api.value(ns, "f/3"), files={"metadata": (None, "{}")})
    assert no_value.status_code == 400
    assert error(no_value)["message"] == "a multipart value needs a 'value' part"
    bad_json = await api.admin.put(api.value(ns, "q"), content=b"x", params={"metadata": "{no"})
    assert bad_json.status_code == 400
    assert error(bad_json)["message"].startswith("metadata: invalid JSON")
    assert (await api.admin.get(api.value(ns, "q"))).content == b"from query"  # untouched


async def test_expiration_ttl_and_expiration(
    kv_api: KVApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`expiration_ttl` (seconds from now) and `expiration` (epoch seconds) are listed as an
    absolute expiration; once it passes, the key is gone from reads and listings."""
    api = kv_api
    store = api.platform.node.kv
    ns = await api.create("ttl")
    before = int(time.time())
    await api.admin.put(api.value(ns, "ttl"), content=b"a", params={"expiration_ttl": 3600})
    at = before + 7200
    await api.admin.put(api.value(ns, "abs"), content=b"b", params={"expiration": at})
    await api.admin.put(api.value(ns, "forever"), content=b"c")
    listed = {k["name"]: k for k in (await api.keys(ns))["keys"]}
    assert before + 3600 <= listed["ttl"]["expiration"] <= int(time.time()) + 3600
    assert listed["abs"]["expiration"] == at
    assert "expiration" not in listed["forever"]

    later = time.time() + 3601
    monkeypatch.setattr(store, "now", lambda: later)  # the store's clock: an hour on
    assert (await api.admin.get(api.value(ns, "ttl"))).status_code == 404
    assert [k["name"] for k in (await api.keys(ns))["keys"]] == ["abs", "forever"]


# -- listing ----------------------------------------------------------------------------------


async def test_listing_pages_through_keys_with_prefix_limit_and_cursor(kv_api: KVApi) -> None:
    """Keys come in UTF-8 byte order; `limit` sizes a page; `cursor` continues (the prefix is
    sent again with it); the last page has `list_complete` and no cursor."""
    api = kv_api
    ns = await api.create("pages")
    names = [f"user/{i:02d}" for i in range(7)] + ["user/é", "users", "other"]
    pairs = [{"key": name, "value": name} for name in names]
    assert (await api.admin.put(api.url(ns, "bulk"), json=pairs)).status_code == 200

    seen, cursor, pages = [], None, 0
    while True:
        params = {"prefix": "user/", "limit": 3} | ({"cursor": cursor} if cursor else {})
        page = await api.keys(ns, **params)
        pages += 1
        seen += [k["name"] for k in page["keys"]]
        if page["list_complete"]:
            assert "cursor" not in page
            break
        cursor = page["cursor"]
        assert isinstance(cursor, str) and cursor
    assert seen == [f"user/{i:02d}" for i in range(7)] + ["user/é"]
    assert pages == 3
    everything = await api.keys(ns)
    assert [k["name"] for k in everything["keys"]] == sorted(names, key=str.encode)
    assert everything["list_complete"] is True


# -- bulk -------------------------------------------------------------------------------------


async def test_bulk_put_and_bulk_delete(kv_api: KVApi) -> None:
    """`PUT …/bulk` writes text or base64 values (small or large) with their metadata and
    expiration;
    `POST …/bulk/delete` deletes keys (missing ones are no error)."""
    api = kv_api
    ns = await api.create("bulk")
    pairs = [
        {"key": "text", "value": "héllo"},
        {"key": "bin/1", "value": base64.b64encode(BINARY).decode(), "base64": True},
        {"key": ODD_KEY, "value": "m", "metadata": {"v": 1}, "expiration_ttl": 600},
        {"key": "large", "value": base64.b64encode(LARGE).decode(), "base64": True},
    ]
    written = await api.admin.put(api.url(ns, "bulk"), json=pairs)
    assert written.status_code == 200, written.text
    assert written.json() == {"successful_key_count": 4, "unsuccessful_keys": []}
    assert (await api.admin.get(api.value(ns, "large"))).content == LARGE
    assert (await api.admin.get(api.value(ns, "text"))).text == "héllo"
    assert (await api.admin.get(api.value(ns, "bin/1"))).content == BINARY
    assert (await api.admin.get(api.metadata(ns, ODD_KEY))).json() == {"v": 1}
    listed = {k["name"]: k for k in (await api.keys(ns))["keys"]}
    assert listed[ODD_KEY]["expiration"] >= int(time.time()) + 590

    deleted = await api.admin.post(api.url(ns, "bulk", "delete"), json=["text", ODD_KEY, "nope"])
    assert deleted.status_code == 200
    assert deleted.json()["successful_key_count"] == 3
    assert [k["name"] for k in (await api.keys(ns))["keys"]] == ["bin/1", "large"]


@pytest.mark.parametrize(
    ("bad", "status", "message"),
    [
        ({"key": ""}, 400, "[1] key '': Key names must not be empty"),
        (
            {"key": ".."},
            400,
            "[1] key '..': Illegal key name \"..\". Please use a different name.",
        ),
        (
            {"key": "k" * 513},
            414,
            f"[1] key '{'k' * 80}…': UTF-8 encoded length of 513 exceeds key length limit of 512.",
        ),
        ({"value": "%%%", "base64": True}, 400, "[1] key 'bad': The value is not valid base64."),
        (
            {"expiration_ttl": 30},
            400,
            "[1] key 'bad': Invalid expiration_ttl of 30. Expiration TTL must be at least 60.",
        ),
        (
            {"metadata": {"x": "y" * 1100}},
            413,
            "[1] key 'bad': Metadata length of 1108 exceeds limit of 1024.",
        ),
    ],
    ids=["empty key", "dot-dot key", "long key", "bad base64", "short ttl", "big metadata"],
)
async def test_one_bad_pair_refuses_the_whole_batch(
    kv_api: KVApi, bad: dict, status: int, message: str
) -> None:
    """The batch is checked before anything is written: one bad pair is refused with its index,
    its key and Cloudflare's message, and the good pairs around it are not stored either."""
    api = kv_api
    ns = await api.create("atomic")
    pairs = [{"key": "good/1", "value": "1"}, {"key": "bad", "value": "x", **bad}]
    pairs.append({"key": "good/2", "value": "2"})
    refused = await api.admin.put(api.url(ns, "bulk"), json=pairs)
    assert refused.status_code == status
    assert error(refused)["message"] == message
    assert (await api.keys(ns))["keys"] == []


async def test_bulk_batches_have_a_size_limit_and_a_shape(kv_api: KVApi) -> None:
    """At most 10,000 pairs (or keys to delete), worded as Cloudflare's API; a malformed pair
    is a 400 naming its position and field; a bad key in a bulk delete deletes nothing."""
    api = kv_api
    ns = await api.create("limits")
    too_many = [{"key": f"k{i}", "value": ""} for i in range(10_001)]
    refused = await api.admin.put(api.url(ns, "bulk"), json=too_many)
    assert refused.status_code == 400
    assert error(refused)["message"] == (
        "received 10001 key/value pairs, but max allowed per request is: 10000"
    )
    keys = await api.admin.post(api.url(ns, "bulk", "delete"), json=["k"] * 10_001)
    assert error(keys)["message"] == "received 10001 keys, but max allowed per request is: 10000"

    shapeless = await api.admin.put(api.url(ns, "bulk"), json=[{"key": "a", "value": 5}])
    assert shapeless.status_code == 400
    assert error(shapeless)["message"].startswith("0.value:")
    not_json = await api.admin.put(api.url(ns, "bulk"), content=b"[{")
    assert not_json.status_code == 400
    assert error(not_json)["message"].startswith("body: invalid JSON")

    await api.admin.put(api.value(ns, "keep"), content=b"1")
    bad_delete = await api.admin.post(api.url(ns, "bulk", "delete"), json=["keep", ""])
    assert bad_delete.status_code == 400
    assert error(bad_delete)["message"] == "[1] key '': Key names must not be empty"
    assert (await api.admin.get(api.value(ns, "keep"))).content == b"1"


# -- limits -----------------------------------------------------------------------------------


async def test_limits_are_refused_with_cloudflares_messages(kv_api: KVApi) -> None:
    """Keys, values, metadata, expirations and list options are checked as Cloudflare's KV
    service checks them, with its statuses and messages; nothing is stored."""
    api = kv_api
    ns = await api.create("limits")

    async def refused(response, status: int, message: str) -> None:
        assert response.status_code == status, response.text
        assert error(response)["message"] == message

    await refused(
        await api.admin.put(api.value(ns, "é" * 257), content=b"x"),
        414,
        "UTF-8 encoded length of 514 exceeds key length limit of 512.",
    )
    await refused(
        await api.admin.put(api.url(ns, "values", "%2E"), content=b"x"),
        400,
        'Illegal key name ".". Please use a different name.',
    )
    await refused(
        await api.admin.put(api.value(ns, "k"), content=b"x", params={"expiration_ttl": 59}),
        400,
        "Invalid expiration_ttl of 59. Expiration TTL must be at least 60.",
    )
    await refused(
        await api.admin.put(api.value(ns, "k"), content=b"x", params={"expiration": 1000}),
        400,
        "Invalid expiration of 1000. Please specify integer greater than the current number "
        "of seconds since the UNIX epoch.",
    )
    await refused(
        await api.admin.put(
            api.value(ns, "k"), content=b"x", params={"metadata": json.dumps("m" * 1100)}
        ),
        413,
        "Metadata length of 1102 exceeds limit of 1024.",
    )
    await refused(
        await api.admin.get(api.url(ns, "keys"), params={"limit": 1001}),
        400,
        "Invalid key_count_limit of 1001. Please specify an integer less than 1000.",
    )
    await refused(
        await api.admin.get(api.url(ns, "keys"), params={"cursor": "%%%"}),
        400,
        "Invalid cursor",
    )
    assert (await api.keys(ns))["keys"] == []


async def test_a_value_over_25_mib_is_refused(kv_api: KVApi) -> None:
    """413 with Cloudflare's message naming the value's length: before reading when the body
    says its length, after reading it when it is chunked; nothing is stored either way."""
    api = kv_api
    ns = await api.create("huge")
    size = MAX_VALUE_SIZE + 1
    message = f"Value length of {size} exceeds limit of {MAX_VALUE_SIZE}."

    async def chunked() -> AsyncIterator[bytes]:
        block = b"\0" * (1024 * 1024)
        for _ in range(25):
            yield block
        yield b"\0"

    streamed = await api.admin.put(api.value(ns, "big"), content=chunked())
    assert streamed.status_code == 413
    assert error(streamed) == {"code": "too_large", "message": message}
    declared = await api.admin.put(api.value(ns, "big"), content=b"\0" * size)
    assert declared.status_code == 413
    assert error(declared)["message"] == message
    assert (await api.keys(ns))["keys"] == []


# -- accounts and tokens ----------------------------------------------------------------------


async def test_another_accounts_namespace_is_a_404_like_a_made_up_one(kv_api: KVApi) -> None:
    """Every operation on a namespace of another account answers exactly what it answers for
    an id that does not exist, and leaves the namespace alone."""
    api = kv_api
    ns = await api.create("private")
    await api.admin.put(api.value(ns, "secret"), content=b"s3cr3t")
    made_up = "0" * 32
    calls = [
        ("GET", "", None),
        ("PUT", "", {"json": {"title": "mine"}}),
        ("DELETE", "", None),
        ("GET", "/keys", None),
        ("GET", "/values/secret", None),
        ("GET", "/metadata/secret", None),
        ("PUT", "/values/secret", {"content": b"overwritten"}),
        ("DELETE", "/values/secret", None),
        ("PUT", "/bulk", {"json": [{"key": "secret", "value": "x"}]}),
        ("POST", "/bulk/delete", {"json": ["secret"]}),
    ]
    for method, path, kwargs in calls:
        theirs = await api.outsider.request(method, api.url(ns) + path, **(kwargs or {}))
        unknown = await api.outsider.request(method, api.url(made_up) + path, **(kwargs or {}))
        assert theirs.status_code == unknown.status_code == 404, (method, path)
        assert error(theirs)["message"] == error(unknown)["message"].replace(made_up, ns)
    assert (await api.outsider.get(api.namespaces)).json()["total"] == 0
    assert (await api.admin.get(api.value(ns, "secret"))).content == b"s3cr3t"
    assert (await api.admin.get(api.url(ns))).json()["title"] == "private"


async def test_a_read_token_reads_but_cannot_write(kv_api: KVApi) -> None:
    """A `read` token lists and reads; every write is a 403 `read_only_token`."""
    api = kv_api
    ns = await api.create("shared")
    await api.admin.put(api.value(ns, "k"), content=b"v", params={"metadata": "[1]"})
    assert (await api.reader.get(api.namespaces)).json()["total"] == 1
    assert (await api.reader.get(api.url(ns))).status_code == 200
    assert (await api.reader.get(api.value(ns, "k"))).content == b"v"
    assert (await api.reader.get(api.metadata(ns, "k"))).json() == [1]
    assert [k["name"] for k in (await api.reader.get(api.url(ns, "keys"))).json()["keys"]] == ["k"]
    writes = [
        ("POST", api.namespaces, {"json": {"title": "new"}}),
        ("PUT", api.url(ns), {"json": {"title": "renamed"}}),
        ("DELETE", api.url(ns), {}),
        ("PUT", api.value(ns, "k"), {"content": b"changed"}),
        ("DELETE", api.value(ns, "k"), {}),
        ("PUT", api.url(ns, "bulk"), {"json": [{"key": "k", "value": "x"}]}),
        ("POST", api.url(ns, "bulk", "delete"), {"json": ["k"]}),
    ]
    for method, url, kwargs in writes:
        refused = await api.reader.request(method, url, **kwargs)
        assert refused.status_code == 403, (method, url)
        assert error(refused)["code"] == "read_only_token"
    assert (await api.admin.get(api.value(ns, "k"))).content == b"v"
    assert (await api.admin.get(api.url(ns))).json()["title"] == "shared"


async def test_the_endpoints_are_in_the_openapi_document(kv_api: KVApi) -> None:
    """The API's OpenAPI document describes the KV endpoints (the CLI and dashboard use it)."""
    base = kv_api.namespaces.removesuffix("/kv/namespaces")
    paths = (await kv_api.admin.get(f"{base}/openapi.json")).json()["paths"]
    kv = {
        p.removeprefix("/api/v1/kv/namespaces"): set(ops) for p, ops in paths.items() if "/kv/" in p
    }
    assert kv == {
        "": {"get", "post"},
        "/{namespace_id}": {"get", "put", "delete"},
        "/{namespace_id}/keys": {"get"},
        "/{namespace_id}/values/{key}": {"get", "put", "delete"},
        "/{namespace_id}/metadata/{key}": {"get"},
        "/{namespace_id}/bulk": {"put"},
        "/{namespace_id}/bulk/delete": {"post"},
    }


async def test_without_a_node_the_kv_endpoints_say_so(kv_api: KVApi) -> None:
    """An API serving only the control plane (no running node) answers 503, not a crash."""
    api = kv_api
    async for base in serve_api(api.platform, node=None):
        answer = await api.admin.get(f"{base}/kv/namespaces")
        assert answer.status_code == 503
        assert error(answer)["code"] == "kv_unavailable"


# -- what workers see -------------------------------------------------------------------------

READER = """
import json
from workers import Response, WorkerEntrypoint

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        text = await self.env.KV.get("greeting/ü")
        meta = await self.env.KV.getWithMetadata("greeting/ü")
        raw = await self.env.KV.get("raw", "arrayBuffer")
        await self.env.KV.put("from/worker", "written by the worker", {"metadata": {"w": 1}})
        return Response(json.dumps(
            {"text": text, "metadata": meta.metadata, "raw": bytes(raw).hex()}
        ))
"""


async def test_a_worker_sees_what_the_api_wrote_and_the_api_what_it_wrote(kv_api: KVApi) -> None:
    """A value put over the API is what a worker's `env.KV.get` returns (text, binary,
    metadata), and what the worker puts is what the API reads."""
    api = kv_api
    ns = await api.create("shared-with-worker")
    await api.admin.put(
        api.value(ns, "greeting/ü"), content="hé".encode(), params={"metadata": '{"lang":"fr"}'}
    )
    await api.admin.put(api.value(ns, "raw"), content=BINARY)
    await deploy(
        api.platform, "reader", READER, bindings=[{"type": "kv", "name": "KV", "namespace_id": ns}]
    )
    answer = await api.platform.get(api.platform.host("reader"))
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"text": "hé", "metadata": {"lang": "fr"}, "raw": BINARY.hex()}
    assert (await api.admin.get(api.value(ns, "from/worker"))).text == "written by the worker"
    assert (await api.admin.get(api.metadata(ns, "from/worker"))).json() == {"w": 1}
