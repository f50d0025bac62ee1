"""Input rules shared by the operations. Every check raises `Invalid` before anything is written."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from ._errors import Invalid

NAME_RULE = "1–63 lower-case letters, digits and '-', not starting or ending with '-'"
_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_BINDING_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")
_TOKEN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}")
_FLAG = re.compile(r"[a-z0-9_]{1,100}")
_COMMIT = re.compile(r"[0-9a-f]{4,64}")

MESSAGE_MAX = 100
TAG_MAX = 25
VALUE_MAX_BYTES = 5 * 1024  # per var or secret, as on Cloudflare
SETTINGS_MAX = 128  # vars + secrets per version
VERSION_NUMBER_MAX = 2**31 - 1  # versions.number is a 32-bit integer on PostgreSQL
PAGE_MAX = 1_000_000  # beyond it the row offset overflows the databases' integers

VERSION_TRIGGERS = frozenset({"upload", "dashboard", "secret", "rollback", "promotion", "clone"})
# A deployment made by hand says "deployment"; one made as a side effect names its cause.
DEPLOYMENT_TRIGGERS = VERSION_TRIGGERS | {"deployment"}


def check_name(kind: str, value: object) -> str:
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise Invalid(f"invalid {kind} name {value!r}: use {NAME_RULE}", code="invalid_name")
    return value


def check_token_name(value: object) -> str:
    if not isinstance(value, str) or not _TOKEN_NAME.fullmatch(value):
        raise Invalid(
            f"invalid token name {value!r}: 1–64 letters, digits, ' ', '.', '_' or '-'",
            code="invalid_name",
        )
    return value


def check_text(field: str, value: object, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(f"{field} must be a string", code=f"invalid_{field}")
    if len(value) > limit:
        raise Invalid(f"{field} is longer than {limit} characters", code=f"invalid_{field}")
    # PostgreSQL cannot store NUL; other control characters have no place in a message
    # either. Tabs and line breaks are kept: a pasted commit message has them.
    bad = next((c for c in value if c < " " and c not in "\t\n\r"), None)
    if bad is not None:
        raise Invalid(f"{field} contains the control character {bad!r}", code=f"invalid_{field}")
    return value


def check_git_commit(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _COMMIT.fullmatch(value.lower()):
        raise Invalid(
            f"git commit {value!r} is not a hex commit id (4–64 hex digits)",
            code="invalid_git_commit",
        )
    return value.lower()


def check_trigger(value: object, allowed: frozenset[str]) -> str:
    if value not in allowed:
        raise Invalid(
            f"triggered_by must be one of {', '.join(sorted(allowed))}, not {value!r}",
            code="invalid_triggered_by",
        )
    return value


def check_compatibility(date_value: object, flags: object) -> tuple[str | None, list[str]]:
    if date_value is not None:
        try:
            if not isinstance(date_value, str) or len(date_value) != 10:
                raise ValueError
            date.fromisoformat(date_value)
        except ValueError:
            raise Invalid(
                f"compatibility_date {date_value!r} is not a date like 2025-09-01",
                code="invalid_compatibility_date",
            ) from None
    if not isinstance(flags, list | tuple) or not all(
        isinstance(f, str) and _FLAG.fullmatch(f) for f in flags
    ):
        raise Invalid(
            "compatibility_flags must be a list of names like 'python_workers'",
            code="invalid_compatibility_flags",
        )
    return date_value, list(dict.fromkeys(flags))


def check_binding_name(kind: str, name: object) -> str:
    if not isinstance(name, str) or not _BINDING_NAME.fullmatch(name):
        raise Invalid(
            f"invalid {kind} name {name!r}: a Python identifier of at most 100 characters",
            code="invalid_binding_name",
        )
    return name


def check_vars(value: object) -> dict[str, Any]:
    """Vars: name → str (a text var) or any other JSON value (a JSON var)."""
    if not isinstance(value, dict):
        raise Invalid("vars must be an object of name → value", code="invalid_vars")
    for name, item in value.items():
        check_binding_name("var", name)
        try:
            size = len(item.encode()) if isinstance(item, str) else len(_json(item).encode())
        except (TypeError, ValueError):
            raise Invalid(f"var {name!r} is not a JSON value", code="invalid_vars") from None
        if size > VALUE_MAX_BYTES:
            raise Invalid(f"var {name!r} is larger than 5 KB", code="invalid_vars")
    return dict(value)


def check_secret(name: object, value: object) -> None:
    check_binding_name("secret", name)
    if not isinstance(value, str):
        raise Invalid(f"secret {name!r} must be a string", code="invalid_secret")
    if len(value.encode()) > VALUE_MAX_BYTES:
        raise Invalid(f"secret {name!r} is larger than 5 KB", code="invalid_secret")


#: Binding type → the settings an uploaded binding of it must carry as non-empty strings.
BindingRules = Mapping[str, tuple[str, ...]]


def check_bindings(value: object, rules: BindingRules | None) -> list[dict[str, Any]]:
    """Binding specs: a list of objects with `type` and `name`; a type `rules` knows, with
    the settings it requires (None: any type, checked by loading the version)."""
    if not isinstance(value, list | tuple):
        raise Invalid("bindings must be a list of objects", code="invalid_bindings")
    result = []
    for i, spec in enumerate(value):
        if not isinstance(spec, dict):
            raise Invalid(f"binding #{i} is not an object", code="invalid_bindings")
        kind = spec.get("type")
        if not isinstance(kind, str) or not kind:  # before the look-up: a list is unhashable
            raise Invalid(f"binding #{i} needs a string type", code="invalid_bindings")
        if rules is not None and kind not in rules:
            raise Invalid(
                f"binding #{i} has type {kind!r}; known types: {', '.join(rules)}",
                code="invalid_bindings",
            )
        check_binding_name("binding", spec.get("name"))
        for key in () if rules is None else rules[kind]:
            if not isinstance(spec.get(key), str) or not spec[key]:
                raise Invalid(
                    f"{kind} binding {spec['name']!r} needs a string {key!r}",
                    code="invalid_bindings",
                )
        try:
            result.append(json.loads(_json(spec)))
        except (TypeError, ValueError):
            raise Invalid(
                f"binding {spec['name']!r} is not JSON", code="invalid_bindings"
            ) from None
    return result


def check_unique_names(vars: dict[str, Any], secrets: list[str], bindings: list[dict]) -> None:
    """Every var, secret and binding is one attribute of `env`: names must not collide."""
    seen: dict[str, str] = {}
    entries = [*((n, "var") for n in vars), *((n, "secret") for n in secrets)]
    entries += [(b["name"], "binding") for b in bindings]
    for name, kind in entries:
        if name in seen:
            raise Invalid(
                f"the name {name!r} is used by a {seen[name]} and a {kind}",
                code="duplicate_binding_name",
            )
        seen[name] = kind
    if len(vars) + len(secrets) > SETTINGS_MAX:
        raise Invalid(f"more than {SETTINGS_MAX} vars and secrets", code="too_many_settings")


def check_percentage(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise Invalid(f"percentage {value!r} is not a number", code="invalid_deployment")
    if not 0 <= value <= 100:
        raise Invalid(f"percentage {value} is not between 0 and 100", code="invalid_deployment")
    return float(value)


def check_paging(page: int, per_page: int) -> None:
    if not isinstance(page, int) or not 1 <= page <= PAGE_MAX:
        raise Invalid(f"page must be an integer from 1 to {PAGE_MAX}", code="invalid_page")
    if not isinstance(per_page, int) or not 1 <= per_page <= 100:
        raise Invalid("per_page must be an integer from 1 to 100", code="invalid_page")


def _json(value: Any) -> str:
    return json.dumps(value, allow_nan=False, sort_keys=True)
