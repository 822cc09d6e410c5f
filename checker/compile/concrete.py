"""Stage 4: a timeline evaluated in a solver's model, as concrete minutes and values.

Used to find which instances of a rule "for every change" a candidate world
breaks (checker/compile/refine.py).
"""

from __future__ import annotations

import bisect
import ctypes
from collections.abc import Callable

import z3
from z3 import z3core

from checker.compile.defined import Change
from checker.compile.statekey import Timeline
from checker.compile.sym import Cat
from checker.ir import StateCond
from checker.z3raw import raw

_model_eval = raw(z3core.Z3_model_eval)


def holds_value(tl: Timeline, cond: StateCond, value: int) -> bool:
    """A state condition on a concrete value."""
    if tl.counter:
        return (cond.min is None or cond.min <= value) and (cond.max is None or value <= cond.max)
    assert cond.test is not None
    return value in tl.world.index.test(tl.owner.ns(tl.state), cond.test)


# A value read from a model; named at module level, where `int` and `bool`
# are still the builtins and not ModelEval's methods of the same names.
_Value = int | bool


class ModelEval:
    """Values of terms in a model, memoized; read through the C API (z3's `model.eval`
    wraps every answer in Python objects, which cost 80 µs a term).

    `model_of(e)` is the Z3 model to read `e` in: one model (`of_model`), or for a world
    answered part by part the model of `e`'s own part (checker/partition/models.py)."""

    def __init__(self, ctx: z3.Context, model_of: Callable[[z3.ExprRef], object]) -> None:
        self.ctx = ctx
        self._model_of = model_of
        self._memo: dict[int, int | bool] = {}
        self._out = (z3.Ast * 1)()

    @classmethod
    def of_model(cls, model: z3.ModelRef) -> ModelEval:
        return cls(model.ctx, lambda e: model.model)  # (which keeps `model` alive)

    def _raw(self, e: z3.ExprRef) -> object:
        if not _model_eval(self.ctx.ctx, self._model_of(e), e.ast, True, self._out):
            # only when the context was interrupted (the deadline's watchdog): raised as
            # Z3 raises, so the judge gives `unknown` with the time limit as its reason
            raise z3.Z3Exception("model evaluation interrupted")
        return self._out[0]

    def bool(self, x: object) -> bool:
        if isinstance(x, bool):
            return x
        return bool(self._memoized(x, self._to_bool))

    def int(self, x: object) -> int:
        if isinstance(x, int):
            return x
        return int(self._memoized(x, self._to_int))

    def _memoized(self, x: object, convert: Callable[[object], _Value]) -> _Value:
        assert isinstance(x, z3.ExprRef)
        k = id(x)
        got = self._memo.get(k)
        if got is None:
            got = self._memo[k] = convert(self._raw(x))
        return got

    def _to_bool(self, raw: object) -> _Value:
        return bool(z3core.Z3_get_bool_value(self.ctx.ref(), raw) == z3.Z3_L_TRUE)

    def _to_int(self, raw: object) -> _Value:
        value = ctypes.c_int64()
        if z3core.Z3_get_numeral_int64(self.ctx.ref(), raw, ctypes.byref(value)):
            return value.value
        return int(z3core.Z3_get_numeral_string(self.ctx.ref(), raw))  # beyond 64 bits


class Concrete:
    """One timeline in one candidate world: which changes happened, when, and to what."""

    def __init__(self, tl: Timeline, ev: ModelEval) -> None:
        self.tl = tl
        self.ev = ev
        self._occ: dict[int, bool] = {}
        self._time: dict[int, int] = {}
        self._order: list[Change] | None = None
        self._minutes: list[int] | None = None
        self._values: list[int] | None = None

    def occurs(self, c: Change) -> bool:
        if c.index not in self._occ:
            self._occ[c.index] = self.ev.bool(c.guard)
        return self._occ[c.index]

    def time(self, c: Change) -> int:
        if c.index not in self._time:
            self._time[c.index] = self.ev.int(c.slot.t.e)
        return self._time[c.index]

    def order(self) -> list[Change]:
        if self._order is None:
            self._order = sorted(
                (c for c in self.tl.changes if self.occurs(c)),
                key=lambda c: (self.time(c), c.index),
            )
        return self._order

    def _initial(self) -> int:
        v = self.tl.initial
        return self.ev.int(v.e if isinstance(v, Cat) else v)

    def _value(self, c: Change) -> int:
        v = c.value
        return self.ev.int(v.e if isinstance(v, Cat) else v)

    def _steps(self) -> tuple[list[int], list[int]]:
        """The minutes at which the value changes, and the value from each on."""
        if self._minutes is None:
            minutes: list[int] = []
            values: list[int] = []
            value = self._initial()
            for c in self.order():
                m = self.time(c)
                value = value + self._value(c) if self.tl.counter else self._value(c)
                if minutes and minutes[-1] == m:
                    values[-1] = value
                else:
                    minutes.append(m)
                    values.append(value)
            self._minutes, self._values = minutes, values
        assert self._values is not None
        return self._minutes, self._values

    def value_before(self, minute: int) -> int:
        """The value just before `minute` (changes at earlier minutes only)."""
        minutes, values = self._steps()
        i = bisect.bisect_left(minutes, minute)
        return values[i - 1] if i else self._initial()

    def value_at(self, minute: int) -> int:
        minutes, values = self._steps()
        i = bisect.bisect_right(minutes, minute)
        return values[i - 1] if i else self._initial()

    def was_holds(self, c: Change) -> bool:
        before = self.value_before(self.time(c))
        for is_kind, target in c.was:
            if self.ev.bool(is_kind):
                tcode = self.ev.int(target.e)
                if not self.tl.owner.matches_code(before, tcode, self.tl.state):
                    return False
        return True

    def holds_after(self, cond: StateCond, minute: int) -> bool:
        return holds_value(self.tl, cond, self.value_at(minute))
