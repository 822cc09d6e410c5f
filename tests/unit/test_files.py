"""Reading an input file: regular files only, the size bound before a byte is read, and a
diagnostic naming the entry for everything else."""

from __future__ import annotations

import os
from pathlib import Path

from checker.diagnostics import Diagnostics
from checker.files import read_file


def _problems(path: Path, limit: int = 1 << 20) -> tuple[bytes | None, list[str]]:
    diags = Diagnostics()
    raw = read_file(path, diags, "shown", limit=limit)
    return raw, [f"{d.span}: {d.message} [{d.code}]" for d in diags]


def test_a_regular_file_within_the_bound(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_bytes(b"a: 1\n")
    assert _problems(tmp_path / "a.yaml") == (b"a: 1\n", [])
    assert _problems(tmp_path / "a.yaml", limit=4) == (
        None,
        ["shown:1:1: file is too large (5 bytes; the limit is 4) [Y008]"],
    )


def test_pipes_devices_and_links_are_refused_unread(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "dangling").symlink_to("nowhere")
    (tmp_path / "loop").symlink_to("loop")
    assert _problems(tmp_path / "pipe")[1] == [
        "shown: only regular files are read, and this is a named pipe (FIFO) [Y012]"
    ]
    assert _problems(Path("/dev/zero"))[1] == [
        "shown: only regular files are read, and this is a character device [Y012]"
    ]
    assert _problems(tmp_path / "dangling")[1] == [
        "shown: broken symbolic link: it points to `nowhere`, which does not exist [Y014]"
    ]
    assert _problems(tmp_path / "loop")[1] == [
        "shown: broken symbolic link: a symbolic link loop [Y014]"
    ]
    assert _problems(tmp_path)[1] == ["shown:1:1: cannot read file: it is a directory [Y001]"]
