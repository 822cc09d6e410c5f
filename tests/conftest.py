"""Shared pytest options: `--update-golden` rewrites the golden outputs under tests/golden/."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/ (<format>.txt, schema/) from the current code (review the diff)",
    )
