"""``jaxlike.example_libraries.optimizers``, as ``jax.example_libraries.optimizers``: an optimizer is an
``(init_fn, update_fn, get_params)`` triple. ``init_fn(params)`` gives an ``OptimizerState`` (a pytree, so it
passes in and out of ``jaxlike.jit``), ``update_fn(step, grads, opt_state)`` the next state, ``get_params``
the parameters back. ``step`` may be a Python int or a traced int. The ``optimizer`` decorator lifts a triple
written for one array to pytrees of parameters. Optimizers: sgd, momentum, nesterov, adagrad, rmsprop,
rmsprop_momentum, adam, adamax, sm3; schedules: constant, exponential_decay, inverse_time_decay,
polynomial_decay, piecewise_constant, make_schedule; utilities: l2_norm, clip_grads, and
unpack_optimizer_state / pack_optimizer_state (with JoinPoint) for serializing a state.

A front-end module: imports jaxlike's public API (numpy, tree_util)."""

import functools
import math
from collections import namedtuple
from typing import Any, Callable, NamedTuple

import numpy as np

from .. import numpy as jnp
from .. import tree_util

__all__ = ["OptimizerState", "Optimizer", "optimizer", "sgd", "momentum", "nesterov", "adagrad", "rmsprop",
           "rmsprop_momentum", "adam", "adamax", "sm3", "constant", "exponential_decay", "inverse_time_decay",
           "polynomial_decay", "piecewise_constant", "make_schedule", "l2_norm", "clip_grads", "JoinPoint",
           "unpack_optimizer_state", "pack_optimizer_state"]

# The state of a pytree of parameters is two-level: the parameters' tree (``tree_def``) and, per parameter
# leaf, the tree of that leaf's own state (``subtree_defs``); ``packed_state`` holds each of those inner trees
# flattened. Both tree structures are auxiliary data, so under jit only the arrays are traced.
OptimizerState = namedtuple("OptimizerState", ["packed_state", "tree_def", "subtree_defs"])
tree_util.register_pytree_node(
    OptimizerState,
    lambda s: ((s.packed_state,), (s.tree_def, s.subtree_defs)),
    lambda aux, children: OptimizerState(children[0], aux[0], aux[1]))

Schedule = Callable[[Any], Any]


class Optimizer(NamedTuple):
    init_fn: Callable
    update_fn: Callable
    params_fn: Callable


def _unzip2(pairs):
    firsts, seconds = [], []
    for a, b in pairs:
        firsts.append(a)
        seconds.append(b)
    return tuple(firsts), tuple(seconds)


def _state(opt_state, fname):
    if not (isinstance(opt_state, tuple) and len(opt_state) == 3):
        raise TypeError(f"optimizers: {fname} expects opt_state, the OptimizerState from init_fn or update_fn, got "
                        f"{type(opt_state).__name__}")
    return opt_state


def optimizer(opt_maker):
    """Lifts ``opt_maker``, whose ``(init, update, get_params)`` work on one array, to an ``Optimizer`` whose
    functions work on any pytree of arrays (each leaf gets its own inner state)."""
    @functools.wraps(opt_maker)
    def tree_opt_maker(*args, **kwargs):
        init, update, get_params = opt_maker(*args, **kwargs)

        @functools.wraps(init)
        def tree_init(x0_tree):
            x0_flat, tree = tree_util.tree_flatten(x0_tree)
            states_flat, subtrees = _unzip2(tree_util.tree_flatten(init(x0)) for x0 in x0_flat)
            return OptimizerState(states_flat, tree, subtrees)

        @functools.wraps(update)
        def tree_update(i, grad_tree, opt_state):
            states_flat, tree, subtrees = _state(opt_state, "update_fn")
            grad_flat, tree2 = tree_util.tree_flatten(grad_tree)
            if tree2 != tree:
                raise TypeError("optimizer update function was passed a gradient tree that did not match the "
                                f"parameter tree structure with which it was initialized: parameter tree {tree} "
                                f"and grad tree {tree2}.")
            states = [tree_util.tree_unflatten(s, f) for s, f in zip(subtrees, states_flat)]
            new_states = [update(i, g, s) for g, s in zip(grad_flat, states)]
            new_flat, subtrees2 = _unzip2(tree_util.tree_flatten(s) for s in new_states)
            for subtree, subtree2 in zip(subtrees, subtrees2):
                if subtree2 != subtree:
                    raise TypeError("optimizer update function produced an output structure that did not match "
                                    f"its input structure: input {subtree} and output {subtree2}.")
            return OptimizerState(new_flat, tree, subtrees)

        @functools.wraps(get_params)
        def tree_get_params(opt_state):
            states_flat, tree, subtrees = _state(opt_state, "get_params")
            states = [tree_util.tree_unflatten(s, f) for s, f in zip(subtrees, states_flat)]
            return tree_util.tree_unflatten(tree, [get_params(s) for s in states])

        return Optimizer(tree_init, tree_update, tree_get_params)
    return tree_opt_maker


