"""`[tool.checker]` and `--show-config`: the keys the table takes, values read back alike,
and where each value came from."""

from __future__ import annotations

import tomllib
from pathlib import Path

from checker.config import COMMAND_LINE, KEYS, Config, load_config
from checker.diagnostics import Diagnostics


def _table(config: Config) -> dict[str, object]:
    table: dict[str, object] = tomllib.loads(config.show())["tool"]["checker"]
    return table


def test_show_is_the_table_that_gives_the_configuration(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.checker]\npaths = ["a \\"b\\"\\\\c", "é\\tx"]\nformat = "json"\nexit-zero = true\n'
        "timeout = 2.5\n",
        encoding="utf-8",
    )
    problems = Diagnostics()
    config = load_config(problems, tmp_path)
    assert not problems.items
    table = _table(config)
    assert table == {
        "paths": ['a "b"\\c', "é\tx"],
        "jobs": config.jobs,
        "format": ["json"],
        "output": [],
        "timeout": 2.5,
        "rlimit": 50_000_000,
        "exit-zero": True,
        "color": "auto",
    }
    # what `show` prints, [tool.checker] reads back as the same configuration
    (tmp_path / "pyproject.toml").write_text(config.show(), encoding="utf-8")
    again = load_config(Diagnostics(), tmp_path)
    assert _table(again) == table
    assert set(table) | {"terms", "interpretation"} == set(KEYS.values())


def test_each_value_says_where_it_came_from(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.checker]\njobs = 1\ncolor = "never"\n')
    config = load_config(Diagnostics(), tmp_path)
    config.set("color", "always", COMMAND_LINE)
    origins = {
        line.split(" = ")[0]: line.rsplit("# ", 1)[1]
        for line in config.show().splitlines()
        if " = " in line and not line.startswith("#")
    }
    assert origins["jobs"] == "pyproject.toml"
    assert origins["color"] == "command line"
    assert origins["timeout"] == "default"
    assert f"pyproject.toml ({tmp_path / 'pyproject.toml'})" in config.show()
    assert "pyproject.toml (none found)" in Config().show()
