"""`hearth serve`: the platform on one machine (store, control plane, runtime, edge, API)."""

from ._logging import LOG_FORMATS, LogFormat
from ._node import (
    BOOTSTRAP_TOKEN_ENV,
    DATABASE_URL_ENV,
    Bootstrap,
    Node,
    Settings,
    bootstrap_token,
)
from ._serve import Tls, platform_api, serve

__all__ = [
    "BOOTSTRAP_TOKEN_ENV",
    "DATABASE_URL_ENV",
    "LOG_FORMATS",
    "Bootstrap",
    "LogFormat",
    "Node",
    "Settings",
    "Tls",
    "bootstrap_token",
    "platform_api",
    "serve",
]
