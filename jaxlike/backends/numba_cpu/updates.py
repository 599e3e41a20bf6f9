"""What leaves the entry (a mixin of ``codegen.Codegen``): the old values that must survive in-place writes,
the kernels that write update values straight into their states (in ``inplace.plan``'s order, or as one
BLAS call for ``W - k * (A @ B)``), the copies of the other update values at the end, and the outputs
(returned, or written into arguments by a loop step). Imports numpy, core
and ops only.
"""

import numpy as np

from ...core.graph import syms_in
from ...core.types import dims_equal
from ...core.errors import where
from . import inplace
from .loops import cast, literal, np_type
from .lowering import is_plain_gemm, gemm_update, element_copy


class UpdateWriter:
    def _precopies(self, copies):
        """Old values that must survive the in-place writes: outputs that are inputs, and update values that
        are other states (a swap)."""
        states = {s._id for s, _ in self.graph.updates}
        self.old = {}
        for o in self.graph.outputs if self.graph.updates else ():     # NOTE: no state written, nothing to keep
            if o.is_input and o.ndim and o._id not in self.old:
                self.old[o._id] = self.tmp(self.name(o) + "_old")
        for s, u in copies:
            if u.is_input and u.ndim and u._id in states and u._id != s._id and u._id not in self.old:
                self.old[u._id] = self.tmp(self.name(u) + "_old")
        for v in self.graph.inputs:
            if v._id in self.old:
                self.lines.append(f"{self.old[v._id]} = {self.name(v)}.copy()")

    def _gemm_updates(self, phase3, users, kept):
        """``inplace.gemm_updates`` with the scale as entry text."""
        found = {}
        for uid, (prod, sign, k, outer) in inplace.gemm_updates(phase3, users, kept, is_plain_gemm).items():
            if k is None:
                scale = "1.0"
            elif k.is_const:
                scale = literal(np.asarray(k.value).reshape(()), prod.dtype)
            else:
                scale = self.name(outer)
            found[uid] = (prod, f"{sign}({scale})")
        return found

    def _updates(self, phase3, copies):
        ret = {}
        for s, u in phase3:
            fused_gemm = self.gemm_updates.get(u._id)
            if fused_gemm and all(id(sym) in self.bound for sym in syms_in(fused_gemm[0].shape)):
                prod, alpha = fused_gemm
                self.lines.append(f"# {self.name(s)} <- {self.name(u)}: {self.name(s)} += {alpha} * "
                                  f"{self.name(prod)} in one BLAS call, {self.name(prod)} = "
                                  f"contract({', '.join(self.name(i) for i in prod.inputs)})")
                self.where_text = where(u.source)
                self.lines += self._operand_checks(dict(u.attrs)["body"])
                self.where_text = where(prod.source)
                self.lines += gemm_update(self, prod, self.name(s), alpha)
                ret[s._id] = self.name(s)
                continue
            if fused_gemm:
                self._node(fused_gemm[0])
            self.lines.append(f"# {self.name(s)} <- {self.name(u)}: the kernel writes into {self.name(s)}")
            self._node(u, out=self.name(s))
            ret[s._id] = self.name(s)
        for s, u in copies:
            sn = self.name(s)
            src = self.old.get(u._id, self.name(u))
            if u._id == s._id:
                ret[s._id] = sn if s.ndim else self._box(sn, s.dtype)
            elif s.ndim == 0:
                if u.ndim == 0 and s.dtype == u.dtype:
                    r = self.tmp(sn + "_new")
                    self.lines.append(f"{r} = _rt.store0({sn}_arg, {src})")
                    ret[s._id] = r
                else:
                    ret[s._id] = self._box(src, u.dtype) if u.ndim == 0 else self._fresh(u, src)
            elif s.dtype != u.dtype or s.ndim != u.ndim:
                ret[s._id] = self._fresh(u, src)
            else:
                copy = element_copy(self, sn, src, s.ndim)
                if all(dims_equal(a, b) for a, b in zip(s.shape, u.shape)):
                    self.lines += copy
                    ret[s._id] = sn
                else:
                    r = self.tmp(sn + "_new")
                    self.lines += [f"if {src}.shape == {sn}.shape:"] + ["    " + c for c in copy] + \
                        [f"    {r} = {sn}", "else:", f"    {r} = {self._fresh(u, src)}"]
                    ret[s._id] = r
        return [ret[s._id] for s, _ in self.graph.updates]

    def _fresh(self, u, src):
        return f"{src}.copy()" if (u.is_const or (u.is_input and u._id not in self.old)) else src

    def _box(self, expr, dtype):
        t = self.tmp("_r")
        self.lines.append(f"{t} = np.empty((), {np_type(dtype)})")
        self.lines.append(f"{t}[()] = {expr}")
        return t

    def _outputs(self):
        if self.options.get("out_params"):
            return self._outputs_into_arguments()
        outs, seen = [], set()
        for o in self.graph.outputs:
            nm = self.name(o)
            if o.ndim == 0:
                # NOTE: returned as a number: numba boxes a 0-d array in about 0.7 us, a float in
                # nanoseconds; the executable's wrapper makes the 0-d array (``__init__._runner``)
                outs.append(cast(nm, o.dtype))
            elif o._id in self.old and o._id not in seen:
                outs.append(self.old[o._id])
            elif o.is_input or o.is_const or o._id in seen:
                t = self.tmp(nm + "_out")
                self.lines.append(f"{t} = {self.old.get(o._id, nm)}.copy()")
                outs.append(t)
            else:
                outs.append(nm)
            seen.add(o._id)
        return outs

    def _outputs_into_arguments(self):
        """With ``out_params``: array outputs are copied into their arguments (unless computed there already) and
        only the numbers are returned."""
        outs = []
        for k, o in enumerate(self.graph.outputs):
            if o.ndim == 0:
                outs.append(cast(self.name(o), o.dtype))
            elif not (o._id in self.filled and k == self._first_output(o)):
                # NOTE: the copy writes as far as the value's shape: out_buffer checks the argument has it
                self.lines.append(f"_rt.out_buffer(_o{k}, {self.shape_text(o.shape)})")
                self.lines += element_copy(self, f"_o{k}", self.old.get(o._id, self.name(o)), o.ndim)
        return outs

    def _first_output(self, o):
        return next(k for k, p in enumerate(self.graph.outputs) if p is o)
