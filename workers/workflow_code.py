"""The workflow modules' code, compiled once per worker process and kept in memory.

The sandbox imports `workflows/` afresh for every claim it starts (workflows/sandbox.py): a
new module object whose code runs inside the sandbox, as it must. Where that code comes from
need not be fresh. Finding, reading, checking and unmarshalling each module's .pyc for every
claim was about 6% of the claims worker's CPU, and compiling the source when there was no
current .pyc (PYTHONDONTWRITEBYTECODE, a read-only tree) about half of a claim's sandbox cost.

It is also what a worker should run: the code it started with. A worker that re-read the
files would run an edit made under it, on the build id of the code it started with.
"""

from __future__ import annotations

import pkgutil
import sys
from collections.abc import Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec, PathFinder, SourceFileLoader
from types import CodeType, ModuleType

# Module source path -> its code object, for this process's life.
_code: dict[str, CodeType] = {}


class _KeptCodeLoader(SourceFileLoader):
    """A source loader that compiles (or reads the .pyc) once, then hands out the same code."""

    def get_code(self, fullname: str) -> CodeType:
        code = _code.get(self.path)
        if code is None:
            compiled = super().get_code(fullname)
            if compiled is None:  # pragma: no cover - a source file always has code
                raise ImportError(f"no code for {fullname}", name=fullname)
            code = _code.setdefault(self.path, compiled)
        return code


class _KeptCodeFinder(MetaPathFinder):
    """Finds the package's modules as usual, and gives each the kept-code loader."""

    def __init__(self, package: str) -> None:
        self.prefix = package + "."

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        if not fullname.startswith(self.prefix):
            return None
        spec = PathFinder.find_spec(fullname, path, target)
        if spec is None or spec.origin is None or not isinstance(spec.loader, SourceFileLoader):
            return spec
        spec.loader = _KeptCodeLoader(fullname, spec.origin)
        return spec


def keep_workflow_code(package: ModuleType) -> int:
    """From now on, `package`'s modules are imported from code compiled once; returns how many.

    Idempotent. Every module's code is loaded now, so the first claim pays nothing either.
    """
    prefix = package.__name__ + "."
    finder = next(
        (f for f in sys.meta_path if isinstance(f, _KeptCodeFinder) and f.prefix == prefix),
        None,
    )
    if finder is None:
        finder = _KeptCodeFinder(package.__name__)
        sys.meta_path.insert(0, finder)
    loaded = 0
    for module in pkgutil.iter_modules(package.__path__, prefix):
        # Asked directly: a module imported already would answer with its old spec.
        spec = finder.find_spec(module.name, package.__path__)
        if spec is not None and isinstance(spec.loader, _KeptCodeLoader):
            spec.loader.get_code(module.name)
            loaded += 1
    return loaded
