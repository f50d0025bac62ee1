"""Running a Node: the workers listener and the admin listener, side by side in one loop."""

from __future__ import annotations

import asyncio
import functools
import logging
import signal
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..edge import environment_hostname, https_redirect, make_server
from ._demo import deploy_demo
from ._logging import LogFormat, configure_logging
from ._node import Node, Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

    from ..control import ControlPlane

log = logging.getLogger("hearth.server")


@dataclass(frozen=True, slots=True)
class Tls:
    """HTTPS on the workers listener with one (typically wildcard) certificate; with
    `redirect_port`, plain HTTP on that port answers 308 to the same URL over HTTPS."""

    cert: Path
    key: Path
    redirect_port: int | None = None

    def check(self) -> None:
        """Raise ValueError naming the problem when the pair cannot serve HTTPS."""
        try:
            ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(self.cert, self.key)
        except (OSError, ssl.SSLError) as error:
            raise ValueError(
                f"--tls-cert {self.cert} / --tls-key {self.key}: cannot be used ({error})"
            ) from None


def workers_url(settings: Settings, tls: Tls | None = None) -> str:
    host, port = settings.listen
    scheme = "https" if tls else "http"
    default = 443 if tls else 80
    return f"{scheme}://{settings.domain}" + ("" if port == default else f":{port}")


async def serve(
    settings: Settings,
    *,
    demo: bool = False,
    announce: Callable[[str], None] = print,
    install_signal_handlers: bool = True,
    tls: Tls | None = None,
    public_url: str | None = None,
    log_format: LogFormat = "auto",
) -> None:
    """`public_url` (e.g. `https://example.com` behind a TLS proxy) is the scheme and port
    of the environment and version URLs the API shows; by default the workers listener's."""
    if tls is not None:
        tls.check()  # before anything starts: a bad pair is a clear error, not a traceback
    configure_logging(log_format)
    node = Node(settings)
    bootstrap = await node.start()
    log.info(
        "started",
        extra={
            "listen": settings.listen,
            "admin_listen": settings.admin_listen,
            "environments": len(node.edge.environments) if node.edge else 0,
        },
    )
    assert node.plane is not None and node.edge is not None
    if demo and await deploy_demo(node.plane, settings.account):
        announce("deployed the demo service (production and staging)")
    api = platform_api(
        node.plane,
        domain=settings.domain,
        workers_url=public_url or workers_url(settings, tls),
        node=node,
    )
    ssl_options: dict[str, Any] = (
        {"ssl_certfile": str(tls.cert), "ssl_keyfile": str(tls.key)} if tls else {}
    )
    # Workers do not take WebSocket upgrades yet: without `ws="none"` uvicorn would answer
    # them with a 500 instead of handing them to the worker as plain requests.
    limited_server = functools.partial(
        make_server,
        max_header_bytes=settings.max_header_bytes,
        header_timeout=settings.header_timeout,
    )
    workers = limited_server(node.edge.app, *settings.listen, ws="none", **ssl_options)
    # An open SSE tail would otherwise hold the shutdown for as long as its client stays.
    # Tail messages are small JSON events sent on the workers' own core: compressing each one
    # (permessage-deflate, uvicorn's default) cost more than the request it described.
    admin = limited_server(
        api, *settings.admin_listen, timeout_graceful_shutdown=2, ws_per_message_deflate=False
    )
    servers = [workers, admin]
    if tls is not None and tls.redirect_port is not None:
        redirect = https_redirect(settings.listen[1])
        servers.append(make_server(redirect, settings.listen[0], tls.redirect_port))
    if install_signal_handlers:
        loop = asyncio.get_running_loop()

        def stop() -> None:
            for server in servers:
                server.should_exit = True

        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop)
    admin_host, admin_port = settings.admin_listen
    scheme = "https" if tls else "http"
    announce(f"hearth serve: workers on {scheme}://{settings.listen[0]}:{settings.listen[1]}")
    if tls is not None and tls.redirect_port is not None:
        announce(f"  HTTP on port {tls.redirect_port} redirects to HTTPS")
    announce(f"  API: http://{admin_host}:{admin_port}/api/v1 (docs at /api/v1/docs)")
    for live in node.edge.environments.values():
        if live.view.workers_dev and not live.view.private:
            hostname = environment_hostname(live.view, settings.domain)
            announce(
                f"  {live.view.service}/{live.view.environment}: "
                f"{scheme}://{hostname}:{settings.listen[1]}/"
            )
    if bootstrap.token:
        _announce_token(announce, bootstrap.account, bootstrap.token, admin_host, admin_port)
    try:
        await asyncio.gather(*(server.serve() for server in servers))
    finally:
        await node.stop()


def _announce_token(
    announce: Callable[[str], None], account: str, token: str, host: str, port: int
) -> None:
    """Apart from the logs (stdout, they go to stderr), with what to do with it: it is shown
    once, as only its hash is stored."""
    announce("")
    announce(f"  admin token of account {account} (shown once; keep it):")
    announce(f"    {token}")
    url = "" if (host, port) == ("127.0.0.1", 8788) else f" --url http://{host}:{port}"
    announce(f"  sign in with: hearth login{url} --token {token}")
    announce("  lost it? restart with `hearth serve --new-admin-token` for another")
    announce("")


def platform_api(
    plane: ControlPlane, *, domain: str, workers_url: str, node: Any = None
) -> FastAPI:
    """The admin API with every router of the platform: the control plane's, the KV
    binding's and the tail's. FastAPI is imported here, not at the top: `hearth` commands
    that do not serve do not load it."""
    from ..api import create_api
    from ..bindings.kv import routes as kv_routes
    from ..tail import routes as tail_routes

    routers = (kv_routes.router, tail_routes.router)
    return create_api(plane, domain=domain, workers_url=workers_url, node=node, routers=routers)