# -- optimizers ----------------------------------------------------------------------------------------------
@optimizer
def sgd(step_size):
    """Stochastic gradient descent: ``x - step_size(i) * g``."""
    step_size = make_schedule(step_size)

    def init(x0):
        return x0

    def update(i, g, x):
        return x - step_size(i) * g

    def get_params(x):
        return x
    return Optimizer(init, update, get_params)


def _first(state):
    """get_params of the optimizers whose state is (params, accumulators...)."""
    return state[0]


def _with_one_zero(x0):
    """init of the optimizers that keep one accumulator of the parameters' shape (momentum, nesterov,
    rmsprop)."""
    return x0, jnp.zeros_like(x0)


def _with_two_zeros(x0):
    """init of the optimizers that keep two accumulators of the parameters' shape (adagrad, rmsprop_momentum,
    adam, adamax)."""
    return x0, jnp.zeros_like(x0), jnp.zeros_like(x0)


@optimizer
def momentum(step_size, mass):
    """SGD with momentum: ``v = mass * v + g``, ``x - step_size(i) * v``."""
    step_size = make_schedule(step_size)

    def update(i, g, state):
        x, velocity = state
        velocity = mass * velocity + g
        return x - step_size(i) * velocity, velocity

    return _with_one_zero, update, _first


@optimizer
def nesterov(step_size, mass):
    """SGD with Nesterov momentum: ``v = mass * v + g``, ``x - step_size(i) * (mass * v + g)``."""
    step_size = make_schedule(step_size)

    def update(i, g, state):
        x, velocity = state
        velocity = mass * velocity + g
        return x - step_size(i) * (mass * velocity + g), velocity

    return _with_one_zero, update, _first


@optimizer
def adagrad(step_size, momentum=0.9):
    """Adagrad (Duchi et al. 2011) with momentum on the scaled gradient, as JAX's."""
    step_size = make_schedule(step_size)

    def update(i, g, state):
        x, g_sq, m = state
        g_sq = g_sq + jnp.square(g)
        # NOTE: a coordinate whose gradients were all 0 stays put (1/sqrt(0) would make it NaN)
        g_sq_inv_sqrt = jnp.where(g_sq > 0, 1. / jnp.sqrt(g_sq), 0.0)
        m = (1. - momentum) * (g * g_sq_inv_sqrt) + momentum * m
        return x - step_size(i) * m, g_sq, m

    return _with_two_zeros, update, _first


@optimizer
def rmsprop(step_size, gamma=0.9, eps=1e-8):
    """RMSProp: a running mean of g^2 (decay ``gamma``) scales each step."""
    step_size = make_schedule(step_size)

    def update(i, g, state):
        x, avg_sq_grad = state
        avg_sq_grad = avg_sq_grad * gamma + jnp.square(g) * (1. - gamma)
        return x - step_size(i) * g / jnp.sqrt(avg_sq_grad + eps), avg_sq_grad

    return _with_one_zero, update, _first


@optimizer
def rmsprop_momentum(step_size, gamma=0.9, eps=1e-8, momentum=0.9):
    """RMSProp whose scaled steps accumulate in a momentum term."""
    step_size = make_schedule(step_size)

    def update(i, g, state):
        x, avg_sq_grad, mom = state
        avg_sq_grad = avg_sq_grad * gamma + jnp.square(g) * (1. - gamma)
        mom = momentum * mom + step_size(i) * g / jnp.sqrt(avg_sq_grad + eps)
        return x - mom, avg_sq_grad, mom

    return _with_two_zeros, update, _first


