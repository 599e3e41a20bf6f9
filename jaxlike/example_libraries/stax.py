"""``jaxlike.example_libraries.stax``, as ``jax.example_libraries.stax``: a neural net is a layer, an
``(init_fun, apply_fun)`` pair. ``init_fun(rng, input_shape)`` returns ``(output_shape, params)`` (-1 stands for
the batch size, as in JAX); ``apply_fun(params, inputs, **kwargs)`` applies the layer (``rng=`` for Dropout).
Layers: Dense, GeneralConv (Conv), GeneralConvTranspose (ConvTranspose, Conv1DTranspose), BatchNorm, Dropout,
Flatten, Identity, FanOut, FanInSum, FanInConcat, the elementwise activations, MaxPool/SumPool/AvgPool;
combinators: serial, parallel, shape_dependent. Parameters are drawn with JAX's constructions and key splits,
so the same key gives JAX's values.

A front-end module: imports jaxlike's public API (numpy, lax, random, nn)."""

import functools
import math

import numpy as np

from .. import numpy as jnp
from .. import lax
from .. import random
from ..nn import relu, log_softmax, softmax, softplus, sigmoid, elu, leaky_relu, selu, gelu, standardize
from ..nn.initializers import glorot_normal, normal, ones, zeros

__all__ = ["Dense", "GeneralConv", "Conv", "GeneralConvTranspose", "Conv1DTranspose", "ConvTranspose",
           "BatchNorm", "elementwise", "Tanh", "Relu", "Exp", "LogSoftmax", "Softmax", "Softplus", "Sigmoid",
           "Elu", "LeakyRelu", "Selu", "Gelu", "MaxPool", "SumPool", "AvgPool", "Flatten", "Identity", "FanOut",
           "FanInSum", "FanInConcat", "Dropout", "serial", "parallel", "shape_dependent",
           "glorot", "randn", "logsoftmax", "glorot_normal", "normal", "ones", "zeros", "relu", "log_softmax",
           "softmax", "softplus", "sigmoid", "elu", "leaky_relu", "selu", "gelu", "standardize"]

# JAX's aliases, kept for code written against older stax
glorot = glorot_normal
randn = normal
logsoftmax = log_softmax


