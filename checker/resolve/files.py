"""Stage 3: a terms file and its includes, each with its zone and `in_force`.

Input: the loaded main terms file and a loader for includes. Output: the files
depth first, each once, with the time facts every later stage needs; include
cycles and unreadable includes are diagnostics at the `includes` entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from checker import timeutil as tu
from checker.diagnostics import Diagnostics
from checker.load import Loaded
from checker.models.terms import TermsFile
from checker.records import record
from checker.resolve.common import Where, timed

LoadTerms = Callable[[Path, Diagnostics], "Loaded[TermsFile] | None"]


@record
class TermsSource:
    """One terms file of the set (the main file or an include) with its time facts."""

    loaded: Loaded[TermsFile]
    zone: tu.Zone
    in_force: int

    @property
    def model(self) -> TermsFile:
        return self.loaded.model

    def at(self, *path: str | int) -> Where:
        return Where(self.loaded.doc, tuple(path))


def definitions(files: list[TermsSource], section: str) -> Iterator[tuple[TermsSource, str, Any]]:
    """Each name of a section (`states`, `periods`) with its first definition, in file order
    (the main file first); later definitions of the same name are left out."""
    seen: set[str] = set()
    for f in files:
        for name, model in getattr(f.model, section).items():
            if name not in seen:
                seen.add(name)
                yield f, name, model


def gather_files(
    main: Loaded[TermsFile], diags: Diagnostics, load: LoadTerms
) -> list[Loaded[TermsFile]]:
    """The main file and its includes, depth first, each once; include cycles reported."""
    out: list[Loaded[TermsFile]] = []
    seen: set[str] = set()

    def visit(lt: Loaded[TermsFile], trail: tuple[str, ...]) -> None:
        key = str(Path(lt.file).resolve())
        if key in seen:
            return
        seen.add(key)
        out.append(lt)
        for i, rel in enumerate(lt.model.includes):
            path = (Path(lt.file).parent / rel).resolve()
            where = Where(lt.doc, ("includes", i))
            if str(path) in trail or str(path) == key:
                cycle = " -> ".join(Path(p).name for p in (*trail, key, str(path)))
                diags.add("R211", where.span, cycle=cycle)
                continue
            sub = load(path, diags)
            if sub is None:
                diags.add("R206", where.span, path=rel)
                continue
            visit(sub, (*trail, key))

    visit(main, ())
    return out


def file_time(lt: Loaded[TermsFile], diags: Diagnostics) -> TermsSource | None:
    """The file with its zone and `in_force` read (None after diagnostics)."""
    at = Where(lt.doc, ("agreement",))
    zone = timed(diags, at / "timezone", tu.parse_zone, lt.model.agreement.timezone)
    if zone is None:
        return None
    in_force = timed(diags, at / "in_force", tu.window_from, lt.model.agreement.in_force, zone)
    if in_force is None:
        return None
    return TermsSource(lt, zone, in_force)
