"""Stage 5: SPEC §4.2 verdicts from solver questions, with minimal explanations.

Every verdict is decided by asking whether the reports (as assumption
literals) are satisfiable together with a provision's breach, its keeping or
its fulfilment, never by re-implementing the semantics. Proofs are minimal
cores over report literals; incoherent scenarios get their minimal conflicts
and up to 8 maximal coherent readings, each judged in turn.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import z3

from checker.answers import Deadline, GaveUp
from checker.compile import sym
from checker.compile.conditions import compile_all
from checker.compile.openworld import Beyond, earliest_minute, plan_phantoms
from checker.compile.provisions import Compiled, ProvisionCompiler
from checker.compile.sym import Bool
from checker.compile.timeline import EAGER_INSTANCES, HINT_FROM, Defined, Timelines
from checker.compile.world import World, build_world, observation_time
from checker.ir import OTHER, EventReport, Provision, Report, Scenario, StateReport
from checker.results import Because, JointConflict, Mark, ProvisionResult, Reading, ScenarioResult
from checker.solver import DEFAULT_MEMORY_MB, DEFAULT_RLIMIT, PARTS_THAT_PAY, Session

MAX_READINGS = 8
PARTITION_FROM = 1000  # reports; below it one solver call per question is quicker
MAX_WITNESSES = 4  # models of real worlds kept to answer questions without the solver
MAX_CONFLICTS = 8


@dataclass
class Options:
    timeout: float | None = 60.0  # seconds of wall-clock time per scenario, everything included
    rlimit: int | None = DEFAULT_RLIMIT
    memory_mb: int | None = DEFAULT_MEMORY_MB
    dump_smt2: Path | None = None  # write every solver question here as SMT-LIB2
    core_budget: int = 400  # solver calls per minimal explanation (deterministic)
    explain: bool = False  # explain `open` verdicts with two worlds (SPEC §4.3)
    # rules of at most this many instances are asserted up front, the rest on demand;
    # the answers never depend on it (tests run with 0: everything on demand)
    eager_instances: int = EAGER_INSTANCES
    bounds: bool = True  # settle counter conditions from the ranges alone where they can
    # a maintained counter with this many changes offers a candidate world in which it
    # is broken, tried before the full question (tests run with 0: always)
    hints_from: int = HINT_FROM
    # "auto": from PARTITION_FROM reports on, and when the world has enough sizeable
    # parts, each question is answered part by part (independent unknowns in separate
    # solver calls); "always" and "never" force it. The answers never depend on it.
    partition: str = "auto"


UNDECIDED = (
    "open world: whether it holds could depend on more unreported events than are "
    "modelled one by one"
)


class Undecided(GaveUp):
    """An open-world question that neither the explicit unreported events decide (they
    allow no world) nor the over-approximation refutes (it allows one)."""

    def __init__(self) -> None:
        super().__init__(UNDECIDED)


class Judge:
    def __init__(
        self, scenario: Scenario, opts: Options | None = None, deadline: Deadline | None = None
    ) -> None:
        self.sc = scenario
        self.opts = opts or Options()
        self.deadline = deadline or Deadline(self.opts.timeout)
        # a fresh context: nothing that ran before in this process can change an answer
        self.ctx = z3.Context()
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
            self.session.merge_unless_parts_pay(self.states.parts_likely(PARTS_THAT_PAY))
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
        windows only) is answered by it when the formula holds there."""
        lits = self.report_lits
        if len(self._witnesses) < MAX_WITNESSES and len(assumptions) >= len(lits):
            if all(a is b for a, b in zip(assumptions, lits, strict=False)):
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

    def sat(self, assumptions: Sequence[z3.BoolRef]) -> bool:
        """Is there a compatible world where the assumptions hold? A give-up raises GaveUp;
        an open-world question the two encodings cannot settle raises Undecided."""
        if self.wild is None:
            if self.session.sat(assumptions):
                self._witness(assumptions)
                return True
            return False
        if self.session.sat(self.real(assumptions)):
            self._witness(assumptions)
            return True
        if not self.session.sat(self.over(assumptions)):
            return False
        raise Undecided()

    def minimal(
        self,
        fixed: Sequence[z3.BoolRef],
        candidates: Sequence[z3.BoolRef],
        absent_false: bool = False,
    ) -> tuple[list[z3.BoolRef], bool]:
        """A minimal subset of `candidates` that is impossible with `fixed` (see Session)."""
        return self.session.minimal_core(
            self.over(fixed), candidates, absent_false=absent_false, budget=self.opts.core_budget
        )

    # ---- the whole judgement --------------------------------------------

    def run(self) -> ScenarioResult:
        start = time.monotonic()
        result = self._blank()
        try:
            self._judge(result)
        except GaveUp as gave_up:
            result.verdict = "unknown"
            result.reason = gave_up.reason
        except MemoryError:
            result.verdict = "unknown"
            result.reason = "memory limit reached"
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

    def _blank(self) -> ScenarioResult:
        return blank_result(self.sc)

    def _judge(self, result: ScenarioResult) -> None:
        lits = self.report_lits
        self._coherent = self.sat(lits)
        if not self._coherent:
            result.verdict = "incoherent"
            result.conflicts = [tuple(self._because(c)) for c in self._conflicts()]
            result.readings = self._readings()
            result.provisions = self._incoherent_provisions(result.readings)
            return
        for c in self.compiled:
            with self.scope():
                judged = self._provision(c, lits)
                if self.opts.explain and judged.verdict == "open":
                    from checker.explain import explain_open

                    judged = replace(judged, explanation=explain_open(self, judged.id, lits))
            result.provisions.append(judged)
        with self.scope():
            verdict, joint = self._joint(lits, result.provisions)
        result.verdict = verdict
        result.joint = joint

    def _incoherent_provisions(self, readings: list[Reading]) -> list[ProvisionResult]:
        """Per-provision verdicts of an incoherent scenario: over the worlds of its most
        trusted readings together, so that ties between equally trusted readings never
        depend on the order the reports were written in."""
        top = [r for r in readings if readings and r.weight == readings[0].weight]
        out = []
        for c in self.compiled:
            seen = {dict(r.provisions)[c.provision.id] for r in top}
            lits = [self.world.lits[x] for x in top[0].reports] if top else []
            with self.scope():
                base = self._provision(c, lits, explain=False)
            out.append(
                replace(base, verdict=_union_verdict(seen) if seen else base.verdict, because=())
            )
        return out

    def verdict_of(self, c: Compiled, lits: Sequence[z3.BoolRef]) -> str:
        p = c.provision
        if p.form == "unformalized":
            return "unformalized"
        if c.applies is not True and not self.possible(p.id, "applies", lits):
            return "waived"  # its `if` fails in every compatible world (SPEC §4.2)
        if not self.possible(p.id, "keep", lits):
            return "violated"
        if self.possible(p.id, "breach", lits):
            return "open"
        if c.fulfilled is not None and self.possible(p.id, "unfulfilled", lits):
            return "pending"
        return "complied"

    def _provision(
        self, c: Compiled, lits: Sequence[z3.BoolRef], explain: bool = True
    ) -> ProvisionResult:
        p = c.provision
        undecided: str | None = None
        try:
            verdict = self.verdict_of(c, lits)
        except Undecided as u:
            verdict, undecided = "unknown", u.reason
        because: tuple[Because, ...] = ()
        note = None
        responsible: tuple[str, ...] = ()
        if verdict == "violated" and explain:
            self._minimal = True
            core = self._proof(p.id, lits)
            because = tuple(self._because(core))
            if not self._minimal:
                note = f"{len(core)} reports; not minimized further (limit of {self.opts.core_budget} solver calls)"
            if not core:
                note = _unprompted_note(p, self.sc.world)
            responsible = self._responsible(c, lits)
        else:
            if verdict == "waived" and explain:
                because = tuple(self._because(self._waiver(p.id, lits)))
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
            amended_by=p.amended_by,
            interpreted_by=p.interpreted_by,
            because=because,
            note=undecided
            or (
                note
                if verdict in ("violated", "waived")
                else (p.reason if p.form == "unformalized" else None)
            ),
            span=p.span,
        )

    def _proof(self, pid: str, lits: Sequence[z3.BoolRef]) -> list[z3.BoolRef]:
        q = self.question(pid, "keep")
        if q is False:
            return []
        fixed = [] if q is True else [q]
        single = self._single_proof(pid, fixed, lits)
        if single is not None:
            return single
        core, self._minimal = self.minimal(
            fixed, list(lits), absent_false=self.sc.world == "closed"
        )
        return core

    def _waiver(self, pid: str, lits: Sequence[z3.BoolRef]) -> list[z3.BoolRef]:
        """A minimal set of reports under which the provision's `if` fails."""
        q = self.question(pid, "applies")
        if isinstance(q, bool):
            return []
        core, _ = self.minimal([q], list(lits), absent_false=self.sc.world == "closed")
        return core

    def _single_proof(
        self, pid: str, fixed: list[z3.BoolRef], lits: Sequence[z3.BoolRef]
    ) -> list[z3.BoolRef] | None:
        """The earliest report that alone forces the breach of a forbid/each provision
        (None: none does, or another form).

        A report alone forces it only if its own event is a culprit, so only the
        culprits' reports are tried, in report order; with no report at all not
        forcing it, a single one is a minimal proof, and the earliest such is the
        canonical one (docs/semantics.md)."""
        c = self.compiled_by_id[pid]
        if c.provision.form not in ("forbid", "each"):
            return None
        closed = self.sc.world == "closed"
        order = {lit.get_id(): i for i, lit in enumerate(lits)}
        suspects = sorted(
            {
                self.world.lits[r.id].get_id()
                for slot, _ in c.culprits()
                for r in slot.reports
                if self.world.lits[r.id].get_id() in order
            },
            key=order.__getitem__,
        )
        if not suspects:
            return None
        by_id = {lit.get_id(): lit for lit in lits}

        def forced(chosen: list[z3.BoolRef]) -> bool:
            rest = (
                [self.session.negation(x) for x in lits if all(x is not y for y in chosen)]
                if closed
                else []
            )
            return not self.session.sat(self.over([*fixed, *chosen, *rest]))

        if forced([]):
            return []
        for k in suspects[: self.opts.core_budget]:
            if forced([by_id[k]]):
                return [by_id[k]]
        return None

    def _because(self, core: Sequence[z3.BoolRef]) -> list[Because]:
        out = []
        for lit in core:
            r = self.report_of.get(lit.get_id())
            if r is None:
                continue
            out.append(_because(r))
        return sorted(out, key=lambda b: (b.line, b.column, b.report))

    # ---- responsibility --------------------------------------------------

    def _responsible(self, c: Compiled, lits: Sequence[z3.BoolRef]) -> tuple[str, ...]:
        p = c.provision
        if p.responsible != ("actor",):
            return p.responsible
        index = self.world.index
        by_party: dict[str, set[int]] = {}
        # the proof is made of reports: unreported (phantom) events could breach too,
        # but no world needs them to, so they name no one
        with self.states.collecting() as deps:
            culprits = [(s, cond) for s, cond in c.culprits() if not s.phantom]
        for slot, _ in culprits:
            for code in sorted(slot.actor.dom):
                by_party.setdefault(self.party_of(index.name("actor", code)), set()).add(code)
        found = []
        for party in sorted(by_party):
            codes = frozenset(by_party[party])
            blamed = sym.Or(*(sym.And(cond, sym.cat_in(s.actor, codes)) for s, cond in culprits))
            if blamed is False:
                continue
            if blamed is True:
                found.append(party)
                continue
            q = self.gate(f"blame:{p.id}:{party}", blamed, [*c.deps, *deps])
            if self.sat([*lits, q]):
                found.append(party)
        return tuple(found)

    def party_of(self, actor: str) -> str:
        """The nearest party among an actor's `part_of` ancestors, else its topmost ancestor."""
        if actor == OTHER:
            return "unknown"
        terms = self.sc.terms
        h = terms.actors
        frontier = [actor]
        seen = set()
        while frontier:
            for a in frontier:
                if a in terms.parties:
                    return a
            seen.update(frontier)
            frontier = sorted({p for a in frontier for p in h.entities[a].parents} - seen)
        roots = sorted(a for a in h.ancestors[actor] if not h.entities[a].parents)
        return roots[0] if roots else actor

    # ---- the joint verdict ----------------------------------------------

    def _joint(
        self, lits: Sequence[z3.BoolRef], provisions: list[ProvisionResult]
    ) -> tuple[str, JointConflict | None]:
        binding = [
            c for c in self.compiled if c.provision.binding and c.provision.form != "unformalized"
        ]
        if any(r.verdict == "violated" and r.binding for r in provisions):
            return "violation", None
        keeps = {c.provision.id: self.question(c.provision.id, "keep") for c in binding}
        if any(q is False for q in keeps.values()):
            return "violation", None
        keep_lits = [q for q in keeps.values() if not isinstance(q, bool)]
        if self.sat([*lits, *keep_lits]):
            return "consistent", None
        core, _ = self.minimal([], [*keep_lits, *lits])
        ids = {q.get_id(): pid for pid, q in keeps.items() if not isinstance(q, bool)}
        names = tuple(ids[c.get_id()] for c in core if c.get_id() in ids)
        return "violation", JointConflict(names, tuple(self._because(core)))

    # ---- incoherence -----------------------------------------------------

    def _conflicts(self) -> list[list[z3.BoolRef]]:
        """Minimal sets of reports that cannot all be true (up to MAX_CONFLICTS)."""
        return self._marco()[0]

    def _readings(self) -> list[Reading]:
        msses = self._marco()[1]
        weight = {r.id: _reliability(r) for r in self.sc.reports}
        verdicts: list[list[tuple[str, str]]] = [[] for _ in msses]
        for c in self.compiled:  # one scope per provision, every reading in it
            with self.scope():
                for i, mss in enumerate(msses):
                    verdicts[i].append((c.provision.id, self.verdict_of(c, mss)))
        with self.scope():
            joints = [self._joint_verdict(mss) for mss in msses]
        readings = []
        for mss, mine, joint in zip(msses, verdicts, joints, strict=True):
            kept = [self.report_of[x.get_id()].id for x in mss]
            dropped = [r.id for r in self.sc.reports if r.id not in set(kept)]
            readings.append(
                Reading(
                    tuple(kept),
                    tuple(dropped),
                    round(sum(weight[k] for k in kept), 6),
                    joint,
                    tuple(mine),
                )
            )
        readings.sort(key=lambda r: (-r.weight, -len(r.reports), r.dropped))
        return readings[:MAX_READINGS]

    def _joint_verdict(self, lits: Sequence[z3.BoolRef]) -> str:
        keeps = [
            self.question(c.provision.id, "keep")
            for c in self.compiled
            if c.provision.binding and c.provision.form != "unformalized"
        ]
        if any(q is False for q in keeps):
            return "violation"
        ok = self.sat([*lits, *(q for q in keeps if not isinstance(q, bool))])
        return "consistent" if ok else "violation"

    _marco_cache: tuple[list[list[z3.BoolRef]], list[list[z3.BoolRef]]] | None = None

    def _marco(self) -> tuple[list[list[z3.BoolRef]], list[list[z3.BoolRef]]]:
        """MUSes and MSSes of the report literals (Liffiton's MARCO), bounded."""
        if self._marco_cache is not None:
            return self._marco_cache
        lits = self.report_lits
        by_weight = sorted(
            lits, key=lambda x: -_reliability(self.report_of[x.get_id()])
        )  # grow readings by trusting the most reliable sources first
        chooser = z3.Solver(ctx=self.ctx)
        chooser.set("random_seed", 0)
        pick = {x.get_id(): z3.Bool(f"pick:{i}", self.ctx) for i, x in enumerate(lits)}
        muses: list[list[z3.BoolRef]] = []
        msses: list[list[z3.BoolRef]] = []
        rounds = 0
        while (len(muses) < MAX_CONFLICTS or len(msses) < MAX_READINGS) and rounds < 64:
            rounds += 1
            if chooser.check() != z3.sat:
                break
            m = chooser.model()
            seed = [
                x for x in lits if not z3.is_false(m.eval(pick[x.get_id()], model_completion=False))
            ]
            if self.sat(seed):
                grown = list(seed)
                for x in by_weight:
                    if x not in grown and self.sat([*grown, x]):
                        grown.append(x)
                mss = [x for x in lits if any(x.eq(g) for g in grown)]
                msses.append(mss)
                chooser.add(
                    z3.Or(
                        *[pick[x.get_id()] for x in lits if not any(x.eq(g) for g in mss)]
                        or [z3.BoolVal(False, self.ctx)]
                    )
                )
            else:
                mus, _ = self.minimal([], seed)
                muses.append(mus)
                chooser.add(z3.Or(*[z3.Not(pick[x.get_id()]) for x in mus]))
        self._marco_cache = (muses[:MAX_CONFLICTS], msses)
        return self._marco_cache


