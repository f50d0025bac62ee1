"""The runtime: loads versions into their own module namespaces and invokes their handlers."""

from ._classes import DurableObject, WorkerEntrypoint, handler
from ._context import (
    MAX_LOG_BYTES,
    VERSION_KEY_HEADER,
    VERSION_OVERRIDE_HEADER,
    ExecutionContext,
    current_invocation,
    wait_until,
)
from ._entrypoints import EntrypointError
from ._env import Env
from ._events import DurableObjectEvent, EntrypointFetchEvent, Event, RpcEvent, ScheduledEvent
from ._load_errors import LoadError, user_traceback
from ._runtime import (
    HandlerNotDefined,
    InProcessRuntime,
    LoadedVersion,
    Runtime,
    VersionNotLoaded,
)
from ._spec import BindingSpec, VersionSpec
from ._trace import TraceBus, TraceEvent

__all__ = [
    "MAX_LOG_BYTES",
    "VERSION_KEY_HEADER",
    "VERSION_OVERRIDE_HEADER",
    "BindingSpec",
    "DurableObject",
    "DurableObjectEvent",
    "EntrypointError",
    "EntrypointFetchEvent",
    "Env",
    "Event",
    "ExecutionContext",
    "HandlerNotDefined",
    "InProcessRuntime",
    "LoadError",
    "LoadedVersion",
    "RpcEvent",
    "Runtime",
    "ScheduledEvent",
    "TraceBus",
    "TraceEvent",
    "VersionNotLoaded",
    "VersionSpec",
    "WorkerEntrypoint",
    "current_invocation",
    "handler",
    "user_traceback",
    "wait_until",
]
