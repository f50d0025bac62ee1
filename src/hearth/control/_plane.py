"""The control plane: one object holding every domain operation, used by API, CLI and
dashboard alike.

    plane = ControlPlane(store, EventBus(), validate_version=runtime_validator)
    principal = await plane.accounts.authenticate(token)
    await plane.services.create(principal, "api")
    version = await plane.versions.upload(principal, "api", "production", files=..., ...)
    await plane.deployments.create(principal, "api", "production", {version.id: 100})

Every operation of a principal sees only its account's rows: another account's service is
not found (404), never forbidden. A `read` token can read everything in its account and change
nothing (403).
"""

from __future__ import annotations

from ..store import Store
from ._accounts import Accounts
from ._context import Context
from ._deployments import Deployments
from ._drafts import ValidateVersion
from ._environments import Environments
from ._events import EventBus
from ._promotion import Promotion
from ._routes import Routes
from ._services import Services
from ._settings import Secrets, Settings
from ._triggers import Triggers
from ._validation import BindingRules
from ._versions import Versions

__all__ = ["ControlPlane", "canonical_domain"]


def canonical_domain(domain: str) -> str:
    """The platform domain as hostnames are compared everywhere (lower-case, IDNA, no
    trailing dot): `Hearth.Test.` → `hearth.test`. Raises `ValueError` saying what is wrong."""
    # Imported here: the edge imports the runtime, which the control plane does not need.
    from ..patterns import canonical_hostname

    try:
        return canonical_hostname(domain)
    except ValueError as error:
        raise ValueError(f"platform domain {domain!r}: {error}") from None


class ControlPlane:
    def __init__(
        self,
        store: Store,
        bus: EventBus | None = None,
        *,
        validate_version: ValidateVersion | None = None,
        domain: str | None = None,
        binding_rules: BindingRules | None = None,
    ) -> None:
        """`validate_version` loads each new version before it is written (the runtime's
        check; None accepts any code and records no startup time). `domain` is the platform
        domain whose hostnames routes and custom domains may not claim. `binding_rules` are
        the binding types a version may list, with their required settings
        (`hearth.bindings.binding_rules()`: the control plane names no binding type; None
        accepts any type, leaving it to `validate_version`)."""
        self.store = store
        self.bus = bus if bus is not None else EventBus()
        ctx = Context(
            store,
            self.bus,
            validate_version,
            canonical_domain(domain) if domain else None,
            binding_rules,
        )
        self.accounts = Accounts(ctx)
        self.services = Services(ctx)
        self.environments = Environments(ctx)
        self.versions = Versions(ctx)
        self.secrets = Secrets(ctx)
        self.settings = Settings(ctx)
        self.deployments = Deployments(ctx)
        self.promotion = Promotion(ctx)
        self.routes = Routes(ctx)
        self.triggers = Triggers(ctx)