def blank_result(sc: Scenario) -> ScenarioResult:
    """A scenario's result before any verdict: what it is, and its timeline."""
    return ScenarioResult(
        file=sc.file,
        id=sc.id,
        title=sc.title,
        terms=sc.terms.id,
        terms_file=sc.terms.file,
        as_of=sc.as_of_text,
        world=sc.world,
        interpretation=sc.interpretation,
        verdict="unknown",
        has_expect=sc.expect is not None,
        span=sc.span,
        timeline=_timeline(sc),
        in_force=sc.terms.in_force,
        as_of_minute=sc.as_of,
    )


def dormant_results(sc: Scenario) -> list[ProvisionResult]:
    """The provisions the terms define that are not in force (SPEC §3.6): `not-in-force`."""
    return [
        ProvisionResult(
            id=d.id,
            point=d.point,
            form=d.form,
            verdict="not-in-force",
            binding=d.binding,
            text=d.text,
            note=d.reason,
            span=d.span,
        )
        for d in sc.terms.dormant
    ]


def _union_verdict(verdicts: set[str]) -> str:
    """The verdict over the union of several sets of worlds, from the verdict over each."""
    if len(verdicts) == 1:
        return next(iter(verdicts))
    if "waived" in verdicts:  # waiving worlds keep it (and fulfil it) but decide nothing
        rest = verdicts - {"waived"}
        if rest <= {"complied", "pending"}:
            return _union_verdict(rest)
        return "open"
    if verdicts <= {"complied", "pending"}:
        return "pending"
    return "open"


