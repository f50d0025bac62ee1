"""A binding type is what its folder exports (a `BindingType`) plus one line in
`BINDING_TYPES`: `build_env`, the upload checks and the control plane's rules follow it."""

from __future__ import annotations

import pytest

import hearth.bindings as bindings
from hearth.bindings import BindingError, BindingType, binding_rules, build_env
from hearth.runtime import BindingSpec, VersionSpec


def make_queue(binding: BindingSpec, version: VersionSpec, platform: object) -> str:
    return f"queue {binding.settings['queue']} of {version.script_name}"


QUEUE = BindingType("queue", make_queue, required=("queue",))


def test_a_registered_type_is_built_on_env_and_named_in_the_rules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(bindings.BINDING_TYPES, "queue", QUEUE)  # its one line
    spec = BindingSpec("JOBS", "queue", settings={"queue": "jobs"})
    version = VersionSpec("v1", "worker", "/tmp", "entry.py", bindings=(spec,))
    assert build_env(version).JOBS == "queue jobs of worker"
    assert binding_rules()["queue"] == ("queue",)


def test_an_unregistered_type_is_a_binding_error_naming_the_binding() -> None:
    spec = BindingSpec("JOBS", "queue", settings={"queue": "jobs"})
    version = VersionSpec("v1", "worker", "/tmp", "entry.py", bindings=(spec,))
    with pytest.raises(BindingError, match="binding 'JOBS': unknown binding type 'queue'"):
        build_env(version)
