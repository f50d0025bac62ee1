"""A small synchronous client of the REST API (`/api/v1`) that turns every failure into a
`CliError` with one clear line: the server's own message, or what went wrong on the way."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from ._errors import CliError
from ._settings import DEFAULT_URL, REFUSED, load_login

__all__ = ["Api", "connect", "seg"]

_PER_PAGE = 100


def seg(value: str) -> str:
    """One path segment: a name containing `/` (a KV key) must not split the path."""
    return quote(value, safe="")


class Api:
    def __init__(
        self, url: str, token: str, *, timeout: float = 60.0, refused: str = REFUSED
    ) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.refused = refused  # the line a 401 answers with: what to do about this token
        self.http = httpx.Client(
            base_url=f"{self.url}/api/v1",
            headers={"authorization": f"Bearer {token}", "user-agent": "hearth-cli"},
            timeout=timeout,
        )

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """`kwargs` as httpx's `build_request` takes them (params, json, content, files)."""
        return self.send(self.http.build_request(method, path, **kwargs))

    def send(self, request: httpx.Request) -> httpx.Response:
        """A request built by the caller too (an upload streamed with a progress bar)."""
        try:
            response = self.http.send(request)
        except httpx.ConnectError as error:
            raise CliError(f"cannot reach {self.url}: {_reason(error)}") from None
        except httpx.TimeoutException:
            raise CliError(f"{self.url} did not answer in time") from None
        except httpx.TransportError as error:
            raise CliError(f"cannot talk to {self.url}: {_reason(error)}") from None
        if response.status_code == 401:
            raise CliError(self.refused, status=401, code="unauthorized")
        if response.status_code >= 400:
            raise _failure(response, self.url)
        return response

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params=_params(params)).json()

    def post(self, path: str, body: Any = None, **params: Any) -> Any:
        return _json(self.request("POST", path, json=body, params=_params(params)))

    def put(self, path: str, body: Any = None, **params: Any) -> Any:
        return _json(self.request("PUT", path, json=body, params=_params(params)))

    def patch(self, path: str, body: Any = None, **params: Any) -> Any:
        return _json(self.request("PATCH", path, json=body, params=_params(params)))

    def delete(self, path: str, **params: Any) -> Any:
        return _json(self.request("DELETE", path, params=_params(params)))

    def exists(self, path: str) -> bool:
        try:
            self.request("GET", path)
        except CliError as error:
            if error.status == 404:
                return False
            raise
        return True

    def items(self, path: str, limit: int | None = None, **params: Any) -> list[dict[str, Any]]:
        """Every item of a paginated list (or the first `limit`)."""
        per_page = min(limit, _PER_PAGE) if limit else _PER_PAGE
        found: list[dict[str, Any]] = []
        page = 1
        while limit is None or len(found) < limit:
            body = self.get(path, page=page, per_page=per_page, **params)
            found += body["items"]
            if page * body["per_page"] >= body["total"] or not body["items"]:
                break
            page += 1
        return found[:limit] if limit else found


def connect() -> Api:
    login = load_login()
    return Api(login.url, login.token, refused=login.refused)


def _params(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v is not None}


def _json(response: httpx.Response) -> Any:
    return response.json() if response.content else None


def _reason(error: Exception) -> str:
    text = str(error) or type(error).__name__
    if "refused" in text.lower():
        return "connection refused"
    # "[Errno -2] Name or service not known" → the part a person reads.
    return text.split("] ", 1)[-1]


def _failure(response: httpx.Response, url: str) -> CliError:
    try:
        error = response.json().get("error", {})
    except (ValueError, AttributeError):
        error = {}
    message = error.get("message") if isinstance(error, dict) else None
    status = response.status_code
    if status == 404 and message is None:
        # Not the API's JSON error: most likely the workers listener (the edge's 404).
        return CliError(
            f"{url} has no Hearth API (404 for {response.url.path}): the API is on the admin "
            f"listener that hearth serve prints (by default {DEFAULT_URL})",
            status=status,
        )
    return CliError(
        message or f"{status} {response.reason_phrase} from {response.url}",
        detail=error.get("traceback") if isinstance(error, dict) else None,
        status=status,
        code=error.get("code") if isinstance(error, dict) else None,
    )