@optimizer
def adam(step_size, b1=0.9, b2=0.999, eps=1e-8):
    """Adam (Kingma & Ba 2015): bias-corrected first and second moment estimates; step ``i`` counts from 0."""
    step_size = make_schedule(step_size)

    def update(i, g, state):
        x, m, v = state
        m = (1 - b1) * g + b1 * m
        v = (1 - b2) * jnp.square(g) + b2 * v
        # NOTE: b1 and b2 as arrays of the moments' dtype, as JAX's: a float32 model's correction stays float32
        mhat = m / (1 - jnp.asarray(b1, jnp.result_type(m)) ** (i + 1))
        vhat = v / (1 - jnp.asarray(b2, jnp.result_type(m)) ** (i + 1))
        return x - step_size(i) * mhat / (jnp.sqrt(vhat) + eps), m, v

    return _with_two_zeros, update, _first


@optimizer
def adamax(step_size, b1=0.9, b2=0.999, eps=1e-8):
    """AdaMax: Adam with the infinity norm of past gradients in place of the second moment."""
    step_size = make_schedule(step_size)

    def update(i, g, state):
        x, m, u = state
        m = (1 - b1) * g + b1 * m
        u = jnp.maximum(b2 * u, jnp.abs(g))
        x = x - (step_size(i) / (1 - jnp.asarray(b1, jnp.result_type(m)) ** (i + 1))) * m / (u + eps)
        return x, m, u

    return _with_two_zeros, update, _first


@optimizer
def sm3(step_size, momentum=0.9):
    """SM3 (Anil et al. 2019): one accumulator per index of each axis instead of one per element; the state
    is (x, m, accumulators, x's original shape)."""
    step_size = make_schedule(step_size)

    def others(ndim, axis):
        return tuple(a for a in range(ndim) if a != axis)

    def init(x0):
        # NOTE: numpy ints, not Python ints: jit hands the sizes back as int64 scalars, and Python ints in the
        # first call's state would make the second call's signature differ (one more compile)
        x_shape = tuple(np.int64(d) for d in jnp.shape(x0))
        x0 = jnp.atleast_1d(x0)
        vs = [jnp.zeros(sz, dtype=jnp.result_type(x0)) for sz in jnp.shape(x0)]
        return x0, jnp.zeros_like(x0), vs, x_shape

    def update(i, g, state):
        x, m, vs, x_shape = state
        nd = jnp.ndim(g)
        vs = [jnp.expand_dims(v, others(nd, axis)) for axis, v in enumerate(vs)]
        accum = functools.reduce(jnp.minimum, vs) + jnp.square(g)
        accum_inv_sqrt = jnp.where(accum > 0, 1. / jnp.sqrt(accum), 0)
        m = (1. - momentum) * (g * accum_inv_sqrt) + momentum * m
        x = x - step_size(i) * m
        vs = [jnp.max(accum, axis=others(jnp.ndim(x), axis)) for axis in range(jnp.ndim(x))]
        return x, m, vs, x_shape

    def get_params(state):
        x, _, _, x_shape = state
        # NOTE: only a scalar parameter was reshaped (atleast_1d); otherwise x has x_shape already. Not reading
        # x_shape's sizes keeps get_params working under jit, where they are traced (JAX's raises there)
        return jnp.reshape(x, ()) if len(x_shape) == 0 else x
    return init, update, get_params


# -- learning rate schedules ---------------------------------------------------------------------------------
def _python_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def constant(step_size):
    def schedule(i):
        return step_size
    return schedule


def exponential_decay(step_size, decay_steps, decay_rate):
    """``step_size * decay_rate ** (i / decay_steps)``."""
    def schedule(i):
        return step_size * decay_rate ** (i / decay_steps)
    return schedule


def inverse_time_decay(step_size, decay_steps, decay_rate, staircase=False):
    """``step_size / (1 + decay_rate * i / decay_steps)``; with ``staircase`` the ratio is floored."""
    if staircase:
        def schedule(i):
            ratio = i / decay_steps
            # NOTE: a Python step stays a Python number, weakly typed as in JAX: jnp.floor of it would be a
            # float64 array, and a float32 model's update would come out float64
            floor = math.floor(ratio) if _python_number(ratio) else jnp.floor(ratio)
            return step_size / (1 + decay_rate * floor)
    else:
        def schedule(i):
            return step_size / (1 + decay_rate * i / decay_steps)
    return schedule


