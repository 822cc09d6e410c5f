"""Stage 5: one scenario's encoding and the questions asked of it.

`Asker` builds the world, the state timelines and the compiled provisions in one fresh
Z3 context, and answers "is there a compatible world where ...?" with report literals
as assumptions — never by re-implementing the semantics. Everything else in the judge
(verdicts, proofs, responsibility, readings) is made of these questions.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager

import z3

from checker.answers import Deadline
from checker.compile import sym
from checker.compile.build import build_world, observation_time
from checker.compile.conditions import compile_all
from checker.compile.openworld import Beyond, earliest_minute, plan_phantoms
from checker.compile.provisions import Compiled, ProvisionCompiler
from checker.compile.sym import Bool
from checker.compile.timeline import CLOSED_PART_CHANGES, PART_CHANGES, Defined, Timelines
from checker.compile.world import World
from checker.cores import minimal_core
from checker.ir import Report, Scenario, StateReport
from checker.judge.contexts import fresh
from checker.judge.options import (
    COUNTER_PARTS_FROM,
    MAX_WITNESSES,
    PARTITION_FROM,
    Options,
    Undecided,
)
from checker.partition import CLOSED_PART_SIZE, PART_SIZE, PARTS_THAT_PAY
from checker.results import Because
from checker.solver import Session


class Asker:
    def __init__(
        self, scenario: Scenario, opts: Options | None = None, deadline: Deadline | None = None
    ) -> None:
        self.sc = scenario
        self.opts = opts or Options()
        self.deadline = deadline or Deadline(self.opts.timeout)
        # a fresh context: nothing that ran before in this process can change an answer
        self.ctx = fresh()
        mode = self.opts.partition
        parted = mode == "always" or (mode == "auto" and len(scenario.reports) >= PARTITION_FROM)
        self.session = Session(
            self.ctx,
            self.deadline,
            self.opts.rlimit,
            self.opts.memory_mb,
            partition=parted,
            defer=mode == "auto",
        )
        self.session.record = self.opts.dump_smt2 is not None
        tick = self.deadline.check
        self.world: World = build_world(
            scenario,
            self.ctx,
            lambda index: plan_phantoms(scenario, index),
            earliest_minute(scenario),
            tick,
        )
        if any(s.per_point for s in self.world.slots):  # (facts to hold apart: `fewer`)
            self.session.keep_world()
        self.session.add(self.world.axioms)
        self.world.sink = self.session.add_one
        self.beyond = Beyond(self.world)
        self.wild = self.beyond.lit
        self.states = Timelines(
            self.world,
            self.session.assert_under,
            self.beyond,
            self.opts.eager_instances,
            self.opts.bounds,
            self.opts.hints_from,
            self.opts.chain_from,
        )
        self.states.tick = tick
        self.session.refine = self.states.refine
        self.session.pending = self.states.pending
        self.session.hints = self.states.hints
        self.session.on_pop = self._scope_closed
        self.states.rules()
        self._observations()
        compiler = ProvisionCompiler(self.world, self.states, self.beyond)
        self.compiled: list[Compiled] = compile_all(compiler, scenario.terms.provisions, tick)
        self.compiled_by_id = {c.provision.id: c for c in self.compiled}
        if mode == "auto":
            self._choose_parts(scenario.world == "closed")
        # (once the parts are chosen: a world asked part by part holds no facts, and
        # asks each part with all of its own)
        self._per_point_off = (
            [self.session.negation(s.exists) for s in self.world.slots if s.per_point]
            if self.session.parts is None
            else []
        )
        if self._per_point_off:
            self.session.hold_apart(self._per_point_off)
        self.report_lits = [self.world.lits[r.id] for r in scenario.reports]
        self.report_of = {self.world.lits[r.id].get_id(): r for r in scenario.reports}
        self._formulas: dict[tuple[str, str], Bool] = {}
        for c in self.compiled:
            pid = c.provision.id
            self._formulas[(pid, "breach")] = c.breach
            self._formulas[(pid, "keep")] = sym.Not(c.breach)
            if c.fulfilled is not None:
                self._formulas[(pid, "unfulfilled")] = sym.Not(c.fulfilled)
            self._formulas[(pid, "applies")] = c.applies
            self._formulas[(pid, "waives")] = sym.Not(c.applies)
        self._gates: dict[tuple[str, str], z3.BoolRef | bool] = {}
        self._witnesses: list[z3.ModelRef] = []
        self._coherent = False
        # (an open world) every report believed has needed the per-point changes
        self._reports_need_per_point = False

    def _choose_parts(self, closed: bool) -> None:
        """One solver or part by part (a world of PARTITION_FROM reports or more): in a
        closed world smaller parts already pay, and so does one counter of many changes
        (measured: see the constants); an open world's questions are slower part by
        part, so it keeps the first rule."""
        if closed and self.states.busiest_counter() >= COUNTER_PARTS_FROM:
            self.session.keep_parts()
            return
        changes, size = (
            (CLOSED_PART_CHANGES, CLOSED_PART_SIZE) if closed else (PART_CHANGES, PART_SIZE)
        )
        # An open world's effects beyond its explicit events all hang on one literal
        # (`wild`), which joins every part they touch into one: not looked for (`open`
        # of 1,000 reports: the walk took 0.5 to 0.8 s to find one part of 22,851
        # formulas and 648 of 7 or fewer)
        likely = (closed or self.wild is None) and self.states.parts_likely(PARTS_THAT_PAY, changes)
        # A key whose rules are asserted only as candidate worlds break them has few
        # formulas yet, in small unjoined parts; counted by its formulas, a world of
        # many such keys went to one solver, where every refinement round searched all
        # of them at once (4,000 handovers over 48 districts, 83 each: `unknown` at the
        # resource limit after 29 s; part by part 15 s)
        self.session.merge_unless_parts_pay(likely, size, self.states.lazy_keys(changes))

    def _observations(self) -> None:
        """A state observation holds at some minute of its date (up to as_of)."""
        w = self.world
        for r in self.sc.reports:
            if not isinstance(r, StateReport):
                continue
            t = observation_time(w, r)
            if t is None:
                continue  # it speaks of a time after as_of: nothing is known of it yet
            with self.states.collecting() as deps:
                f = sym.Implies(w.lits[r.id], self.states.holds(r.cond, t))
            self.states.add_world(f, deps)

    def release(self) -> None:
        """Drop the solver session and the encoding now.

        They refer to each other (hooks, owners, the solver's callbacks), so without
        this they would wait for Python's cycle collector, which then pays for
        walking them and for freeing the Z3 context at some later scenario."""
        self.session.close()
        self.session.refine = None
        self.session.on_pop = _nothing
        self.session.pending = _never
        self.session.hints = _no_hints
        self.world.sink = None
        self.states.tick = _nothing
        self.states.timelines.clear()
        self.states.always_atoms.clear()
        self.compiled.clear()
        self.compiled_by_id.clear()
        self._formulas.clear()
        self._gates.clear()
        self._witnesses.clear()

    @contextmanager
    def scope(self) -> Iterator[None]:
        """Questions are asked in a solver scope; their formulas go with it."""
        self.session.push()
        try:
            yield
        finally:
            self.session.pop()

    def _scope_closed(self) -> None:
        self._gates.clear()
        self.states.scope_closed()

    def question(self, pid: str, what: str) -> z3.BoolRef | bool:
        """The gate literal of a question (its formula and what it uses asserted under it),
        or the constant it folds to."""
        key = (pid, what)
        if key not in self._gates:
            formula = self._formulas[key]
            if isinstance(formula, bool):
                self._gates[key] = formula
            else:
                self._gates[key] = self.gate(
                    f"{what}:{pid}", formula, self.compiled_by_id[pid].deps
                )
        return self._gates[key]

    def gate(self, name: str, formula: Bool, deps: list[Defined]) -> z3.BoolRef:
        """A new gate for `formula`, which uses `deps`."""
        gid, lit = self.session.new_gate(name)
        self.states.assert_gated(gid, lit, formula, deps)
        return lit

    def possible(self, pid: str, what: str, assumptions: Sequence[z3.BoolRef]) -> bool:
        formula = self._formulas[(pid, what)]
        if (
            not isinstance(formula, bool)
            and assumptions is self.report_lits
            and not self.compiled_by_id[pid].deps
            and any(self._shows(m, formula) for m in self._witnesses)
        ):
            return True  # a world already found (all reports believed) shows it
        q = self.question(pid, what)
        if q is False:
            return False
        if q is True:
            if assumptions is self.report_lits and self._coherent:
                return True  # the reports are coherent: found at the first question
            return self.sat(assumptions)
        return self.sat([*assumptions, q])

    def _shows(self, model: z3.ModelRef, formula: z3.BoolRef) -> bool:
        return bool(z3.is_true(model.eval(formula, model_completion=True)))

    def _witness(self, assumptions: Sequence[z3.BoolRef]) -> None:
        """Keep the model of a real world in which every report is believed: a question
        about a provision whose formulas need no definitions under gates (events and
        windows only) is answered by it when the formula holds there.

        Not for verdicts alone: there the models cost more than the solver calls they
        save (generated `mixed` scenarios: 4 models and 23 evaluations for 2 calls,
        3.1 ms against 0.9 ms at 30 reports, 81 ms against 37 ms at 1,000). With
        explanations they stay, as the solver's history decides the models that
        explanations show."""
        if not self.opts.explanations:
            return
        if len(self._witnesses) < MAX_WITNESSES and self._believes_every_report(assumptions):
            self._witnesses.append(self.session.last_model())

    # ---- the two encodings of an open world ---------------------------------

    def real(self, assumptions: Sequence[z3.BoolRef]) -> list[z3.BoolRef]:
        """Only explicit events: every model is a world of the scenario."""
        if self.wild is None:
            return list(assumptions)
        return [*assumptions, self.session.negation(self.wild)]

    def over(self, assumptions: Sequence[z3.BoolRef]) -> list[z3.BoolRef]:
        """Any unreported events at all: what is impossible here is impossible."""
        return [*assumptions, self.wild] if self.wild is not None else list(assumptions)

    def fewer(self) -> AbstractContextManager[None]:
        """Questions asked inside leave out the unreported changes planned per point a
        report looks at (an open world's; they grow with the reports). A world without
        them is a world of the scenario, so a question possible inside is possible; and
        the over-approximation (`over`) stands for every set of unreported events
        without any planned one, so a question impossible inside is impossible. (Not
        part by part: each part is asked with all of its own.)"""
        return self.session.facts()

    @property
    def holds_fewer(self) -> bool:
        """Whether `fewer` leaves anything out (an open world's per-point changes)."""
        return bool(self._per_point_off)

    def sat(self, assumptions: Sequence[z3.BoolRef]) -> bool:
        """Is there a compatible world where the assumptions hold? A give-up raises GaveUp;
        an open-world question the two encodings cannot settle raises Undecided.

        An open world's question is asked without the per-point unreported changes
        first (`fewer`), where most are settled, and only then with them. Once the
        reports alone have needed them, a world without them is not looked for again
        for a question that believes every report: there is none."""
        if self.wild is None:
            if self.session.sat(assumptions):
                self._witness(assumptions)
                return True
            return False
        every = self._believes_every_report(assumptions)
        if not (every and self._reports_need_per_point):
            with self.fewer():
                if self.session.sat(self.real(assumptions)):
                    self._witness(assumptions)  # (its model taken while the facts hold)
                    return True
                if not self.session.sat(self.over(assumptions)):
                    return False
            if self._per_point_off and self.session.sat(self.real(assumptions)):
                self._witness(assumptions)
                if every and len(assumptions) == len(self.report_lits):
                    # the reports alone: every question that believes them needs them too
                    self._reports_need_per_point = True
                return True
            raise Undecided()
        if self.session.sat(self.real(assumptions)):
            self._witness(assumptions)
            return True
        if self.impossible(assumptions):
            return False
        raise Undecided()

    def _believes_every_report(self, assumptions: Sequence[z3.BoolRef]) -> bool:
        """The assumptions begin with every report's literal (the judge's questions about
        the scenario as reported)."""
        lits = self.report_lits
        return len(assumptions) >= len(lits) and all(
            a is b for a, b in zip(assumptions, lits, strict=False)
        )

    def impossible(self, assumptions: Sequence[z3.BoolRef]) -> bool:
        """No world of the over-approximation (`over`: any unreported events at all)
        satisfies the assumptions."""
        with self.fewer():
            return not self.session.sat(self.over(assumptions))

    def minimal(
        self,
        fixed: Sequence[z3.BoolRef],
        candidates: Sequence[z3.BoolRef],
        absent_false: bool = False,
    ) -> tuple[list[z3.BoolRef], bool]:
        """A minimal subset of `candidates` that is impossible with `fixed` (`cores.minimal_core`)."""
        with self.fewer():
            return minimal_core(
                self.session,
                self.over(fixed),
                candidates,
                absent_false=absent_false,
                budget=self.opts.core_budget,
            )

    # ---- from literals back to reports ----------------------------------

    def because(self, core: Sequence[z3.BoolRef]) -> list[Because]:
        """The reports of a core, in the order they were written."""
        out = []
        for lit in core:
            r = self.report_of.get(lit.get_id())
            if r is None:
                continue
            out.append(because_of(r))
        return sorted(out, key=lambda b: (b.line, b.column, b.report))


def because_of(r: Report) -> Because:
    src = r.source.text if r.source is not None else None
    return Because(r.id, r.span.file, r.span.line, r.span.column, src)


def _nothing() -> None:
    pass


def _no_hints(active: set[int]) -> list[z3.BoolRef]:
    return []


def _never(active: set[int], assumed: set[int]) -> bool:
    return False
