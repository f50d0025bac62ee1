"""Reading a worker project: find its config file, resolve the selected environment and
turn the result into a WorkerConfig."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from . import fields as f
from ._bindings import BindingSchema, DeclaredBinding, check_unique_names, read_vars
from ._dependencies import read_dependencies
from ._dotenv import dev_vars_file, read_dev_vars
from ._environments import Scope, environments, resolve_name, select
from ._errors import ConfigError
from ._locate import KeyPath
from ._model import WorkerConfig
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


def load_config(
    path: Path, env: str | None = None, *, bindings: Sequence[BindingSchema] | None = None
) -> WorkerConfig:
    """The project's config for environment `env`. `bindings`: the binding types' wrangler
    schemas (`hearth.bindings.wrangler_schemas()`); without them the bindings are not read,
    which is all a command that needs the service's name and routes asks for."""
    file = find_config(path)
    src = Source.read(file)
    if file != path:
        others = [name for name in CONFIG_FILES if name != file.name and (path / name).is_file()]
        if others:
            src.warn((), f"also found {', '.join(others)}; using {file.name}")
    legacy_env = f.optional(src, src.data, "legacy_env", (), f.boolean) or False
    scope = select(src, env, bindings)
    name = resolve_name(src, scope, legacy_env)
    root = file.parent.resolve()

    flags = _get(src, scope, "compatibility_flags", f.string_list) or []
    main = _main(src, scope, root)
    compatibility_date = _get(src, scope, "compatibility_date", _compatibility_date)

    found_vars = scope.get("vars")
    vars_ = {} if found_vars is None else read_vars(src, *found_vars)
    names = [(var, (*found_vars[1], var)) for var in vars_] if found_vars else []
    declared: list[DeclaredBinding] = []
    for schema in bindings or ():
        for binding, name_path in schema.read(src, scope.get):
            declared.append(binding)
            names.append((binding.name, name_path))
    check_unique_names(src, names)
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
        bindings=declared,
        crons=_get(src, scope, "triggers", read_crons) or [],
        routes=read_routes(src, scope),
        workers_dev=_get(src, scope, "workers_dev", f.boolean),
        preview_urls=_get(src, scope, "preview_urls", f.boolean),
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
