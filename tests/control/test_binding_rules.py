"""The control plane names no binding type: whoever composes the platform hands it the types
a version may list and the settings each requires (`hearth.bindings.binding_rules()`)."""

from __future__ import annotations

import pytest

from hearth.bindings import binding_rules
from hearth.control import ControlPlane, Invalid, Principal

HELLO = b"""
from workers import Response, WorkerEntrypoint

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        return Response("hi")
"""


def test_the_platform_hands_in_the_binding_folders_rules() -> None:
    assert binding_rules() == {
        "version_metadata": (),
        "kv": (),
        "service": ("service",),
        "durable_object": ("class_name",),
    }


async def test_a_type_the_rules_add_is_accepted_with_its_required_settings(
    plane: ControlPlane, admin: Principal
) -> None:
    queues = ControlPlane(plane.store, binding_rules={"queue": ("queue",)})
    await queues.services.create(admin, "worker")

    async def upload(binding: dict[str, str]) -> object:
        return await queues.versions.upload(
            admin,
            "worker",
            "production",
            files={"entry.py": HELLO},
            main_module="entry.py",
            bindings=[binding],
        )

    with pytest.raises(Invalid) as caught:
        await upload({"type": "queue", "name": "JOBS"})
    assert caught.value.message == "queue binding 'JOBS' needs a string 'queue'"
    with pytest.raises(Invalid) as caught:
        await upload({"type": "kv", "name": "CACHE"})  # not among these rules
    assert caught.value.message == "binding #0 has type 'kv'; known types: queue"
    version = await upload({"type": "queue", "name": "JOBS", "queue": "jobs"})
    assert version.bindings == [{"type": "queue", "name": "JOBS", "queue": "jobs"}]
