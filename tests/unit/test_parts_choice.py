"""Whether a large world is asked part by part (`Asker._choose_parts`): a key whose rules
are asserted only as candidate worlds break them (too many instances to assert up front)
has few formulas yet, in small unjoined parts, though it becomes a sizeable part as the
instances come. Counted by its formulas alone, a world of many such keys went to one
solver, where every refinement round searched all of them at once: 4,000 handovers
over 48 districts gave up at the resource limit after 29 s, and are decided in 15 s
part by part. Only speed depends on the choice (tests/differential/test_partition.py)."""

from __future__ import annotations

import sys
from pathlib import Path

from checker.compile.timeline import EAGER_INSTANCES
from checker.diagnostics import Diagnostics
from checker.judge import Options
from checker.judge.asker import Asker
from checker.load import load_scenario_text
from checker.partition.pay import CLOSED_PART_SIZE, PARTS_THAT_PAY
from checker.resolve import Overrides, TermsCache, resolve_scenario

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import workloads  # noqa: E402


def _asker(eager: int) -> Asker:
    """1,000 handovers over 48 districts, about 20 each (`bench/workloads.py`)."""
    diags = Diagnostics()
    loaded = load_scenario_text(workloads.WORKLOADS["handovers"](1000, 0), "h.yaml", diags)
    assert loaded is not None and not diags.has_errors
    sc = resolve_scenario(loaded, diags, TermsCache(), Overrides())
    assert sc is not None
    return Asker(sc, Options(eager_instances=eager))


def test_keys_whose_rules_wait_make_the_world_go_part_by_part() -> None:
    asker = _asker(eager=0)  # every rule instance on demand: no key's part is joined yet
    try:
        assert asker.states.lazy_keys() >= PARTS_THAT_PAY
        parts = asker.session.parts
        assert parts is not None  # asked part by part
        # though its parts are small: by their formulas alone one solver was chosen
        assert max(len(fs) for fs in parts.world.formulas.values()) < CLOSED_PART_SIZE
    finally:
        asker.release()


def test_with_the_rules_up_front_the_parts_are_sizeable_and_kept() -> None:
    asker = _asker(eager=EAGER_INSTANCES)
    try:
        assert asker.states.lazy_keys() == 0
        assert asker.session.parts is not None
    finally:
        asker.release()
