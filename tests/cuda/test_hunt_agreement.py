"""User-level programs (jaxlike.compile / jaxlike.function with device='cuda') that once disagreed with the CPU
in the CUDA simulator. Each test says what it would catch; sizes are tiny (the simulator is slow).
"""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp


def test_a_returned_size_survives_later_calls(gpu):
    """Catches: a size_of output (the plan's own buffer, uploaded once per plan) handed to the buffer pool
    after the call, so the next call's temporaries overwrite it and `x.shape[0]` comes back as another
    result's value (here the int sum 30 instead of 3)."""
    f = jaxlike.compile(lambda a, i: (jnp.sum(i), a.shape[0]), device="cuda")
    x, i = np.ones((3, 2)), np.array([10, 20])
    for _ in range(3):
        total, n = f(x, i)
        assert int(total) == 30 and int(n) == 3


@pytest.fixture
def on_cuda():
    old = jaxlike.config.device
    jaxlike.config.device = "cuda"
    yield
    jaxlike.config.device = old


def test_an_update_may_grow_or_shrink_its_shared_variable(gpu, on_cuda):
    """Catches: an update whose value has another size than the state (appending to a history, dropping the
    first element) written in place into the old buffer, which crashed with numba's "incompatible shape"
    where the CPU simply stores the new value."""
    T = pytest.importorskip("jaxlike.tensor")
    hist = jaxlike.shared(np.zeros((0, 2)), name="hist")
    queue = jaxlike.shared(np.arange(4.0), name="queue")
    x = T.vector("x")
    step = jaxlike.function([x], T.sum(queue), updates=[(hist, T.concatenate([hist, x[None, :]], axis=0)),
                                                        (queue, queue[1:])])
    for k in range(3):
        assert float(step(np.array([1.0, 2.0]) * k)) == sum(range(k, 4))
    np.testing.assert_array_equal(hist.get_value(), [[0.0, 0.0], [1.0, 2.0], [2.0, 4.0]])
    np.testing.assert_array_equal(queue.get_value(), [3.0])


def test_get_value_and_set_value_copy_a_device_value(gpu, on_cuda):
    """Catches: the simulator's device arrays handing numpy their host memory, so W.get_value() (a copy on a
    GPU) changed when the next step updated W in place, and set_value of another variable's device value
    made both variables one buffer."""
    w = jaxlike.shared(np.array([1.0, 2.0]), name="w")
    v = jaxlike.shared(np.array([3.0, 4.0]), name="v")
    grow = jaxlike.function([], [], updates=[(w, w + v)])
    grow()
    before = w.get_value()
    grow()
    np.testing.assert_array_equal(before, [4.0, 6.0])
    v.set_value(w.get_value(borrow=True, return_internal_type=True))
    grow()
    np.testing.assert_array_equal(v.get_value(), [7.0, 10.0])
    np.testing.assert_array_equal(w.get_value(), [14.0, 20.0])


def test_scatter_add_of_complex_and_narrow_numbers(gpu):
    """Catches: scatter_add (the gradient of integer indexing, and x.at[i].add) refused with CannotLower for
    complex results (no complex atomic add: the parts are added through a real view of the buffer) and for
    8/16-bit numbers (no atomic add at all: numpy on the host does it), where the CPU computes them."""
    z = np.array([1 + 2j, -0.5j, 3.0, 2 - 1j])
    idx = np.array([0, 2, 2, -1])
    with pytest.warns(RuntimeWarning, match="no kernel for scatter_add"):
        narrow = jaxlike.compile(lambda a, i: a.at[i].add(3), device="cuda")
        got = narrow(np.array([1, 2, 3, 4], np.int8), idx)
    np.testing.assert_array_equal(got, np.array([4, 2, 9, 7], np.int8))
    for dt in (np.complex128, np.complex64):
        loss = jaxlike.grad(lambda a: jnp.sum(jnp.abs(a[idx] * (1 + 1j)) ** 2))
        np.testing.assert_allclose(jaxlike.compile(loss, device="cuda")(z.astype(dt)), loss(z.astype(dt)),
                                   rtol=1e-6)
        shifted = jaxlike.compile(lambda a, i: a.at[i].add(1j), device="cuda")(z.astype(dt), idx)
        np.testing.assert_allclose(shifted, z.astype(dt) + np.array([1j, 0, 2j, 1j]), rtol=1e-6)


def test_index_and_empty_errors_match_the_cpu(gpu):
    """Catches: an out-of-range index reported as a bare IndexError naming no index, axis, size or line (the
    CPU raises IndexOutOfRange with all four, which code may catch), and argmax of an empty axis raising a
    plain ValueError instead of the CPU's EmptyReduction."""
    from jaxlike.core.errors import IndexOutOfRange, EmptyReduction
    pick = jaxlike.compile(lambda a, i: (a[i] * 2.0, a.at[i + 0].add(1.0)), device="cuda")
    x = np.arange(6.0).reshape(3, 2)
    with pytest.raises(IndexOutOfRange, match=r"^take \(at test_hunt_agreement.py:\d+\): index 5 is out of "
                                              r"bounds for axis 0 with size 3$"):
        pick(x, np.array([0, 5]))
    rows, added = pick(x, np.array([-1, 0]))  # the flag was reset
    np.testing.assert_array_equal(rows, [[8.0, 10.0], [0.0, 2.0]])
    with pytest.raises(EmptyReduction, match=r"^argmax \(at test_hunt_agreement.py:\d+\): attempt to get argmax"):
        jaxlike.compile(lambda a: jnp.argmax(a, axis=0), device="cuda")(np.zeros((0, 2)))