def polynomial_decay(step_size, decay_steps, final_step_size, power=1.0):
    """From ``step_size`` to ``final_step_size`` over ``decay_steps`` steps as ``(1 - i / decay_steps) ** power``,
    then constant."""
    def schedule(step_num):
        # NOTE: Python numbers stay Python numbers, as in inverse_time_decay
        both = _python_number(step_num) and _python_number(decay_steps)
        step_num = min(step_num, decay_steps) if both else jnp.minimum(step_num, decay_steps)
        step_mult = (1 - step_num / decay_steps) ** power
        return step_mult * (step_size - final_step_size) + final_step_size
    return schedule


def piecewise_constant(boundaries, values):
    """``values[k]`` for steps i with k boundaries below i (``values`` has one entry more than ``boundaries``)."""
    boundaries = jnp.array(boundaries)
    values = jnp.array(values)
    if not jnp.ndim(boundaries) == jnp.ndim(values) == 1:
        raise ValueError("boundaries and values must be sequences")
    if not jnp.shape(boundaries)[0] == jnp.shape(values)[0] - 1:
        raise ValueError("boundaries length must be one shorter than values length")

    def schedule(i):
        return values[jnp.sum(i > boundaries)]
    return schedule


def make_schedule(scalar_or_schedule):
    """A schedule (step -> step size): a callable is one already, a scalar becomes ``constant``."""
    if callable(scalar_or_schedule):
        return scalar_or_schedule
    try:
        scalar = jnp.ndim(scalar_or_schedule) == 0
    except (TypeError, ValueError):
        scalar = False
    if scalar and not isinstance(scalar_or_schedule, (str, bytes)):
        return constant(scalar_or_schedule)
    what = type(scalar_or_schedule).__name__
    shape = getattr(scalar_or_schedule, "shape", None)
    raise TypeError(f"optimizers: step_size must be a scalar or a schedule (a callable from the step to the step "
                    f"size), got {what}" + (f" of shape {tuple(shape)}" if shape is not None else ""))


# -- utilities -----------------------------------------------------------------------------------------------
def l2_norm(tree):
    """The l2 norm of all the arrays of a pytree together (useful for weight decay)."""
    leaves = tree_util.tree_leaves(tree)
    return jnp.sqrt(sum(jnp.vdot(x, x) for x in leaves))


def clip_grads(grad_tree, max_norm):
    """Scales ``grad_tree`` down to l2 norm ``max_norm`` where its norm exceeds it."""
    norm = l2_norm(grad_tree)
    return tree_util.tree_map(lambda g: jnp.where(norm < max_norm, g, g * (max_norm / norm)), grad_tree)


# -- serialization -------------------------------------------------------------------------------------------
class JoinPoint:
    """Marks the boundary between two joined (nested) pytrees."""
    def __init__(self, subtree):
        self.subtree = subtree

    # NOTE: as JAX's: serializers that walk containers of arrays see it as an iterable of its subtree
    def __iter__(self):
        yield self.subtree


def unpack_optimizer_state(opt_state):
    """The state as a pytree of the parameters' structure whose leaves are JoinPoints holding each leaf's own
    state: plain containers and arrays, for pickling or saving."""
    states_flat, tree_def, subtree_defs = _state(opt_state, "unpack_optimizer_state")
    subtrees = [tree_util.tree_unflatten(s, f) for s, f in zip(subtree_defs, states_flat)]
    return tree_util.tree_unflatten(tree_def, [JoinPoint(s) for s in subtrees])


def pack_optimizer_state(marked_pytree):
    """The inverse of ``unpack_optimizer_state``: an OptimizerState from a pytree with JoinPoint leaves."""
    sentinels, tree_def = tree_util.tree_flatten(marked_pytree)
    bad = [type(s).__name__ for s in sentinels if not isinstance(s, JoinPoint)]
    if bad:
        raise TypeError("optimizers: pack_optimizer_state expects marked_pytree, the pytree of JoinPoint leaves "
                        f"from unpack_optimizer_state, got leaves of type {sorted(set(bad))}")
    states_flat, subtree_defs = _unzip2(tree_util.tree_flatten(s.subtree) for s in sentinels)
    return OptimizerState(states_flat, tree_def, subtree_defs)