def _timeline(sc: Scenario) -> list[Mark]:
    """Reports and fixed deadlines in time order, for the HTML report."""
    from checker import timeutil as tu
    from checker.describe import describe_report
    from checker.ir import AbsenceReport, Fixed

    def show(lo: int, hi: int) -> str:
        a, b = tu.format_instant(lo, sc.zone), tu.format_instant(hi, sc.zone)
        return a if lo == hi else f"{a} .. {b}"

    marks = []
    for r in sc.reports:
        kind = (
            "event"
            if isinstance(r, EventReport)
            else "absence"
            if isinstance(r, AbsenceReport)
            else "observation"
        )
        detail = describe_report(r, sc.terms)
        marks.append(Mark(r.id, kind, r.lo, r.hi, show(r.lo, r.hi), r.span.line, detail))
    for p in sc.terms.provisions:
        if isinstance(p.window.end, Fixed):
            m = p.window.end.minute
            marks.append(Mark(f"{p.id} due", "deadline", m, m, show(m, m)))
    return sorted(marks, key=lambda m: (m.lo, m.hi, m.label))


def _unprompted_note(p: Provision, world: str) -> str:
    """Why a breach needs no report at all."""
    closed = world == "closed"
    if p.form == "require":
        return "nothing reported fulfils it" + (" (closed world)" if closed else "")
    if p.form == "achieve":
        return "the initial state stands" + (
            " (closed world: no reported event changes it in time)" if closed else ""
        )
    return "forced by the terms alone"


