"""The edge's live state: changes to one environment land in order, and what a deleted
environment loaded is unloaded with it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from hearth.control import EnvironmentView, VersionView
from hearth.edge._live import LiveEdge

DOMAIN = "hearth.test"


class FakeRuntime:
    """Remembers which versions are loaded; a version's load waits on its gate, if any."""

    def __init__(self) -> None:
        self.loaded: set[str] = set()
        self.gates: dict[str, asyncio.Event] = {}

    def is_loaded(self, version_id: str) -> bool:
        return version_id in self.loaded

    async def load(self, version_id: str) -> float:
        gate = self.gates.get(version_id)
        if gate is not None:
            await gate.wait()
        self.loaded.add(version_id)
        return 0.0

    async def unload(self, version_id: str) -> None:
        self.loaded.discard(version_id)


def version(version_id: str, number: int, environment_id: str = "env") -> VersionView:
    return VersionView(
        version_id, number, environment_id, "digest", "entry.py", None, [], {}, [], {}, None,
        None, datetime.now(UTC),
    )  # fmt: skip


def environment(
    deployment_id: str | None,
    deployed: list[VersionView],
    environment_id: str = "env",
    name: str = "production",
    known: dict[int, str] | None = None,
) -> EnvironmentView:
    view = EnvironmentView(environment_id, "acct", "acme", "svc", "api", name, False)
    if deployment_id is not None:
        view.deployment_id = deployment_id
        view.split = [(deployed[0].id, 100.0)]
        view.deployed = {v.id: v for v in deployed}
    view.version_ids = known if known is not None else {v.number: v.id for v in deployed}
    return view


def make_edge(runtime: FakeRuntime, versions: dict[str, VersionView] | None = None) -> LiveEdge:
    async def prepare(version: VersionView, view: EnvironmentView) -> str:
        return version.id  # the fake runtime loads by id

    async def read_version(version_id: str) -> VersionView | None:
        return (versions or {}).get(version_id)

    return LiveEdge(runtime, DOMAIN, prepare, read_version)  # type: ignore[arg-type]


def served(edge: LiveEdge) -> tuple[str, list[str]]:
    deployment = edge.environments["env"].deployment
    assert deployment is not None
    return deployment.id, [v.id for v in deployment.versions]


async def test_a_rollback_right_after_a_cold_deploy_is_what_the_edge_serves() -> None:
    """Deploying a new version (slow to load) and rolling back at once: the edge ends up
    serving the rollback, as the database says, and keeps the rolled-back-to version loaded."""
    runtime = FakeRuntime()
    edge = make_edge(runtime)
    v1, v2 = version("v1", 1), version("v2", 2)
    await edge.apply_environment(environment("D1", [v1]))
    runtime.gates["v2"] = gate = asyncio.Event()

    deploy = asyncio.create_task(edge.apply_environment(environment("D2", [v2])))
    await asyncio.sleep(0)  # the deploy is loading v2
    rollback = asyncio.create_task(edge.apply_environment(environment("D3", [v1])))
    await asyncio.sleep(0)
    gate.set()
    await asyncio.gather(deploy, rollback)

    assert served(edge) == ("D3", ["v1"])
    assert runtime.is_loaded("v1")
    assert not runtime.is_loaded("v2")


async def test_refresh_reads_the_store_in_the_order_changes_are_applied() -> None:
    """A refresh that reads the environment while an earlier change is still loading sees
    the state after it: the later commit (a rollback) is the one left serving."""
    runtime = FakeRuntime()
    edge = make_edge(runtime)
    v1, v2 = version("v1", 1), version("v2", 2)
    store = {"env": environment("D1", [v1])}

    async def read(environment_id: str) -> EnvironmentView | None:
        return store.get(environment_id)

    await edge.refresh("env", read)
    runtime.gates["v2"] = gate = asyncio.Event()
    store["env"] = environment("D2", [v2])
    deploy = asyncio.create_task(edge.refresh("env", read))
    await asyncio.sleep(0)
    store["env"] = environment("D3", [v1])
    rollback = asyncio.create_task(edge.refresh("env", read))
    await asyncio.sleep(0)
    gate.set()
    await asyncio.gather(deploy, rollback)

    assert served(edge) == ("D3", ["v1"])
    assert runtime.loaded == {"v1"}


async def test_deleting_an_environment_unloads_its_deployed_and_previewed_versions() -> None:
    """After an environment is deleted, neither its deployed version nor a version loaded for
    its preview hostname stays loaded in the runtime."""
    runtime = FakeRuntime()
    v1, v2 = version("v1", 1), version("v2", 2)
    edge = make_edge(runtime, {"v2": v2})
    await edge.apply_environment(environment("D1", [v1], known={1: "v1", 2: "v2"}))
    live = edge.environments["env"]
    assert await edge._preview(live, 2, f"v2.api.acme.{DOMAIN}") == "v2"
    assert runtime.loaded == {"v1", "v2"}

    await edge.remove_environment("env")

    assert runtime.loaded == set()


async def test_deleting_an_environment_keeps_versions_another_environment_serves() -> None:
    """A version another live environment still deploys stays loaded when one is deleted."""
    runtime = FakeRuntime()
    edge = make_edge(runtime)
    shared = version("shared", 1)
    await edge.apply_environment(environment("D1", [shared]))
    await edge.apply_environment(environment("D2", [shared], environment_id="other", name="qa"))

    await edge.remove_environment("env")

    assert runtime.loaded == {"shared"}
    await edge.remove_environment("other")
    assert runtime.loaded == set()
