"""Stage 3: a CSV export -> its header and its rows, one at a time, each with its line.

The file is read line by line (never whole), so an export of any size streams.
A row that cannot be read — a line that is not UTF-8, a line past `MAX_LINE`
bytes, a field past the csv module's limit, a row with more or fewer fields than
the header — is one `D602` at its first line and is skipped; the rows after it
are still read. Only regular files are opened (a named pipe cannot hang a run).
"""

from __future__ import annotations

import csv
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from checker.diagnostics import Diagnostics, Span
from checker.files import report_stat_error, special_kind, whole
from checker.records import record

MAX_LINE = 1 << 20  # bytes in one physical line


@record(frozen=True)
class Row:
    """One record: the line it starts on and its values by (lower-case) column name."""

    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        """The value of `column` without surrounding spaces; "" where the row has none."""
        return self.values.get(column, "").strip()


class CsvRows:
    """Open with `open()`; then `header` holds the column names and `rows()` yields
    the readable rows. Problems go to `diags` under the name `display`."""

    def __init__(self, path: Path | str, display: str, diags: Diagnostics) -> None:
        self.path = Path(path)
        self.file = display
        self.diags = diags
        self.header: list[str] = []
        self.lines_read = 0
        self._handle: BinaryIO | None = None
        self._bad: dict[int, str] = {}  # physical line -> why it could not be read

    def open(self) -> bool:
        """Open the file and read its header; False (after a diagnostic) if it cannot be used."""
        try:
            st = os.stat(self.path)
        except OSError as err:
            report_stat_error(self.path, err, self.diags, self.file)
            return False
        kind = "a directory" if stat.S_ISDIR(st.st_mode) else special_kind(st.st_mode)
        if kind is not None:
            self.diags.add("Y012", whole(self.file), kind=kind)
            return False
        try:
            self._handle = open(self.path, "rb")  # noqa: SIM115 (closed by close())
        except OSError as err:
            self.diags.add("Y001", Span(self.file, 1, 1), reason=err.strerror or str(err))
            return False
        self._reader = csv.reader(self._lines())
        first = self._next_record()
        if first is None:
            self.diags.add("Y004", Span(self.file, 1, 1))
            return False
        line, cells = first
        if line in self._bad or not cells:
            self.diags.add("D602", Span(self.file, line, 1), problem="the header cannot be read")
            return False
        self.header = [c.strip().lower() for c in cells]
        seen: set[str] = set()
        for name in self.header:
            if name in seen:
                self.diags.add(
                    "D602", Span(self.file, line, 1), problem=f"column `{name}` appears twice"
                )
                return False
            seen.add(name)
        return True

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def rows(self) -> Iterator[Row]:
        width = len(self.header)
        while True:
            record = self._next_record()
            if record is None:
                return
            line, cells = record
            problem = self._problem(line)
            if problem is None and not cells:
                continue  # a blank line holds no row
            if problem is None and len(cells) != width:
                problem = f"{len(cells)} fields where the header has {width}"
            if problem is not None:
                self.diags.add("D602", Span(self.file, line, 1), problem=problem)
                continue
            yield Row(line, dict(zip(self.header, cells, strict=True)))

    def _next_record(self) -> tuple[int, list[str]] | None:
        start = self.lines_read + 1
        try:
            cells = next(self._reader)
        except StopIteration:
            return None
        except csv.Error as err:
            self._bad.setdefault(start, str(err))
            cells = []
        return start, cells

    def _problem(self, start: int) -> str | None:
        for line in range(start, self.lines_read + 1):
            if line in self._bad:
                return self._bad.pop(line)
        return None

    def _lines(self) -> Iterator[str]:
        """Physical lines as text; a line that is not UTF-8 or too long is recorded as bad
        and read as an empty line."""
        assert self._handle is not None
        handle = self._handle
        while True:
            raw = handle.readline(MAX_LINE + 1)
            if not raw:
                return
            self.lines_read += 1
            if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):  # skip the rest of the line
                    raw = handle.readline(MAX_LINE)
                self._bad[self.lines_read] = f"a line longer than {MAX_LINE} bytes"
                yield "\n"
                continue
            try:
                text = raw.decode("utf-8-sig" if self.lines_read == 1 else "utf-8")
            except UnicodeDecodeError:
                self._bad[self.lines_read] = "not UTF-8 text"
                yield "\n"
                continue
            yield text
