"""Import the `z3` package without paying for `importlib.resources` (start-up of the CLI).

z3's loader (`z3/z3core.py`) imports `importlib.resources` only to find its own
`lib` folder: `files("z3").joinpath("lib")`, then `as_file(...)` around it. In
Python 3.11 that import pulls in `tempfile`, `shutil`, `zipfile`, `random`,
`bz2` and `lzma`, about 20 ms of a 0.3 s `check` of one scenario, and nothing
else in a run uses them. For a package installed as folders, `files` is the
package's folder and `as_file` hands it back unchanged, which is all the loader
asks; so while z3 is imported, `importlib.resources` is a module that does just
that. It is removed again at once, so any later import gets the real one.

If anything goes wrong (a z3 whose loader asks for more, a z3 installed in a zip
file), every z3 module half-imported is dropped and z3 is imported as usual.
"""

from __future__ import annotations

import contextlib
import sys
import types
from pathlib import Path

_RESOURCES = "importlib.resources"


def import_z3() -> None:
    """Import `z3` once for the process, the quick way when it is safe."""
    if "z3" in sys.modules or _RESOURCES in sys.modules:
        import z3  # noqa: F401  (already imported, or the real module is there anyway)

        return
    try:
        _import_with(_stand_in())
    except Exception:
        for name in [n for n in sys.modules if n == "z3" or n.startswith("z3.")]:
            del sys.modules[name]
        import z3  # noqa: F401


def _stand_in() -> types.ModuleType:
    """An `importlib.resources` with the two calls z3's loader makes, for packages in folders."""
    module = types.ModuleType(_RESOURCES)

    def files(package: str) -> Path:
        where = getattr(sys.modules.get(package), "__file__", None)
        if where is None or not Path(where).is_file():  # (a package in a zip file, say)
            raise LookupError(f"{package} is not a package in a folder")
        return Path(where).parent

    module.files = files  # type: ignore[attr-defined]
    module.as_file = contextlib.nullcontext  # type: ignore[attr-defined]
    return module


def _import_with(resources: types.ModuleType) -> None:
    sys.modules[_RESOURCES] = resources
    try:
        import z3  # noqa: F401
    finally:
        # (found in sys.modules, the stand-in was never set as an attribute of `importlib`)
        if sys.modules.get(_RESOURCES) is resources:
            del sys.modules[_RESOURCES]
