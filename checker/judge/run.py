"""Stage 5: the whole judgement of one scenario — SPEC §4.2 verdicts with their §4.3
explanations, in a fixed order of questions so that the output is byte-stable.

`Judge` is the `Asker` of a scenario plus the order in which its questions are asked:
coherence first, then each provision in its own solver scope, then the joint verdict;
an incoherent scenario gets its conflicts and readings instead.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from pathlib import Path

import z3

from checker.answers import Deadline, GaveUp
from checker.compile.provisions import Compiled
from checker.ir import Scenario
from checker.judge.asker import Asker
from checker.judge.blank import blank_result, dormant_results
from checker.judge.deciding import Decided, broken, missed
from checker.judge.options import Options, Undecided
from checker.judge.proofs import (
    fulfilled_by,
    fulfilled_note,
    kept_note,
    proof,
    unprompted_note,
    waiver,
)
from checker.judge.readings import marco, readings
from checker.judge.responsibility import responsible as responsible_parties
from checker.judge.verdicts import joint, union_verdict, verdict_of
from checker.judge.worlds import explain_open
from checker.records import replace
from checker.results import Because, Possible, ProvisionResult, Reading, ScenarioResult


class Judge(Asker):
    def run(self) -> ScenarioResult:
        start = time.monotonic()
        result = blank_result(self.sc, self.opts.timeline)
        try:
            self._judge(result)
        except GaveUp as gave_up:
            result.verdict = "unknown"
            result.reason = gave_up.reason
        except MemoryError:
            result.verdict = "unknown"
            result.reason = "memory limit reached"
        except z3.Z3Exception:
            # the deadline interrupts the context, so any Z3 call then under way (not only
            # a solver check, which turns it into `unknown` itself) can be canceled
            if not self.deadline.expired():
                raise
            result.verdict = "unknown"
            result.reason = self.deadline.reason
        result.provisions.extend(dormant_results(self.sc))
        result.duration = time.monotonic() - start
        result.checks = self.session.checks
        if self.opts.dump_smt2 is not None:
            self._dump(self.opts.dump_smt2)
        return result

    def _dump(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", self.sc.file).strip("_")
        (folder / f"{stem}.smt2").write_text(self.session.to_smt2(), encoding="utf-8")

    def _judge(self, result: ScenarioResult) -> None:
        lits = self.report_lits
        self._coherent = self.sat(lits)
        if not self._coherent:
            result.verdict = "incoherent"
            muses, msses = marco(self)
            result.conflicts = [tuple(self.because(c)) for c in muses]
            result.readings = readings(self, msses)
            result.provisions = self._incoherent_provisions(result.readings)
            return
        for c in self.compiled:
            with self.scope():
                judged = self._provision(c, lits, explain=self.opts.explanations)
                if self._explains(judged):
                    judged = replace(judged, explanation=explain_open(self, judged.id, lits))
            result.provisions.append(judged)
        with self.scope():
            verdict, conflict = joint(self, lits, result.provisions, explain=self.opts.explanations)
        result.verdict = verdict
        result.joint = conflict

    def _incoherent_provisions(self, readings: list[Reading]) -> list[ProvisionResult]:
        """Per-provision verdicts of an incoherent scenario: over the worlds of its most
        trusted readings together, so that ties between equally trusted readings never
        depend on the order the reports were written in. With one most trusted reading
        the explanations are those under it; with several, what decides a verdict may
        differ between them, so none is named and the note says why."""
        top = [r for r in readings if readings and r.weight == readings[0].weight]
        single = len(top) == 1
        out = []
        for c in self.compiled:
            seen = {dict(r.provisions)[c.provision.id] for r in top}
            lits = [self.world.lits[x] for x in top[0].reports] if top else []
            with self.scope():
                base = self._provision(c, lits, explain=single)
            verdict = union_verdict(seen) if seen else base.verdict
            if single:
                out.append(base)
                continue
            named = verdict in ("violated", "complied")
            out.append(
                replace(base, verdict=verdict, because=(), note=_tied(top) if named else base.note)
            )
        return out

    def _explains(self, judged: ProvisionResult) -> bool:
        """Whether this provision's verdict gets its two worlds (`--explain`)."""
        o = self.opts
        return (
            o.explain
            and o.explanations
            and judged.verdict == "open"
            and o.explain_only in (None, judged.id)
        )

    def _provision(
        self, c: Compiled, lits: Sequence[z3.BoolRef], explain: bool = True
    ) -> ProvisionResult:
        p = c.provision
        undecided: str | None = None
        try:
            verdict = verdict_of(self, c, lits)
        except Undecided as u:
            verdict, undecided = "unknown", u.reason
        because: tuple[Because, ...] = ()
        decided = Decided()
        note = None
        responsible: tuple[str, ...] = ()
        possibly: tuple[Possible, ...] = ()
        if verdict == "violated" and explain:
            core, minimal = proof(self, p.id, lits)
            because = tuple(self.because(core))
            if p.form in ("require", "achieve"):
                decided = missed(self, c, lits, forced=bool(core))
            elif p.form == "maintain":
                decided = broken(self, c, lits)
            if not minimal:
                note = f"{len(core)} reports; not minimized further (limit of {self.opts.core_budget} solver calls)"
                note += f"; {decided.note}" if decided.note else ""
            elif not core:
                note = decided.note or unprompted_note(p, self.sc.world)
            elif decided.note:
                note = decided.note
            responsible, possibly = responsible_parties(self, c, lits)
        elif verdict == "complied" and explain:
            if p.form in ("require", "achieve"):
                because = fulfilled_by(self, p.id, lits)
                note = None if because else fulfilled_note(p)
            else:
                note = kept_note(p, self.sc.world)
            if p.responsible != ("actor",):
                responsible = p.responsible
        else:
            if verdict == "waived" and explain:
                because = tuple(self.because(waiver(self, p.id, lits)))
                if not because:
                    note = "its condition fails without any report" + (
                        " (closed world: nothing else happened)"
                        if self.sc.world == "closed"
                        else ""
                    )
            if p.responsible != ("actor",) and p.form != "unformalized":
                responsible = p.responsible
        return ProvisionResult(
            id=p.id,
            point=p.point,
            form=p.form,
            verdict=verdict,
            binding=p.binding,
            text=p.text,
            window=p.window_text,
            responsible=responsible,
            possibly_responsible=possibly,
            amended_by=p.amended_by,
            interpreted_by=p.interpreted_by,
            because=because,
            deciding=decided.reports,
            note=undecided
            or (
                note
                if verdict in ("violated", "waived", "complied")
                else (p.reason if p.form == "unformalized" else None)
            ),
            span=p.span,
        )


