"""Value types: TensorType equality and printing, symbolic sizes (Sym) that refuse to become ints,
DimSum and DimProd arithmetic, and NEP 50 promotion where Python scalars are weak."""

import numpy as np
import pytest

from jaxlike.core.types import (TensorType, Sym, DimSum, DimProd, promote, type_of_value, canonical_dtype,
                                dim_sum, dim_prod, dims_equal, is_known)
from jaxlike.core.errors import ConcretizationError


def T(dtype, shape=(), weak=False):
    return TensorType(dtype, shape, weak)


def test_tensor_type_prints_short_dtype_and_dims():
    n = Sym()
    assert repr(T("float32", (n, 1, 3))) == f"f32[{n!r},1,3]"
    assert repr(T("bool")) == "bool[]"
    assert repr(T("uint8", (0,))) == "u8[0]"


def test_tensor_type_equality_follows_sym_identity():
    """Catches: two different symbolic sizes treated as the same size (silent wrong broadcasting)."""
    n, m = Sym(), Sym()
    assert T("float64", (n, 3)) == T("float64", (n, 3))
    assert T("float64", (n, 3)) != T("float64", (m, 3))
    assert T("float64", (2,)) != T("float64", (2,), weak=True)
    assert T("float64", (2,)) != T("float32", (2,))
    assert hash(T("float32", (2, 3))) == hash(T("float32", (2, 3)))


def test_broadcastable_is_static_and_never_true_for_syms():
    n = Sym()
    assert T("float64", (n, 1, 3)).broadcastable == (False, True, False)


@pytest.mark.parametrize("use", [int, range, lambda n: n == 3, lambda n: n + 1, lambda n: n < 2,
                                 lambda n: [0] * n])
def test_sym_refuses_to_become_an_int(use):
    """Catches: traced code reading a symbolic size as a number without compile() noticing (it must
    raise so that compile() can retrace with concrete sizes)."""
    with pytest.raises(ConcretizationError, match="symbolic"):
        use(Sym())


def test_sym_compares_by_identity_and_is_hashable():
    n, m = Sym(), Sym()
    assert n == n and not (n == m)
    assert len({n, m, n}) == 2
    assert dims_equal(n, n) and not dims_equal(n, m) and not dims_equal(n, 3) and dims_equal(4, 4)
    assert is_known(3) and is_known(np.int64(3)) and not is_known(n)


def test_dim_sum_folds_known_terms():
    n, m = Sym(), Sym()
    assert dim_sum([2, 3]) == 5
    assert dim_sum([n, 0]) is n, "n + 0 must stay n, or dims_equal no longer matches it"
    s = dim_sum([n, 2, m])
    assert isinstance(s, DimSum) and s == DimSum([n, m, 2]) and repr(s) == f"{n!r}+{m!r}+2"



def test_dim_prod_folds_known_terms_and_differs_from_the_sum():
    """Catches: a product of sizes equal to (or keyed like) the sum of the same terms, which would let CSE or
    a sibling kernel take one size for the other; and 0 * n kept symbolic."""
    n, m = Sym(), Sym()
    assert dim_prod([2, 3]) == 6 and dim_prod([n, 0]) == 0 and dim_prod([1, n]) is n
    p = dim_prod([2, n, 3, m])
    assert isinstance(p, DimProd) and p == DimProd([6, n, m]) and repr(p) == f"6*{n!r}*{m!r}"
    assert p.combine([6, 4, 5]) == 120 and p.with_terms([6, 1, 2]) == 12
    assert DimProd([n, m]) != DimSum([n, m]) and hash(DimProd([n, m])) != hash(DimSum([n, m]))


@pytest.mark.parametrize("types,want", [
    ([T("float32"), T("float64", weak=True)], ("float32", False)),   # x32 * 2.0 stays float32
    ([T("int8"), T("float64", weak=True)], ("float64", False)),      # int8 * 2.5 is float64 (numpy)
    ([T("int8"), T("int64", weak=True)], ("int8", False)),           # int8 + 1 stays int8
    ([T("bool"), T("int64", weak=True)], ("int64", False)),
    ([T("float64", weak=True), T("int64", weak=True)], ("float64", True)),
    ([T("int32"), T("float16")], ("float64", False)),
    ([T("uint8"), T("int8")], ("int16", False)),
])
def test_promotion_matches_numpy_nep50(types, want):
    dt, weak = promote(types)
    assert (dt.name, weak) == want


def test_promotion_agrees_with_numpy_for_every_strong_pair():
    dts = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "float16", "float32",
           "float64"]
    for a in dts:
        for b in dts:
            assert promote([T(a), T(b)])[0] == np.promote_types(a, b), (a, b)


def test_type_of_value_marks_python_scalars_weak():
    assert type_of_value(2.0) == T("float64", weak=True)
    assert type_of_value(3) == T("int64", weak=True)
    assert type_of_value(True) == T("bool", weak=True)
    assert type_of_value(np.float32(1)) == T("float32")
    assert type_of_value(np.ones((2, 3), np.int32)) == T("int32", (2, 3))


def test_unsupported_dtypes_are_named():
    with pytest.raises(TypeError, match="float128.*supported: float16"):
        type_of_value(np.ones(2, np.longdouble))
    with pytest.raises(TypeError, match="dtype complex256"):
        canonical_dtype(np.clongdouble)