# -- argument checks: a wrong argument fails where the layer is built, not deep inside a convolution ---------
def _is_int(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def _positive_int(value, layer, name):
    if not _is_int(value) or value < 1:
        raise TypeError(f"stax.{layer}: {name} must be a positive int, got {value!r}")
    return int(value)


def _positive_ints(value, layer, name, n=None):
    if _is_int(value) or isinstance(value, str) or not hasattr(value, "__iter__"):
        raise TypeError(f"stax.{layer}: {name} must be a tuple of positive ints, got {value!r}")
    out = tuple(value)
    if not all(_is_int(v) and v >= 1 for v in out):
        raise TypeError(f"stax.{layer}: {name} must be a tuple of positive ints, got {value!r}")
    if n is not None and len(out) != n:
        raise ValueError(f"stax.{layer}: {name} must have {n} entries (one per spatial dimension), got {value!r}")
    return tuple(int(v) for v in out)


def _input_shape(shape, layer, rank=None, sized=False):
    """``shape`` as a tuple; negative sizes (-1) stand for sizes not known yet, the batch's. None does too, where
    JAX's layer passes it through (Dense, BatchNorm, Flatten...); ``sized`` layers compute with every size."""
    ok = (lambda d: _is_int(d)) if sized else (lambda d: d is None or _is_int(d))
    if isinstance(shape, (str, bytes)) or not hasattr(shape, "__iter__") or not all(ok(d) for d in shape):
        raise TypeError(f"stax.{layer}: input_shape must be a tuple of ints (-1 for the batch size), got {shape!r}")
    shape = tuple(None if d is None else int(d) for d in shape)
    if rank is not None and len(shape) != rank:
        raise ValueError(f"stax.{layer}: input_shape must have {rank} dimensions, got {shape!r}")
    return shape


def _layer_pair(layer, combinator, index):
    if not (isinstance(layer, (tuple, list)) and len(layer) == 2 and all(map(callable, layer))):
        what = getattr(layer, "__name__", None) or type(layer).__name__
        raise TypeError(f"stax.{combinator}: layers[{index}] must be an (init_fun, apply_fun) pair (a layer such as "
                        f"Dense(10) or Relu), got {what}")
    return tuple(layer)


def _layers(layers, combinator):
    if not layers:
        raise ValueError(f"stax.{combinator}: layers must hold at least one (init_fun, apply_fun) pair")
    return [_layer_pair(layer, combinator, i) for i, layer in enumerate(layers)]


def _check_params(params, n, layer):
    if not isinstance(params, (tuple, list)) or len(params) != n:
        length = f" of length {len(params)}" if hasattr(params, "__len__") else ""
        raise TypeError(f"stax.{layer}: params must be the {n}-entry sequence its init_fun returned, got "
                        f"{type(params).__name__}{length}")


# -- layers with parameters ----------------------------------------------------------------------------------
def Dense(out_dim, W_init=glorot_normal(), b_init=normal()):
    """A fully connected layer: ``inputs @ W + b``, W of shape (in, out_dim) from ``W_init``, b from ``b_init``."""
    out_dim = _positive_int(out_dim, "Dense", "out_dim")

    def init_fun(rng, input_shape):
        input_shape = _input_shape(input_shape, "Dense")
        if not input_shape:
            raise ValueError("stax.Dense: input_shape must have at least one dimension (the features), got ()")
        k1, k2 = random.split(rng)
        return input_shape[:-1] + (out_dim,), (W_init(k1, (input_shape[-1], out_dim)), b_init(k2, (out_dim,)))

    def apply_fun(params, inputs, **kwargs):
        _check_params(params, 2, "Dense")
        W, b = params
        return jnp.dot(inputs, W) + b
    return init_fun, apply_fun


def _conv_specs(dimension_numbers, layer):
    try:
        lhs_spec, rhs_spec, out_spec = dimension_numbers
    except (TypeError, ValueError):
        raise TypeError(f"stax.{layer}: dimension_numbers must be three layout strings such as ('NHWC', 'HWIO', "
                        f"'NHWC'), got {dimension_numbers!r}") from None
    specs = (lhs_spec, rhs_spec, out_spec)
    if not all(isinstance(s, str) for s in specs) or len({len(s) for s in specs}) != 1 or \
            sorted(lhs_spec) != sorted(out_spec) or not {"N", "C"} <= set(lhs_spec) or \
            not {"I", "O"} <= set(rhs_spec):
        raise ValueError(f"stax.{layer}: dimension_numbers must be three layout strings of one rank, the input and "
                         f"output with N and C, the kernel with I and O, got {dimension_numbers!r}")
    return lhs_spec, rhs_spec, out_spec


def _conv_layer(layer, shape_of, conv, dimension_numbers, out_chan, filter_shape, strides, padding, W_init, b_init):
    """GeneralConv and GeneralConvTranspose: the kernel laid out by ``dimension_numbers``' kernel spec with
    ``out_chan`` outputs, a bias broadcast along the output's non-channel axes."""
    lhs_spec, rhs_spec, out_spec = _conv_specs(dimension_numbers, layer)
    out_chan = _positive_int(out_chan, layer, "out_chan")
    filter_shape = _positive_ints(filter_shape, layer, "filter_shape", len(lhs_spec) - 2)
    one = (1,) * len(filter_shape)
    strides = _positive_ints(strides, layer, "strides", len(filter_shape)) if strides else one
    if not isinstance(padding, str):
        padding = [tuple(p) for p in padding]
    W_init = W_init or glorot_normal(rhs_spec.index("I"), rhs_spec.index("O"))

    def init_fun(rng, input_shape):
        input_shape = _input_shape(input_shape, layer, len(lhs_spec), sized=True)
        taps = iter(filter_shape)
        kernel_shape = [out_chan if c == "O" else input_shape[lhs_spec.index("C")] if c == "I" else next(taps)
                        for c in rhs_spec]
        output_shape = shape_of(input_shape, kernel_shape, strides, padding, dimension_numbers)
        bias_shape = [out_chan if c == "C" else 1 for c in out_spec]
        k1, k2 = random.split(rng)
        return tuple(int(d) for d in output_shape), (W_init(k1, kernel_shape), b_init(k2, bias_shape))

    def apply_fun(params, inputs, **kwargs):
        _check_params(params, 2, layer)
        W, b = params
        return conv(inputs, W, strides, padding, dimension_numbers) + b
    return init_fun, apply_fun


def GeneralConv(dimension_numbers, out_chan, filter_shape, strides=None, padding="VALID", W_init=None,
                b_init=normal(1e-6)):
    """A convolution laid out by ``dimension_numbers`` (input, kernel, output specs such as ('NHWC', 'HWIO',
    'NHWC')), ``out_chan`` output channels, a kernel of spatial shape ``filter_shape``."""
    def conv(x, W, strides, padding, dn):
        one = (1,) * len(strides)
        return lax.conv_general_dilated(x, W, strides, padding, one, one, dimension_numbers=dn)
    return _conv_layer("GeneralConv", lax.conv_general_shape_tuple, conv, dimension_numbers, out_chan,
                       filter_shape, strides, padding, W_init, b_init)


Conv = functools.partial(GeneralConv, ("NHWC", "HWIO", "NHWC"))


def GeneralConvTranspose(dimension_numbers, out_chan, filter_shape, strides=None, padding="VALID", W_init=None,
                         b_init=normal(1e-6)):
    """A transposed convolution (``lax.conv_transpose``) laid out by ``dimension_numbers``."""
    def conv(x, W, strides, padding, dn):
        return lax.conv_transpose(x, W, strides, padding, dimension_numbers=dn)
    return _conv_layer("GeneralConvTranspose", lax.conv_transpose_shape_tuple, conv, dimension_numbers, out_chan,
                       filter_shape, strides, padding, W_init, b_init)


Conv1DTranspose = functools.partial(GeneralConvTranspose, ("NHC", "HIO", "NHC"))
ConvTranspose = functools.partial(GeneralConvTranspose, ("NHWC", "HWIO", "NHWC"))


def BatchNorm(axis=(0, 1, 2), epsilon=1e-5, center=True, scale=True, beta_init=zeros, gamma_init=ones):
    """Standardizes over ``axis`` with the batch's own statistics (no running averages, as JAX's), then
    ``gamma * z + beta``; ``center``/``scale`` False leave beta/gamma out (their params are ())."""
    axis = (axis,) if jnp.isscalar(axis) else axis
    if not hasattr(axis, "__iter__") or not all(_is_int(a) for a in axis):
        raise TypeError(f"stax.BatchNorm: axis must be an int or a tuple of ints, got {axis!r}")
    axis = tuple(int(a) for a in axis)

    def axes(nd):
        # NOTE: JAX compares the axes with non-negative positions only, so -1 would be kept in the parameter
        # shape while standardize reduces over it; counted from the end here, the two agree
        if any(not -nd <= a < nd for a in axis):
            raise ValueError(f"stax.BatchNorm: axis {axis} is out of range for {nd}-D inputs")
        return tuple(a % nd for a in axis)

    def init_fun(rng, input_shape):
        input_shape = _input_shape(input_shape, "BatchNorm")
        ax = axes(len(input_shape))
        shape = tuple(d for i, d in enumerate(input_shape) if i not in ax)
        k1, k2 = random.split(rng)
        beta = beta_init(k1, shape) if center else ()
        gamma = gamma_init(k2, shape) if scale else ()
        return input_shape, (beta, gamma)

    def apply_fun(params, x, **kwargs):
        _check_params(params, 2, "BatchNorm")
        beta, gamma = params
        ax = axes(jnp.ndim(x))
        ed = tuple(None if i in ax else slice(None) for i in range(jnp.ndim(x)))
        z = standardize(x, ax, epsilon=epsilon)
        if center and scale:
            return gamma[ed] * z + beta[ed]
        if center:
            return z + beta[ed]
        if scale:
            return gamma[ed] * z
        return z
    return init_fun, apply_fun


# -- parameterless layers ------------------------------------------------------------------------------------
def elementwise(fun, **fun_kwargs):
    """A layer applying ``fun(inputs, **fun_kwargs)``; the shape is unchanged and there are no params."""
    if not callable(fun):
        raise TypeError(f"stax.elementwise: fun must be callable, got {type(fun).__name__}")

    def init_fun(rng, input_shape):
        return input_shape, ()

    def apply_fun(params, inputs, **kwargs):
        return fun(inputs, **fun_kwargs)
    return init_fun, apply_fun


Tanh = elementwise(jnp.tanh)
Relu = elementwise(relu)
Exp = elementwise(jnp.exp)
LogSoftmax = elementwise(log_softmax, axis=-1)
Softmax = elementwise(softmax, axis=-1)
Softplus = elementwise(softplus)
Sigmoid = elementwise(sigmoid)
Elu = elementwise(elu)
LeakyRelu = elementwise(leaky_relu)
Selu = elementwise(selu)
Gelu = elementwise(gelu)


def _window_shape(shape, window, strides, pads):
    """reduce_window's output shape; a negative size (the -1 batch) passes through a dimension the window
    does not touch (JAX's own arithmetic turns it into 0)."""
    out = []
    for n, k, s, (lo, hi) in zip(shape, window, strides, pads):
        if n < 0 and k == s == 1 and lo == hi == 0:
            out.append(n)
        else:
            out.append(max(0, (n + lo + hi - k) // s + 1))
    return tuple(out)


def _pooling_layer(name, reducer, init_val, rescaler=None):
    def PoolingLayer(window_shape, strides=None, padding="VALID", spec=None):
        window_shape = _positive_ints(window_shape, name, "window_shape")
        strides = _positive_ints(strides, name, "strides", len(window_shape)) if strides else (1,) * len(window_shape)
        if not isinstance(padding, str) or padding.upper() not in ("VALID", "SAME", "SAME_LOWER"):
            raise ValueError(f"stax.{name}: padding must be 'VALID', 'SAME' or 'SAME_LOWER', got {padding!r}")
        rescale = rescaler(window_shape, strides, padding) if rescaler else None
        if spec is None:
            non_spatial = 0, len(window_shape) + 1
        else:
            if not isinstance(spec, str) or "N" not in spec or "C" not in spec or len(spec) != len(window_shape) + 2:
                raise ValueError(f"stax.{name}: spec must be a layout string with N, C and one letter per window "
                                 f"dimension ({len(window_shape)}), such as 'NHWC', got {spec!r}")
            non_spatial = spec.index("N"), spec.index("C")
        for i in sorted(non_spatial):
            window_shape = window_shape[:i] + (1,) + window_shape[i:]
            strides = strides[:i] + (1,) + strides[i:]

        def init_fun(rng, input_shape):
            input_shape = _input_shape(input_shape, name, len(window_shape), sized=True)
            pads = lax.padtype_to_pads(input_shape, window_shape, strides, padding)
            return _window_shape(input_shape, window_shape, strides, pads), ()

        def apply_fun(params, inputs, **kwargs):
            out = lax.reduce_window(inputs, init_val, reducer, window_shape, strides, padding)
            return rescale(out, inputs, spec) if rescale else out
        return init_fun, apply_fun
    PoolingLayer.__name__ = PoolingLayer.__qualname__ = name
    PoolingLayer.__doc__ = (f"{name}(window_shape, strides=None, padding='VALID', spec=None): pooling over the "
                            "spatial axes of ``spec`` (default: batch first, channels last).")
    return PoolingLayer


MaxPool = _pooling_layer("MaxPool", lax.max, -jnp.inf)
SumPool = _pooling_layer("SumPool", lax.add, 0.)


def _normalize_by_window_size(dims, strides, padding):
    """Divides a sum pool by the number of input elements each window covered (fewer at a 'SAME' edge)."""
    def rescale(outputs, inputs, spec):
        nd = jnp.ndim(inputs)
        non_spatial = (0, nd - 1) if spec is None else (spec.index("N"), spec.index("C"))
        spatial_shape = tuple(jnp.shape(inputs)[i] for i in range(nd) if i not in non_spatial)
        one = jnp.ones(spatial_shape, dtype=jnp.result_type(inputs))
        window_sizes = lax.reduce_window(one, 0., lax.add, dims, strides, padding)
        for i in sorted(non_spatial):
            window_sizes = jnp.expand_dims(window_sizes, i)
        return outputs / window_sizes
    return rescale


AvgPool = _pooling_layer("AvgPool", lax.add, 0., _normalize_by_window_size)


def _flatten():
    """Flattens all but the leading (batch) dimension."""
    def init_fun(rng, input_shape):
        input_shape = _input_shape(input_shape, "Flatten")
        if not input_shape:
            raise ValueError("stax.Flatten: input_shape must have a leading batch dimension, got ()")
        return (input_shape[0], math.prod(input_shape[1:])), ()

    def apply_fun(params, inputs, **kwargs):
        return jnp.reshape(inputs, (jnp.shape(inputs)[0], -1))
    return init_fun, apply_fun


Flatten = _flatten()


def _identity():
    def init_fun(rng, input_shape):
        return input_shape, ()

    def apply_fun(params, inputs, **kwargs):
        return inputs
    return init_fun, apply_fun


Identity = _identity()


def FanOut(num):
    """Copies its input into a list of ``num`` (for ``parallel``)."""
    num = _positive_int(num, "FanOut", "num")

    def init_fun(rng, input_shape):
        return [input_shape] * num, ()

    def apply_fun(params, inputs, **kwargs):
        return [inputs] * num
    return init_fun, apply_fun


def _shapes(input_shape, layer):
    if not isinstance(input_shape, (tuple, list)) or not input_shape or \
            not all(isinstance(s, (tuple, list)) for s in input_shape):
        raise TypeError(f"stax.{layer}: input_shape must be a non-empty list of shapes (one per input), got "
                        f"{input_shape!r}")
    return [_input_shape(s, layer) for s in input_shape]


def _fan_in_sum():
    """Sums a list of inputs of one shape."""
    def init_fun(rng, input_shape):
        return _shapes(input_shape, "FanInSum")[0], ()

    def apply_fun(params, inputs, **kwargs):
        return sum(inputs)
    return init_fun, apply_fun


FanInSum = _fan_in_sum()


def FanInConcat(axis=-1):
    """Concatenates a list of inputs along ``axis``."""
    if not _is_int(axis):
        raise TypeError(f"stax.FanInConcat: axis must be an int, got {axis!r}")

    def init_fun(rng, input_shape):
        shapes = _shapes(input_shape, "FanInConcat")
        nd = len(shapes[0])
        if not -nd <= axis < nd:
            raise ValueError(f"stax.FanInConcat: axis {axis} is out of range for {nd}-D inputs")
        ax = axis % nd
        size = sum(s[ax] for s in shapes)
        return shapes[0][:ax] + (size,) + shapes[0][ax + 1:], ()

    def apply_fun(params, inputs, **kwargs):
        return jnp.concatenate(inputs, axis)
    return init_fun, apply_fun


def Dropout(rate, mode="train"):
    """In mode 'train', keeps each input with probability ``rate`` (JAX's meaning: the keep rate) and scales
    the kept ones by 1 / rate; any other mode passes the inputs through. ``apply_fun`` needs ``rng=``."""
    if isinstance(rate, (bool, np.bool_)) or not isinstance(rate, (int, float, np.integer, np.floating)) or \
            not 0 < rate <= 1:
        raise ValueError(f"stax.Dropout: rate (the probability of keeping an input) must be a number in (0, 1], "
                         f"got {rate!r}")

    def init_fun(rng, input_shape):
        return input_shape, ()

    def apply_fun(params, inputs, **kwargs):
        rng = kwargs.get("rng", None)
        if rng is None:
            raise ValueError("stax.Dropout: apply_fun needs a PRNG key: call it as apply_fun(params, inputs, "
                             "rng=key), the key from jaxlike.random.PRNGKey (serial passes its rng= on)")
        if mode == "train":
            keep = random.bernoulli(rng, rate, jnp.shape(inputs))
            return jnp.where(keep, inputs / rate, 0)
        return inputs
    return init_fun, apply_fun


# -- combinators ---------------------------------------------------------------------------------------------
def _split_rng(rng, n):
    if rng is None:
        return (None,) * n
    keys = random.split(rng, n)
    return [keys[i] for i in range(n)]


def serial(*layers):
    """The layers one after another: params is the list of each layer's params; ``rng=`` is split among them."""
    init_funs, apply_funs = zip(*_layers(layers, "serial"))
    nlayers = len(init_funs)

    def init_fun(rng, input_shape):
        params = []
        for init in init_funs:
            rng, layer_rng = random.split(rng)
            input_shape, param = init(layer_rng, input_shape)
            params.append(param)
        return input_shape, params

    def apply_fun(params, inputs, **kwargs):
        _check_params(params, nlayers, "serial")
        rngs = _split_rng(kwargs.pop("rng", None), nlayers)
        for fun, param, rng in zip(apply_funs, params, rngs):
            inputs = fun(param, inputs, rng=rng, **kwargs)
        return inputs
    return init_fun, apply_fun


def parallel(*layers):
    """The layers side by side, layer i applied to input i of a sequence (often with FanOut and FanInSum)."""
    init_funs, apply_funs = zip(*_layers(layers, "parallel"))
    nlayers = len(init_funs)

    def init_fun(rng, input_shape):
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) != nlayers:
            raise ValueError(f"stax.parallel: input_shape must hold one shape per layer ({nlayers}), got "
                             f"{input_shape!r}")
        rngs = random.split(rng, nlayers)
        # NOTE: JAX returns the zip iterator itself; a pair of tuples unpacks the same way and can be indexed
        return tuple(zip(*[init(rngs[i], shape) for i, (init, shape) in enumerate(zip(init_funs, input_shape))]))

    def apply_fun(params, inputs, **kwargs):
        _check_params(params, nlayers, "parallel")
        if not isinstance(inputs, (tuple, list)) or len(inputs) != nlayers:
            raise ValueError(f"stax.parallel: inputs must be a sequence of one input per layer ({nlayers}), got "
                             f"{type(inputs).__name__}" + (f" of length {len(inputs)}"
                                                          if isinstance(inputs, (tuple, list)) else ""))
        rngs = _split_rng(kwargs.pop("rng", None), nlayers)
        return [f(p, x, rng=r, **kwargs) for f, p, x, r in zip(apply_funs, params, inputs, rngs)]
    return init_fun, apply_fun


def shape_dependent(make_layer):
    """A layer built by ``make_layer(input_shape)`` once the input's shape is known (at init and at each apply)."""
    if not callable(make_layer):
        raise TypeError(f"stax.shape_dependent: make_layer must be callable, got {type(make_layer).__name__}")

    def init_fun(rng, input_shape):
        return make_layer(input_shape)[0](rng, input_shape)

    def apply_fun(params, inputs, **kwargs):
        return make_layer(jnp.shape(inputs))[1](params, inputs, **kwargs)
    return init_fun, apply_fun
