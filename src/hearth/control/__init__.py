"""The control plane: accounts, services, environments, versions, deployments, promotion,
routes and the change-event bus. See `ControlPlane`."""

from ._accounts import MIN_TOKEN_LENGTH, SCOPES, Account, NewToken, Principal, Token
from ._context import Page
from ._deployments import Deployment, DeploymentVersion
from ._drafts import ValidateVersion, VersionDraft
from ._environments import Environment
from ._errors import Conflict, ControlError, Forbidden, Invalid, NotFound, Unauthorized
from ._events import (
    AccountChanged,
    AccountCreated,
    CustomDomainChanged,
    DeploymentChanged,
    EnvironmentCreated,
    EnvironmentDeleted,
    EnvironmentRenamed,
    Event,
    EventBus,
    PipelineChanged,
    RouteChanged,
    ServiceChanged,
    ServiceCreated,
    ServiceDeleted,
    TokenRevoked,
    TriggersChanged,
    VersionCreated,
    event_from_json,
    event_to_json,
)
from ._plane import ControlPlane, canonical_domain
from ._readmodel import (
    CustomDomainView,
    EnvironmentView,
    RouteView,
    RoutingSnapshot,
    VersionView,
    environment_runtime_view,
    snapshot_routing,
    version_runtime_view,
)
from ._routes import CustomDomain, Route
from ._services import PRODUCTION, PUBLIC, Service, Visibility
from ._triggers import CronTrigger, environment_crons, snapshot_triggers
from ._validation import PAGE_MAX, BindingRules
from ._versioning import Version

__all__ = [
    "MIN_TOKEN_LENGTH",
    "PAGE_MAX",
    "PRODUCTION",
    "PUBLIC",
    "SCOPES",
    "Account",
    "AccountChanged",
    "AccountCreated",
    "Conflict",
    "ControlError",
    "BindingRules",
    "ControlPlane",
    "CronTrigger",
    "CustomDomain",
    "CustomDomainChanged",
    "CustomDomainView",
    "Deployment",
    "DeploymentChanged",
    "DeploymentVersion",
    "Environment",
    "EnvironmentCreated",
    "EnvironmentDeleted",
    "EnvironmentRenamed",
    "EnvironmentView",
    "Event",
    "EventBus",
    "Forbidden",
    "Invalid",
    "NewToken",
    "NotFound",
    "Page",
    "PipelineChanged",
    "Principal",
    "Route",
    "RouteChanged",
    "RouteView",
    "RoutingSnapshot",
    "Service",
    "ServiceChanged",
    "ServiceCreated",
    "ServiceDeleted",
    "Token",
    "TokenRevoked",
    "TriggersChanged",
    "Unauthorized",
    "ValidateVersion",
    "Version",
    "VersionCreated",
    "VersionDraft",
    "VersionView",
    "Visibility",
    "canonical_domain",
    "environment_crons",
    "environment_runtime_view",
    "event_from_json",
    "event_to_json",
    "snapshot_routing",
    "snapshot_triggers",
    "version_runtime_view",
]
