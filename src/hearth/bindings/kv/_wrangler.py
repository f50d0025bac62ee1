"""`[[kv_namespaces]]` of a wrangler config: how the entries read, and what `hearth dev` and
`hearth deploy` make of them (a local namespace; one of the account's, by id or by title)."""

from __future__ import annotations

from collections.abc import Callable, Container
from dataclasses import dataclass
from typing import Any

from ...config import BindingSchema, KeyPath, Lookup, Source, fields
from ...runtime import BindingSpec
from .._type import AccountApi, BindingError, WranglerBinding

# `remote` is wrangler's switch for using the deployed resource during `wrangler dev`;
# Hearth's dev server always uses local ones, so it is accepted and has no effect.
_FIELDS = ("binding", "id", "preview_id", "remote")


@dataclass(frozen=True, slots=True)
class KVNamespaceConfig(WranglerBinding):
    binding: str
    # wrangler provisions a namespace when `id` is left out; Hearth resolves it by binding
    # name in the account, so it is optional here too.
    id: str | None
    preview_id: str | None = None

    @property
    def name(self) -> str:
        return self.binding

    @property
    def local_id(self) -> str:
        """The namespace `hearth dev` keeps locally: the preview id, else the id (a
        placeholder such as `<YOUR_KV_NAMESPACE_ID>` works too), else the binding name."""
        return self.preview_id or self.id or self.binding

    def spec(self) -> BindingSpec:
        return BindingSpec(self.binding, "kv", settings={"namespace_id": self.local_id})

    async def prepare_local(self, platform: Any, account: str) -> None:
        if await platform.kv.get_namespace(account, self.local_id) is None:
            await platform.kv.create_namespace(account, self.local_id, self.local_id)

    def upload(self, api: AccountApi | None, say: Callable[[str], None]) -> dict[str, Any]:
        if api is None:
            namespace = self.id or "?"
        elif self.id is not None:
            namespace = self._existing(api, self.id)
        else:
            namespace = self._by_title(api, say)
        return {"type": "kv", "name": self.binding, "namespace_id": namespace}

    def describe(self, running: Container[str]) -> tuple[str, str, str]:
        return f"env.{self.binding} ({self.local_id})", "KV Namespace", "local"

    def _existing(self, api: AccountApi, namespace: str) -> str:
        if namespace not in {n["id"] for n in api.items("/kv/namespaces")}:
            raise BindingError(
                f"kv_namespaces binding {self.binding!r}: no KV namespace {namespace!r} in this "
                f"account (create one with: hearth kv namespace create {self.binding}, then put "
                "its id in the config, or leave id out to have it made)"
            )
        return namespace

    def _by_title(self, api: AccountApi, say: Callable[[str], None]) -> str:
        """Without `id`: the namespace titled as the binding, created when missing (wrangler
        provisions one the same way)."""
        for namespace in api.items("/kv/namespaces"):
            if namespace["title"] == self.binding:
                return str(namespace["id"])
        created = api.post("/kv/namespaces", {"title": self.binding})
        say(f"Created KV namespace {self.binding} ({created['id']})")
        return str(created["id"])


def _read(src: Source, lookup: Lookup) -> list[tuple[Any, KeyPath]]:
    bindings: list[tuple[Any, KeyPath]] = []
    for entry, where in fields.entries_of(src, lookup("kv_namespaces"), _FIELDS):
        binding = KVNamespaceConfig(
            binding=fields.required(src, entry, "binding", where, fields.non_empty_string),
            id=fields.optional(src, entry, "id", where, fields.non_empty_string),
            preview_id=fields.optional(src, entry, "preview_id", where, fields.non_empty_string),
        )
        bindings.append((binding, (*where, "binding")))
    return bindings


KV_NAMESPACES = BindingSchema(("kv_namespaces",), _read)
