"""`[env.<name>]` blocks: which block each key of the selected environment comes from, and
what the environment's worker is called. The rules are wrangler's."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import fields as f
from ._bindings import BindingSchema
from ._locate import KeyPath
from ._source import Source

SERVICE_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")

# Keys an environment inherits from the top level unless it sets them itself (and those of
# the binding schemas that say so).
INHERITABLE = frozenset(
    {"main", "compatibility_date", "compatibility_flags", "workers_dev", "preview_urls"}
    | {"route", "routes", "triggers", "limits"}
)
# Keys that "must be specified for each environment": an environment without them has none.
# Every binding type's keys are of this kind too (`BindingSchema.keys`).
NON_INHERITABLE = frozenset({"vars"})
# Keys that only mean something once, for the whole file.
TOP_LEVEL_ONLY = frozenset({"name", "legacy_env", "env", "$schema", "keep_vars", "send_metrics"})
# wrangler keys about bundling JavaScript, accounts or the dev server: valid, and nothing for
# Hearth to do, so they pass without a word.
IGNORED = frozenset(
    {"account_id", "zone_id", "rules", "build", "no_bundle", "minify", "node_compat"}
    | {"find_additional_modules", "base_dir", "preserve_file_names", "upload_source_maps"}
    | {"tsconfig", "jsx_factory", "jsx_fragment", "first_party_worker", "logpush"}
    | {"observability", "placement", "usage_model", "dev", "python_modules", "keep_names"}
    | {"compliance_region", "alias", "define"}
)
# wrangler features Hearth does not provide: the worker still runs, without them.
UNSUPPORTED = frozenset(
    {"r2_buckets", "d1_databases", "queues", "vectorize", "hyperdrive", "ai", "browser"}
    | {"analytics_engine_datasets", "dispatch_namespaces", "mtls_certificates", "send_email"}
    | {"tail_consumers", "unsafe", "pipelines", "workflows", "containers", "cloudchamber"}
    | {"assets", "site", "images", "secrets_store_secrets", "ratelimits", "logfwdr"}
    | {"wasm_modules", "text_blobs", "data_blobs", "worker_loaders", "unsafe_hello_world"}
)
# `route` and `routes` are two spellings of one setting: an environment that sets either
# replaces both (wrangler inherits them separately, so an env `route` could be shadowed by
# a top-level `routes`; nobody means that).
_TOGETHER = {"route": ("route", "routes"), "routes": ("route", "routes")}


@dataclass(frozen=True, slots=True)
class Scope:
    """The selected environment: reads each key from the block it belongs to."""

    env: str | None
    top: dict[str, Any]
    block: dict[str, Any]
    block_path: KeyPath
    per_environment: frozenset[str] = NON_INHERITABLE

    def get(self, key: str) -> tuple[Any, KeyPath] | None:
        container, prefix = self._container(key)
        if key not in container:
            return None
        return container[key], (*prefix, key)

    def _container(self, key: str) -> tuple[dict[str, Any], KeyPath]:
        if self.env is None:
            return self.top, ()
        if key in self.per_environment:
            return self.block, self.block_path
        if any(k in self.block for k in _TOGETHER.get(key, (key,))):
            return self.block, self.block_path
        return self.top, ()


def environments(src: Source) -> dict[str, dict[str, Any]]:
    """The `[env.*]` blocks, in file order."""
    if "env" not in src.data:
        return {}
    blocks = f.table(src, src.data["env"], ("env",))
    return {name: f.table(src, block, ("env", name)) for name, block in blocks.items()}


def select(src: Source, env: str | None, bindings: Sequence[BindingSchema] | None) -> Scope:
    """The environment's scope. `bindings` are the binding types' schemas, whose keys are then
    known; None when bindings are not read (keys then go unchecked: a binding's key cannot be
    told from a typo without its schema)."""
    top = src.data
    per_environment = NON_INHERITABLE.union(*(schema.keys for schema in bindings or ()))
    if bindings is not None:
        known = INHERITABLE.union(per_environment, *(schema.inherited for schema in bindings))
        _warn_about_keys(src, top, (), known, top_level=True)
    if env is None:
        return Scope(None, top, top, (), per_environment)
    blocks = environments(src)
    if env not in blocks:
        # The server's environments are the truth (production, and any made with `hearth env
        # create`); a block only overrides the top level for its environment, so one without
        # a block is described by the top level, bindings included (wrangler's rule without
        # any blocks). Production is the top level's own environment: no word about it.
        _check_env_name(src, env, ("env", env))
        if env != "production":
            blocks_named = f" (blocks: {', '.join(blocks)})" if blocks else ""
            src.warn((), f"no [env.{env}] block{blocks_named}; using the top-level configuration")
        return Scope(env, top, top, (), per_environment)
    path: KeyPath = ("env", env)
    _check_env_name(src, env, path)
    block = blocks[env]
    if bindings is not None:
        _warn_about_keys(src, block, path, known, top_level=False)
    for key in sorted(per_environment):
        if key in top and key not in block:
            src.warn(
                path,
                f'"{key}" exists at the top level but not here; it is not inherited, '
                f'so this environment has none (add "{key}" to env.{env})',
            )
    if isinstance(top.get("vars"), dict) and isinstance(block.get("vars"), dict):
        for name in top["vars"]:
            if name not in block["vars"]:
                src.warn((*path, "vars"), f'"{name}" is set at the top level but not here')
    return Scope(env, top, block, path, per_environment)


def resolve_name(src: Source, scope: Scope, legacy_env: bool) -> str:
    """The service name; with `legacy_env`, an environment is its own service `<name>-<env>`."""
    if scope.env is not None and scope.block is not scope.top and "name" in scope.block:
        path: KeyPath = (*scope.block_path, "name")
        if not legacy_env:
            raise src.error(
                path,
                "an environment belongs to the service named at the top level and cannot "
                "rename it (set legacy_env = true to deploy environments as separate workers)",
            )
        return _check_name(src, scope.block["name"], path)
    if "name" not in scope.top:
        raise src.error(("name",), "required: the name of the service (a worker)")
    name = _check_name(src, scope.top["name"], ("name",))
    if scope.env is None or not legacy_env:
        return name
    derived = f"{name}-{scope.env}"
    if not SERVICE_NAME.match(derived):
        raise src.error(
            ("name",), f'"{derived}", the name of environment {scope.env}, is longer than 63'
        )
    return derived


def _check_name(src: Source, value: object, path: KeyPath) -> str:
    name = f.string(src, value, path)
    if not SERVICE_NAME.match(name):
        raise src.error(
            path,
            f"invalid service name {name!r}: use lowercase letters, digits and '-', "
            "at most 63 characters, not starting or ending with '-'",
        )
    return name


def _check_env_name(src: Source, env: str, path: KeyPath) -> None:
    # An environment name becomes a hostname label (<env>.<service>.<account>.<domain>).
    if not SERVICE_NAME.match(env):
        raise src.error(
            path,
            f"invalid environment name {env!r}: use lowercase letters, digits and '-', "
            "at most 63 characters, not starting or ending with '-'",
        )


def _warn_about_keys(
    src: Source, block: dict[str, Any], path: KeyPath, known: frozenset[str], *, top_level: bool
) -> None:
    usable = known | IGNORED | {"name"}
    for key in block:
        where = (*path, key)
        if key in UNSUPPORTED:
            src.warn(where, "not supported by Hearth, ignored")
        elif key in TOP_LEVEL_ONLY and not top_level and key != "name":
            src.warn(where, "only allowed at the top level, ignored")
        elif key not in usable and not (top_level and key in TOP_LEVEL_ONLY):
            src.warn(where, "unexpected field, ignored")
