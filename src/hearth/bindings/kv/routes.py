"""The KV binding's REST API (namespaces, keys, values, bulk), mounted by `hearth serve` under
`/api/v1`. Its own module so that loading the binding for a worker does not load FastAPI."""

from ._api import router

__all__ = ["router"]
