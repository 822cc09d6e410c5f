"""Reports are replaced whole or not at all; every problem is an `OutputError` with a reason."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from checker.outputs import OutputError, write_report


def test_a_report_replaces_the_previous_one_keeping_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")
    target.chmod(0o640)
    write_report(target, "new ✓")
    assert target.read_text(encoding="utf-8") == "new ✓"
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_a_link_is_followed_not_replaced(tmp_path: Path) -> None:
    (tmp_path / "real.json").write_text("old")
    (tmp_path / "link.json").symlink_to("real.json")
    write_report(tmp_path / "link.json", "new")
    assert (tmp_path / "link.json").is_symlink()
    assert (tmp_path / "real.json").read_text() == "new"


def test_a_failed_write_leaves_the_old_report_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")

    def full(fd: int, data: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(OutputError) as caught:
        write_report(target, "new")
    assert (caught.value.target, caught.value.reason) == (str(target), "No space left on device")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_problems_are_named(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="it is a directory"):
        write_report(tmp_path, "x")
    with pytest.raises(OutputError, match="no such directory"):
        write_report(tmp_path / "missing" / "x.json", "x")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="nothing reads from this named pipe"):
        write_report(fifo, "x")
