"""Reading a worker project: find its config file, resolve the selected environment and
turn the result into a WorkerConfig."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from . import _fields as f
from ._bindings import (
    check_durable_object_classes,
    check_unique_names,
    read_durable_objects,
    read_kv_namespaces,
    read_migrations,
    read_services,
    read_vars,
    read_version_metadata,
)
from ._dependencies import read_dependencies
from ._dotenv import dev_vars_file, read_dev_vars
from ._environments import Scope, environments, resolve_name, select
from ._errors import ConfigError
from ._locate import KeyPath
from ._model import (
    DurableObjectBinding,
    KVNamespaceBinding,
    ServiceBinding,
    WorkerConfig,
)
from ._source import Source
from ._triggers import read_crons, read_routes

CONFIG_FILES = ("wrangler.toml", "wrangler.json", "wrangler.jsonc")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LIMITS = ("cpu_ms", "subrequests")


def find_config(path: Path) -> Path:
    """A project directory → its config file; a file → itself."""
    if not path.exists():
        raise ConfigError(path, "no such file or directory")
    if not path.is_dir():
        return path
    for name in CONFIG_FILES:
        if (path / name).is_file():
            return path / name
    raise ConfigError(
        path,
        f"no {', '.join(CONFIG_FILES[:-1])} or {CONFIG_FILES[-1]} in {path.resolve()} "
        "(hearth init NAME makes a project)",
    )


def list_environments(path: Path) -> list[str]:
    """The names of the `[env.*]` blocks, in file order."""
    return list(environments(Source.read(find_config(path))))


def load_config(path: Path, env: str | None = None) -> WorkerConfig:
    file = find_config(path)
    src = Source.read(file)
    if file != path:
        others = [name for name in CONFIG_FILES if name != file.name and (path / name).is_file()]
        if others:
            src.warn((), f"also found {', '.join(others)}; using {file.name}")
    legacy_env = f.optional(src, src.data, "legacy_env", (), f.boolean) or False
    scope = select(src, env)
    name = resolve_name(src, scope, legacy_env)
    root = file.parent.resolve()

    flags = _get(src, scope, "compatibility_flags", f.string_list) or []
    main = _main(src, scope, root)
    compatibility_date = _get(src, scope, "compatibility_date", _compatibility_date)

    vars_ = _get(src, scope, "vars", read_vars) or {}
    kv_namespaces = _get(src, scope, "kv_namespaces", read_kv_namespaces) or []
    services = _get(src, scope, "services", read_services) or []
    durable_objects = _get(src, scope, "durable_objects", read_durable_objects) or []
    version_metadata = _get(src, scope, "version_metadata", read_version_metadata)
    migrations = _get(src, scope, "migrations", read_migrations) or []
    check_unique_names(
        src,
        _binding_names(scope, vars_, kv_namespaces, services, durable_objects, version_metadata),
    )
    check_durable_object_classes(
        src,
        [
            (binding, _path_of(scope, "durable_objects", "bindings", i))
            for i, binding in enumerate(durable_objects)
        ],
        migrations,
    )
    if compatibility_date is None:
        src.warn((), "no compatibility_date: set one to pin the runtime behaviour the code expects")

    warnings = src.warnings
    secrets_file = dev_vars_file(root, scope.env)
    secrets = read_dev_vars(secrets_file, warnings) if secrets_file else {}
    dependencies = read_dependencies(root, warnings)

    return WorkerConfig(
        name=name,
        config_path=file.resolve(),
        root=root,
        main=main,
        compatibility_date=compatibility_date,
        compatibility_flags=flags,
        vars=vars_,
        secrets=secrets,
        kv_namespaces=kv_namespaces,
        services=services,
        durable_objects=durable_objects,
        migrations=migrations,
        crons=_get(src, scope, "triggers", read_crons) or [],
        routes=read_routes(src, scope),
        workers_dev=_get(src, scope, "workers_dev", f.boolean),
        preview_urls=_get(src, scope, "preview_urls", f.boolean),
        version_metadata=version_metadata,
        dependencies=dependencies,
        legacy_env=legacy_env,
        env=scope.env,
        environments=list(environments(src)),
        limits=_get(src, scope, "limits", _limits) or {},
        warnings=warnings,
    )


def _get(src: Source, scope: Scope, key: str, read: f.Reader[f.T]) -> f.T | None:
    found = scope.get(key)
    return None if found is None else read(src, *found)


def _path_of(scope: Scope, key: str, *rest: str | int) -> KeyPath:
    found = scope.get(key)
    return (*(found[1] if found else (key,)), *rest)


def _main(src: Source, scope: Scope, root: Path) -> Path:
    found = scope.get("main")
    if found is None:
        raise src.error(("main",), "required: the Python module with the handlers")
    value, path = found
    main = (root / f.non_empty_string(src, value, path)).resolve()
    if main.suffix != ".py":
        raise src.error(path, f"{value!r} is not a Python module (.py)")
    if not main.is_file():
        raise src.error(path, f"{value!r} not found (looked for {main})")
    return main


def _compatibility_date(src: Source, value: object, path: KeyPath) -> str:
    # An unquoted TOML date is a date, not a string; it can only mean the same thing.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    text = f.string(src, value, path)
    try:
        if _DATE.match(text):
            date.fromisoformat(text)
            return text
    except ValueError:
        pass
    raise src.error(path, f"expected a date as YYYY-MM-DD, got {text!r}")


def _limits(src: Source, value: object, path: KeyPath) -> dict[str, int]:
    limits = f.table(src, value, path)
    f.warn_unknown(src, limits, path, _LIMITS)
    return {key: f.positive_int(src, limits[key], (*path, key)) for key in _LIMITS if key in limits}


def _binding_names(
    scope: Scope,
    vars_: dict[str, Any],
    kv_namespaces: list[KVNamespaceBinding],
    services: list[ServiceBinding],
    durable_objects: list[DurableObjectBinding],
    version_metadata: str | None,
) -> list[tuple[str, KeyPath]]:
    """Every name the bindings put on `env`, with the key that defines it."""
    names = [(name, _path_of(scope, "vars", name)) for name in vars_]
    names += [
        (b.binding, _path_of(scope, "kv_namespaces", i, "binding"))
        for i, b in enumerate(kv_namespaces)
    ]
    names += [
        (b.binding, _path_of(scope, "services", i, "binding")) for i, b in enumerate(services)
    ]
    names += [
        (b.name, _path_of(scope, "durable_objects", "bindings", i, "name"))
        for i, b in enumerate(durable_objects)
    ]
    if version_metadata is not None:
        names.append((version_metadata, _path_of(scope, "version_metadata", "binding")))
    return names
