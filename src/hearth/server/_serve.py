"""Running a Node: the workers listener and the admin listener, side by side in one loop."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable

from ..edge._live import environment_hostname
from ..edge._server import make_server
from ._demo import deploy_demo
from ._logging import configure_logging
from ._node import Node, Settings

log = logging.getLogger("hearth.server")


def workers_url(settings: Settings) -> str:
    host, port = settings.listen
    return f"http://{settings.domain}:{port}"


async def serve(
    settings: Settings,
    *,
    demo: bool = False,
    announce: Callable[[str], None] = print,
    install_signal_handlers: bool = True,
) -> None:
    from ..api import create_api

    configure_logging()
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
    api = create_api(
        node.plane, domain=settings.domain, workers_url=workers_url(settings), node=node
    )
    workers = make_server(node.edge.app, *settings.listen)
    admin = make_server(api, *settings.admin_listen)
    servers = (workers, admin)
    if install_signal_handlers:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, lambda: [setattr(s, "should_exit", True) for s in servers])
    admin_host, admin_port = settings.admin_listen
    announce(f"hearth serve: workers on {settings.listen[0]}:{settings.listen[1]}")
    announce(f"  API: http://{admin_host}:{admin_port}/api/v1 (docs at /api/v1/docs)")
    for live in node.edge.environments.values():
        if not live.view.private:
            hostname = environment_hostname(live.view, settings.domain)
            announce(
                f"  {live.view.service}/{live.view.environment}: "
                f"http://{hostname}:{settings.listen[1]}/"
            )
    if bootstrap.token:
        announce(f"  account {bootstrap.account}, admin token (shown once): {bootstrap.token}")
    try:
        await asyncio.gather(workers.serve(), admin.serve())
    finally:
        await node.stop()