def _reliability(r: Report) -> float:
    if r.source is not None and r.source.reliability is not None:
        return r.source.reliability
    return 1.0


def _because(r: Report) -> Because:
    src = r.source.text if r.source is not None else None
    return Because(r.id, r.span.file, r.span.line, r.span.column, src)


def judge(
    scenario: Scenario, opts: Options | None = None, deadline: Deadline | None = None
) -> ScenarioResult:
    """Judge one resolved scenario; a give-up (time, resource or memory limit) anywhere,
    building the encoding included, is the verdict `unknown` with its reason."""
    began = time.monotonic()
    try:
        j = Judge(scenario, opts, deadline)
    except GaveUp as gave_up:
        return _gave_up(scenario, gave_up.reason, began)
    except MemoryError:
        return _gave_up(scenario, "memory limit reached", began)
    try:
        return j.run()
    finally:
        j.release()


def _nothing() -> None:
    pass


def _no_hints(active: set[int]) -> list[z3.BoolRef]:
    return []


def _never(active: set[int], assumed: set[int]) -> bool:
    return False


def _gave_up(scenario: Scenario, reason: str, began: float) -> ScenarioResult:
    result = blank_result(scenario)
    result.verdict = "unknown"
    result.reason = reason
    result.provisions.extend(dormant_results(scenario))
    result.duration = time.monotonic() - began
    return result
