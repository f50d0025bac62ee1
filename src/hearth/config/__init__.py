"""Reading a worker project's configuration: wrangler.toml / wrangler.json / wrangler.jsonc,
its `[env.*]` environments, `.dev.vars` and the pyproject.toml dependencies.

The rules are wrangler's: an environment inherits main, compatibility date/flags, routes,
triggers, limits, workers_dev, preview_urls and migrations, and never vars or bindings. Where
Hearth differs it says so: `[env.x]` is environment x of the same service unless
`legacy_env = true` (then a worker `<name>-x`); unknown keys and wrangler features Hearth
lacks are warnings (`WorkerConfig.warnings`), not errors. Every error is a ConfigError naming
file, line and key.
"""

from . import fields
from ._bindings import BindingReader, BindingSchema, DeclaredBinding, Lookup
from ._bundle import collect_bundle
from ._dependencies import missing_dependencies
from ._dotenv import parse_dotenv
from ._errors import ConfigError
from ._load import find_config, list_environments, load_config
from ._locate import KeyPath
from ._model import Route, WorkerConfig
from ._source import Source

__all__ = [
    "BindingReader",
    "BindingSchema",
    "ConfigError",
    "DeclaredBinding",
    "KeyPath",
    "Lookup",
    "Route",
    "Source",
    "WorkerConfig",
    "fields",
    "collect_bundle",
    "find_config",
    "list_environments",
    "load_config",
    "missing_dependencies",
    "parse_dotenv",
]
