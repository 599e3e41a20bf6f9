"""The batching sweep: every primitive in the registry, on its own samples, batched over each operand alone
and over all of them, must equal the numpy rule applied example by example and stacked.

Each batch holds three different examples (the samples drawn with three seeds), so a rule that mixes up the
batch axis with an operand's own axes gives wrong values, not just a wrong shape. Batch sizes are tried both
known (3) and symbolic: an op without a rule falls back to one application per element, which a symbolic
size does not allow, so every primitive reachable from a traced program needs a rule.
"""

import numpy as np
import pytest

from jaxlike.autodiff.batching import batch, batch_with_flags
from jaxlike.core.graph import Var, Graph
from jaxlike.core.interpret import interpret
from jaxlike.core.primitive import REGISTRY
from jaxlike.core.types import TensorType, Sym
from jaxlike.ops._rules import sample_cases
from jaxlike.runtime.trace import abstract_type

B = 3
# made by passes/fuse.py after all transformations have run; nothing batches it
NOT_BATCHED = {"fused", "iota"}   # iota: a batch of counts would be ragged (vmap refuses it with a clear error)
NAMES = sorted(set(REGISTRY) - NOT_BATCHED)


def _examples(name):
    """Per sample: the operands of the three examples, and the attrs."""
    per_seed = [sample_cases(REGISTRY[name], np.random.default_rng(seed)) for seed in range(B)]
    return [([tuple(np.asarray(a) for a in per_seed[k][j][0]) for k in range(B)], per_seed[0][j][1])
            for j in range(len(per_seed[0]))]


def _patterns(nargs):
    pats = [tuple(True for _ in range(nargs))]
    if nargs > 1:
        pats += [tuple(i == j for i in range(nargs)) for j in range(nargs)]
    return pats


def _run(prim, examples, attrs, pattern, size):
    ones = [Var(abstract_type(a)) for a in examples[0]]
    out = prim(*ones, **attrs)
    fulls, values, mapped = [], [], []
    for k, (one, b) in enumerate(zip(ones, pattern)):
        value = np.stack([ex[k] for ex in examples]) if b else examples[0][k]
        values.append(value)
        if b:
            full = Var(TensorType(one.dtype, (size,) + tuple(one.shape)))
            mapped.append(one)
            fulls.append(full)
    inputs = fulls + [o for o, b in zip(ones, pattern) if not b]
    (res,) = batch([out], mapped, fulls, size)
    args = [v for v, b in zip(values, pattern) if b] + [v for v, b in zip(values, pattern) if not b]
    with np.errstate(all="ignore"):
        (got,), _ = interpret(Graph(inputs, [res]), args)
    return got


def _expected(prim, examples, attrs, pattern):
    rows = []
    for k in range(B):
        args = [examples[k][i] if b else examples[0][i] for i, b in enumerate(pattern)]
        with np.errstate(all="ignore"):
            rows.append(np.asarray(prim.numpy(*args, **attrs)))
    return np.stack(rows)


@pytest.mark.parametrize("symbolic", [False, True], ids=["known-size", "symbolic-size"])
@pytest.mark.parametrize("name", NAMES)
def test_batched_primitive_equals_the_stacked_examples(name, symbolic):
    prim = REGISTRY[name]
    cases = _examples(name)
    if not cases:
        pytest.skip(f"{name} has no samples (test_registry requires a reason)")
    for examples, attrs in cases:
        for pattern in _patterns(len(examples[0])):
            want = _expected(prim, examples, attrs, pattern)
            got = _run(prim, examples, attrs, pattern, Sym() if symbolic else B)
            assert got.shape == want.shape, (name, attrs, pattern, got.shape, want.shape)
            assert got.dtype == want.dtype, (name, attrs, pattern, got.dtype, want.dtype)
            if want.dtype.kind in "fc":
                np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12, equal_nan=True,
                                           err_msg=f"{name} {attrs} batched {pattern}")
            else:
                np.testing.assert_array_equal(got, want, err_msg=f"{name} {attrs} batched {pattern}")


def test_an_output_that_does_not_depend_on_the_batch_is_broadcast_or_flagged():
    x, y = Var(TensorType(np.float64, (2,))), Var(TensorType(np.float64, (2,)))
    xb = Var(TensorType(np.float64, (B, 2)))
    out, flags = batch_with_flags([x * 2, y + 1], [x], [xb], B)
    assert flags == [True, False] and out[1].shape == (2,)
    (full,) = batch([y + 1], [x], [xb], B)
    assert full.shape == (B, 2)


def test_a_rule_that_declines_falls_back_per_element_and_needs_a_known_size():
    from jaxlike.core.primitive import Primitive, Kind
    from jaxlike.ops.math import sin
    # a throwaway primitive with no batching rule, not registered
    odd = Primitive("odd_one", Kind.OPAQUE, shape=lambda x: x, numpy=lambda x: np.sin(x) * np.arange(x.size))
    x, xb = Var(TensorType(np.float64, (4,))), Var(TensorType(np.float64, (B, 4)))
    (res,) = batch([sin(odd(x))], [x], [xb], B)
    vals = np.random.default_rng(0).normal(size=(B, 4))
    (got,), _ = interpret(Graph([xb], [res]), [vals])
    np.testing.assert_allclose(got, np.sin(np.sin(vals) * np.arange(4)))
    with pytest.raises(TypeError, match="odd_one has no batching rule.*symbolic"):
        batch([odd(x)], [x], [Var(TensorType(np.float64, (Sym(), 4)))], Sym())
