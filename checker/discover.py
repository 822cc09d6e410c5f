"""Stage 2: paths named by the user -> the files to work on, and a diagnostic for every
entry that cannot be read.

Named files are taken as given; directories are walked in sorted order
(symbolic links to directories followed, a loop reported). A `*.yaml` or `*.yml`
entry that is a dangling or looping link, a named pipe, a device or a socket, and
a directory that cannot be listed or searched, is an input error naming it:
nothing in a library is skipped in silence. Which language a file is written in
is told from its first MiB only.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path

from checker.diagnostics import Diagnostic, Diagnostics, Span
from checker.files import read_prefix, report_stat_error, special_kind, whole
from checker.load import display_path

YAML_SUFFIXES = (".yaml", ".yml")
KIND_PREFIX = 1 << 20
_SCENARIO_KEY = re.compile(rb"^scenario\s*:", re.MULTILINE)
_TERMS_KEY = re.compile(rb"^agreement\s*:", re.MULTILINE)


def discover(
    paths: Iterable[Path | str], *, want: str = "scenario"
) -> tuple[list[Path], list[Diagnostic]]:
    """Files to work on: named files as given, directories walked in sorted order.

    In a directory, YAML files that are plainly of the other language are
    skipped (`want`: "scenario", "terms" or "any"); files whose kind cannot be
    told (unreadable, not YAML) are kept so their problems are reported.
    """
    found: list[Path] = []
    problems = Diagnostics()
    for raw in paths:
        p = Path(raw)
        try:
            st = os.stat(p)
        except OSError as err:
            if err.errno == errno.ENOENT and not os.path.islink(p):
                problems.add("Y001", _at(p), reason="no such file or directory")
            else:
                report_stat_error(p, err, problems, display_path(p, follow=False))
            continue
        if stat.S_ISDIR(st.st_mode):
            walked: list[Path] = []
            _walk(p, {(st.st_dev, st.st_ino)}, walked, problems)
            found.extend(
                f for f in sorted(walked) if want == "any" or kind_hint(f) in (want, "unknown")
            )
        elif special_kind(st.st_mode) is not None:
            problems.add(
                "Y012", whole(display_path(p, follow=False)), kind=special_kind(st.st_mode)
            )
        else:
            found.append(p)
    return found, problems.sorted()


def _at(p: Path) -> Span:
    return Span(display_path(p), 1, 1)


def _walk(
    directory: Path, ancestors: set[tuple[int, int]], found: list[Path], problems: Diagnostics
) -> None:
    """Add the YAML files under `directory` to `found`; `ancestors` are the (device, inode)
    of the directories on the way down, so a link back up is a loop, not endless."""
    try:
        with os.scandir(directory) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as err:
        problems.add("Y013", whole(display_path(directory)), reason=_why(err, "listed"))
        return
    try:  # listing needs read permission; looking at an entry needs search permission
        if entries:
            os.stat(entries[0].path, follow_symlinks=False)
    except OSError as err:
        problems.add("Y013", whole(display_path(directory)), reason=_why(err, "searched"))
        return
    for entry in entries:
        path = Path(entry.path)
        is_yaml = path.suffix in YAML_SUFFIXES
        try:
            if not entry.is_symlink() and not entry.is_dir(follow_symlinks=False) and not is_yaml:
                continue  # a file of another kind: not part of the library
            st = entry.stat()  # through links
        except OSError as err:
            if is_yaml:
                report_stat_error(path, err, problems, display_path(path, follow=False))
            elif err.errno == errno.ELOOP:  # a looping link to what may have been a directory
                problems.add(
                    "Y014", whole(display_path(path, follow=False)), reason="a symbolic link loop"
                )
            continue
        if stat.S_ISDIR(st.st_mode):
            ident = (st.st_dev, st.st_ino)
            if ident in ancestors:
                problems.add(
                    "Y014",
                    whole(display_path(path, follow=False)),
                    reason="it leads back to a directory that contains it",
                )
                continue
            _walk(path, ancestors | {ident}, found, problems)
        elif not is_yaml:
            continue
        elif stat.S_ISREG(st.st_mode):
            found.append(path)
        else:
            problems.add(
                "Y012", whole(display_path(path, follow=False)), kind=special_kind(st.st_mode)
            )


def _why(err: OSError, what: str) -> str:
    if err.errno in (errno.EACCES, errno.EPERM):
        return f"permission denied (it cannot be {what})"
    return err.strerror or str(err)


def kind_hint(path: Path) -> str:
    """ "scenario", "terms", "other" (YAML of neither language), or "unknown" (cannot be told:
    unreadable, or not text), from the first `KIND_PREFIX` bytes."""
    head = read_prefix(path, KIND_PREFIX)
    if head is None:
        return "unknown"
    if _SCENARIO_KEY.search(head):
        return "scenario"
    if _TERMS_KEY.search(head):
        return "terms"
    try:  # the prefix may cut a character in two
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "unknown"  # not text: report it rather than guess it is not a scenario
    return "unknown" if b"\x00" in head else "other"
