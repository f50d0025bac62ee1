"""The tail stream's API route (WebSocket and Server-Sent Events), mounted by `hearth serve`
under `/api/v1`. Its own module so that a client of the tail does not load FastAPI."""

from ._api import router

__all__ = ["router"]
