"""From a wrangler config's `durable_objects.bindings` and `migrations` to a binding spec's
settings (what `hearth dev` builds, and what an upload sends)."""

from __future__ import annotations

from typing import Any


def binding_settings(binding: Any, migrations: list[Any]) -> dict[str, Any]:
    """Settings of a `durable_object` binding from a `DurableObjectBinding` of the config; a
    binding to the worker's own class carries the worker's migrations, checked at load."""
    settings: dict[str, Any] = {"class_name": binding.class_name}
    if binding.script_name:
        settings["script_name"] = binding.script_name
        if binding.environment:
            settings["environment"] = binding.environment
    else:
        settings["migrations"] = [
            {
                "tag": m.tag,
                "new_classes": list(m.new_classes),
                "new_sqlite_classes": list(m.new_sqlite_classes),
                "renamed_classes": [{"from": old, "to": new} for old, new in m.renamed_classes],
                "deleted_classes": list(m.deleted_classes),
            }
            for m in migrations
        ]
    return settings
