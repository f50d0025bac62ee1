"""`hearth serve`: the platform on one machine (store, control plane, runtime, edge, API)."""

from ._node import BOOTSTRAP_TOKEN_ENV, Bootstrap, Node, Settings
from ._serve import serve

__all__ = ["BOOTSTRAP_TOKEN_ENV", "Bootstrap", "Node", "Settings", "serve"]