def _tied(top: list[Reading]) -> str:
    return f"the {len(top)} most trusted readings believe different reports: none is named"


def judge(
    scenario: Scenario, opts: Options | None = None, deadline: Deadline | None = None
) -> ScenarioResult:
    """Judge one resolved scenario; a give-up (time, resource or memory limit) anywhere,
    building the encoding included, is the verdict `unknown` with its reason."""
    began = time.monotonic()
    opts = opts or Options()
    deadline = deadline or Deadline(opts.timeout)
    try:
        j = Judge(scenario, opts, deadline)
    except GaveUp as gave_up:
        return _gave_up(scenario, gave_up.reason, began, opts)
    except MemoryError:
        return _gave_up(scenario, "memory limit reached", began, opts)
    except z3.Z3Exception:  # interrupted at the deadline while building (see `run`)
        if not deadline.expired():
            raise
        return _gave_up(scenario, deadline.reason, began, opts)
    try:
        return j.run()
    finally:
        j.release()


def _gave_up(scenario: Scenario, reason: str, began: float, opts: Options) -> ScenarioResult:
    result = blank_result(scenario, opts.timeline)
    result.verdict = "unknown"
    result.reason = reason
    result.provisions.extend(dormant_results(scenario))
    result.duration = time.monotonic() - began
    return result
