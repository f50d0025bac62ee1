"""Per-version module namespaces.

Each loaded version imports its modules under a private package name
(`_hearth_bundle_<n>.<module>`), and its modules get their own `__import__` that maps the
bundle's top-level names (and the SDK's `workers`, `asgi`, `pyodide`, `js`) onto it. So two
versions, or two services that both ship a `utils` module, never see each other's modules,
while tracebacks, `__file__` and data files next to the code stay the real files on disk.
"""

from __future__ import annotations

import builtins
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import itertools
import sys
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

from ._logs import worker_print

_PREFIX = "_hearth_bundle_"
_SDK_MODULES = {"workers", "asgi", "pyodide", "js"}
_counter = itertools.count(1)
_real_import = builtins.__import__


class Namespace:
    """The private import space of one loaded version."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.package = f"{_PREFIX}{next(_counter)}"
        self.top_level = _top_level_names(root)
        self.builtins = dict(builtins.__dict__)
        self.builtins["__import__"] = self._import
        self.builtins["print"] = worker_print
        _finder.namespaces[self.package] = self

    def import_main(self, main_module: str) -> ModuleType:
        dotted = main_module.removesuffix(".py").replace("/", ".")
        return importlib.import_module(f"{self.package}.{dotted}")

    def discard(self) -> None:
        """Forget every module of this version so its memory can be reclaimed."""
        _finder.namespaces.pop(self.package, None)
        prefix = self.package + "."
        for name in [n for n in sys.modules if n == self.package or n.startswith(prefix)]:
            del sys.modules[name]

    def _import(
        self,
        name: str,
        globals: dict[str, Any] | None = None,
        locals: dict[str, Any] | None = None,
        fromlist: tuple[str, ...] | list[str] | None = (),
        level: int = 0,
    ) -> ModuleType:
        if level == 0:
            top = name.partition(".")[0]
            if top in self.top_level:
                return _import_under(self.package, name, fromlist)
            if top in _SDK_MODULES:
                return _import_under("hearth.sdk", name, fromlist)
        return _real_import(name, globals, locals, fromlist, level)


def _import_under(package: str, name: str, fromlist: Any) -> ModuleType:
    module = _real_import(f"{package}.{name}", None, None, fromlist, 0)
    if fromlist:
        return module
    # `import a.b` binds `a`: hand back the top-level module of the mapped name.
    return sys.modules[f"{package}.{name.partition('.')[0]}"]


def _top_level_names(root: Path) -> frozenset[str]:
    names = set()
    for entry in root.iterdir():
        if entry.suffix == ".py" and entry.is_file():
            names.add(entry.stem)
        elif entry.is_dir() and entry.name.isidentifier() and any(entry.glob("*.py")):
            names.add(entry.name)
    return frozenset(names)


class _BundleLoader(importlib.machinery.SourceFileLoader):
    """A source loader that gives the module its namespace's `__import__` before it runs."""

    def __init__(self, fullname: str, path: str, namespace: Namespace) -> None:
        super().__init__(fullname, path)
        self.namespace = namespace

    def exec_module(self, module: ModuleType) -> None:
        module.__builtins__ = self.namespace.builtins  # type: ignore[attr-defined]
        super().exec_module(module)

    def get_code(self, fullname: str) -> CodeType:
        # Always from source: `__pycache__` is keyed by whole-second mtime and size, so a
        # same-size edit saved within a second of the last load would run the old code.
        path = self.get_filename(fullname)
        return self.source_to_code(self.get_data(path), path)


class _RootLoader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        pass


class _BundleFinder(importlib.abc.MetaPathFinder):
    """Finds `_hearth_bundle_<n>[.x.y]` modules in the folder of the version they belong to."""

    def __init__(self) -> None:
        self.namespaces: dict[str, Namespace] = {}

    def find_spec(
        self, fullname: str, path: Any = None, target: Any = None
    ) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(_PREFIX):
            return None
        package, _, rest = fullname.partition(".")
        namespace = self.namespaces.get(package)
        if namespace is None:
            return None
        if not rest:
            spec = importlib.machinery.ModuleSpec(fullname, _RootLoader(), is_package=True)
            spec.submodule_search_locations = [str(namespace.root)]
            return spec
        found = importlib.machinery.PathFinder.find_spec(fullname, path)
        if found is None or not isinstance(found.loader, importlib.machinery.SourceFileLoader):
            return found
        spec = found
        loader = _BundleLoader(fullname, spec.origin or "", namespace)
        return importlib.util.spec_from_file_location(
            fullname,
            spec.origin,
            loader=loader,
            submodule_search_locations=spec.submodule_search_locations,
        )


_finder = _BundleFinder()
sys.meta_path.insert(0, _finder)
