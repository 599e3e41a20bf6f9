"""Generated call paths: one straight-line Python function per compiled function, around a backend's
``DirectEntry``.

Why generate: a per-sample training step (the seed XOR net) runs its numba entry in about 2 µs, and the
general Python around it (loops over converters, shared variables, outputs and updates, tuple repacking
between three frames) cost twice that again. Written out for one function's arity, with the common case of
each argument checked inline (exact dtype and rank pass untouched, anything else goes to the converter that
implements the full rules and errors), the wrapper costs a few hundred nanoseconds.
"""

import numpy as np

# dtypes whose numbers numba boxes as the Python type numpy maps back to the same dtype: a 0-d array of it
# without a dtype is then exact, and a third faster than with one. The generated code's ``number`` is
# np.asarray, which makes the same new 0-d array from a Python number as np.array, in 0.10 us against 0.18.
_NATIVE_NUMBERS = {np.dtype(t) for t in ("float64", "int64", "bool", "complex128")}


NOT_PASSED = object()   # the default of a generated __call__'s parameter that the caller did not pass


class ArgCheck:
    """The inline test for one argument: ``kind`` is "array" (pass when an ndarray of exactly ``dtype`` and
    ``ndim``), "number" (pass when ``type(arg)`` is one of the types in ``pytype``) or None (always convert);
    ``convert`` takes anything else and returns what the entry takes, or raises the user-facing error."""

    __slots__ = ("kind", "dtype", "ndim", "pytype", "convert")

    def __init__(self, convert, kind=None, dtype=None, ndim=None, pytype=None):
        self.convert, self.kind, self.dtype, self.ndim, self.pytype = convert, kind, dtype, ndim, pytype


class _NoOwnedBase:
    """The ``owned_base`` of an entry none of whose returned views may be kept: no base is of this type."""


def store_update(shared, value, always_copy, owned_base=_NoOwnedBase):
    """Theano's rule for a returned update: the stored array is the shared variable's own (copy views that are
    not the entry's own memory, read-only arrays and values the aliasing plan marks); device arrays are kept
    as they come."""
    if type(value) is np.ndarray:
        if always_copy or (value is not shared._data and not owns(value, owned_base)):
            value = np.array(value, copy=True)
    elif isinstance(value, np.generic):
        value = np.array(value)
    shared._data = value


def owns(a, owned_base):
    """Whether ndarray ``a`` may be kept without a copy: it owns its memory, or it is the only array on memory
    the entry allocated (see ``DirectEntry.owned_base``)."""
    b = a.base
    return b is None or (type(b) is owned_base and b.parent is None and b.refcount == 1)


def function_caller(direct, checks, shared, targets, out_copy, update_copy, single, host_only, general,
                    keywords=True):
    """A method ``__call__(self, a0, ...)`` for a Theano-style function: the arguments are checked by
    ``checks``, the ``shared`` variables' values follow them, ``targets[k]`` receives update k
    (``update_copy[k]``: always copy it), outputs are copied where ``out_copy`` says or when they are views;
    one output unwrapped when ``single``. A call with another count or with keywords goes to
    ``general(self, *args, **kwargs)``. One frame and no argument tuple: the seed XOR step's wrapper cost
    ~0.55 µs beside a ~1 µs numba entry. Without ``keywords`` (no input has a name to pass it by) the
    parameters are positional-only and there is no ``**kw`` (a dict per call, ~20 ns): Python itself
    refuses a keyword."""
    env = {"ndarray": np.ndarray, "number": np.asarray, "asarray": np.asarray, "entry": direct.entry,
           "type_errors": direct.type_errors, "explain": direct.explain, "store_update": store_update,
           "NOT_PASSED": NOT_PASSED, "general": general, "Owned": direct.owned_base or _NoOwnedBase}
    names = [f"a{k}" for k in range(len(checks))]
    lines = _function_lines(direct, checks, shared, targets, out_copy, update_copy, single, host_only, names,
                            env)
    passed = "".join(f"{a}, " for a in names)
    kw = ["**kw"] if keywords else []
    test = "rest" + (" or kw" if keywords else "") + (f" or {names[-1]} is NOT_PASSED" if names else "")
    head = [f"if {test}:",
            f"    return general(self, *[a for a in ({passed}) if a is not NOT_PASSED], *rest{', **kw' if kw else ''})"]
    params = ["self"] + [f"{a}=NOT_PASSED" for a in names] + ["/", "*rest"] + kw
    fn = _define("__call__", ", ".join(params), head + lines, env)
    # NOTE: Python's own errors (a keyword where no input has a name) then read "jaxlike.function() got ..."
    fn.__qualname__ = "jaxlike.function"
    return fn


def _function_lines(direct, checks, shared, targets, out_copy, update_copy, single, host_only, names, env):
    # NOTE: the numba entry's dispatch types every argument on every call (~0.17 us of the seed XOR step's
    # ~1.2). Its compiled form can be called directly where the arguments are what it was compiled for: the
    # checks below (exact dtype and rank, C-contiguous, aligned and writeable) for arguments, and for shared
    # state the very arrays it was found for (``learn``). Those arrays are the variables' own, never an
    # object the user holds (``SharedVariable`` keeps views of borrowed arrays), so nothing can change their
    # rank or dtype in place; set_value or an update that replaces one fails the identity test. Functions
    # whose updates replace state on every call keep the dispatch (they would fail it on every call).
    fast = direct.entry_point_for is not None and len(direct.in_place) == len(targets)
    lines = ["f = fast"] if fast else []
    arrays = []
    for name, chk in zip(names, checks):
        env[f"cv_{name}"] = chk.convert
        redo = [f"    {name} = cv_{name}({name})"] + (["    f = None"] if fast else [])
        if chk.kind == "array":
            env[f"dt_{name}"] = chk.dtype
            arrays.append(name)
            lines.append(f"if type({name}) is not ndarray or {name}.dtype is not dt_{name} "
                         f"or {name}.ndim != {chk.ndim}:")
            lines += redo
        elif chk.kind == "number":
            tests = []
            for j, t in enumerate(chk.pytype):
                env[f"pt{j}_{name}"] = t
                tests.append(f"t is not pt{j}_{name}")
            lines.append(f"t = type({name})")
            lines.append(f"if {' and '.join(tests)}:")
            lines += redo
        else:
            lines.append(f"{name} = cv_{name}({name})")
            if fast:
                lines.append("f = None")    # NOTE: the converter's result has no inline test to pass
    states = [f"s{k}" for k in range(len(shared))]
    for k, s in enumerate(shared):
        env[f"sh{k}"] = s
        lines.append(f"s{k} = sh{k}._data")
    consts = []
    for k, c in enumerate(direct.consts):
        env[f"c{k}"] = c
        consts.append(f"c{k}")
    call_args = names + states
    call = f"entry({', '.join(call_args + consts)})"
    result = "out0" if direct.bare else "outs, ups"
    slow = []
    if host_only:
        for k in range(len(shared)):
            # NOTE: a value a GPU function left on the device comes to the host for this backend, and the
            # host copy becomes the variable's value (an update written in place then lands in it).
            slow.append(f"if type(s{k}) is not ndarray:")
            slow.append(f"    s{k} = sh{k}._data = asarray(s{k})")
    slow += ["try:", f"    {result} = {call}", "except type_errors:",
             f"    explain(({''.join(a + ', ' for a in call_args)}))", "    raise"]
    lines += _direct_call(env, direct, names, states, consts, arrays, result, slow) if fast else slow
    returned = 0
    for k, (target, always) in enumerate(zip(targets, update_copy)):
        env[f"tg{k}"] = target
        if k in direct.in_place:
            # NOTE: written into the argument, which is the target's own value (a host copy already stored
            # above): nothing to store, unless the argument is some other variable's
            j = direct.in_place[k] - len(names)
            if not 0 <= j < len(shared) or shared[j] is not target:
                lines.append(f"tg{k}._data = {call_args[direct.in_place[k]]}")
        else:
            lines.append(f"store_update(tg{k}, ups[{returned}], {always}, Owned)")
            returned += 1
    results = []
    for k, always in enumerate(out_copy):
        if k in direct.number_outputs:
            dtype = np.dtype(direct.number_outputs[k])
            raw = "out0" if direct.bare else f"outs[{k}]"
            if dtype in _NATIVE_NUMBERS:
                lines.append(f"o{k} = number({raw})")
            else:
                env[f"odt{k}"] = dtype
                lines.append(f"o{k} = number({raw}, odt{k})")
        else:
            lines.append(f"o{k} = outs[{k}]")
            if always:
                lines.append(f"o{k} = o{k}.copy()")
            else:
                # NOTE: an array the entry allocated is returned as it is (numba boxes it with its MemInfo as
                # base); views of arguments, shared state or memory another output holds are copied.
                lines.append(f"if type(o{k}) is not ndarray:")
                lines.append(f"    o{k} = asarray(o{k})")
                lines.append("else:")
                lines.append(f"    b = o{k}.base")
                lines.append("    if b is not None and (type(b) is not Owned or b.parent is not None "
                             "or b.refcount != 1):")
                lines.append(f"        o{k} = o{k}.copy()")
        results.append(f"o{k}")
    lines.append(f"return {results[0]}" if single else f"return [{', '.join(results)}]")
    return lines


def _direct_call(env, direct, inputs, states, consts, arrays, result, slow, p="", f="f"):
    """The lines that call the entry's compiled form where the guard holds (``f``, the name holding that form
    or None; the state arrays ``learn`` found it for; ``arrays``, the argument arrays the inline tests have
    checked for dtype and rank, C-contiguous, aligned and writeable) and run ``slow`` (the dispatched call)
    elsewhere, followed by ``learn`` while the direct form is unknown or the state has changed. Globals go to
    ``env`` with the prefix ``p``."""
    env[f"{p}fast"] = None
    env[f"{p}learn"] = _learner(env, direct, len(inputs), len(states), p)
    for k in range(len(states)):
        env[f"{p}ok{k}"] = env[f"{p}seen{k}"] = NOT_PASSED
    env[f"{p}tries"] = _LEARN_TRIES
    args = ", ".join(list(inputs) + states + consts)
    stale = " or ".join([f"{s} is not {p}seen{k}" for k, s in enumerate(states)] + [f"{p}tries"])
    guard = " and ".join([f"{f} is not None"] + [f"{s} is {p}ok{k}" for k, s in enumerate(states)]
                         + [f"{a}.flags.carray" for a in arrays])
    slow = slow + [f"if {stale}:", f"    {p}learn({args})"]
    return [f"if {guard}:", f"    {result} = {f}({args})", "else:"] + ["    " + line for line in slow]


_LEARN_TRIES = 3    # dispatched calls that look for the direct form before giving up until the state changes


def _learner(env, direct, n_inputs, n_states, p=""):
    """``learn(*arguments)``, run after a dispatched call: points the generated call path's ``fast`` at the
    entry's compiled form for arguments like these and, once it has one, at the state arrays it holds for
    (``ok0``...; only arrays of that form ever go there, and the form serves any of them, so a thread that
    reads them while another learns still passes only such arrays). State arrays not seen before (``seen0``...)
    reset the count of tries; state that has no such form (a borrowed Fortran-ordered array) stops the
    looking after ``_LEARN_TRIES`` calls."""
    def learn(*args):
        states = args[n_inputs:n_inputs + n_states]
        if any(s is not env[f"{p}seen{k}"] for k, s in enumerate(states)):
            env[f"{p}tries"] = _LEARN_TRIES
            for k, s in enumerate(states):
                # NOTE: the arrays the variables held before are let go (until a function is called again
                # after its state was replaced, it keeps that one array per variable alive)
                env[f"{p}ok{k}"] = NOT_PASSED
                env[f"{p}seen{k}"] = s
        found = direct.entry_point_for(args, n_inputs)
        if found is None:
            env[f"{p}tries"] = max(env[f"{p}tries"] - 1, 0)
            return
        env[f"{p}tries"] = 0
        env[f"{p}fast"] = found
        for k, s in enumerate(states):
            env[f"{p}ok{k}"] = s
    return learn


def plain_caller(direct, n_args, single):
    """A function ``call(*args)`` for an entry without state (``jaxlike.compile``): the output tuple as
    ``run`` returns it (rank-0 outputs as 0-d arrays), or its one element when ``single``."""
    names = [f"a{k}" for k in range(n_args)]
    env = {"number": np.asarray}
    fn = _define("call", ", ".join(names), _plain_lines(direct, names, single, "", env), env)
    fn.inline = (direct, single)    # NOTE: signature_dispatch writes this body into its own (one frame less)
    return fn


def _plain_lines(direct, names, single, p, env, arrays=None):
    """The body of ``plain_caller`` over the argument names ``names``; its globals go to ``env``, prefixed
    with ``p`` so that several bodies can share one function. ``arrays``: where the caller has tested every
    argument inline (``signature_dispatch``), those that are arrays of the exact type, dtype and rank, and the
    body then calls the entry's compiled form directly where they are C-contiguous (see _function_lines)."""
    env.update({f"{p}entry": direct.entry, f"{p}type_errors": direct.type_errors,
                f"{p}explain": direct.explain})
    consts = []
    for k, c in enumerate(direct.consts):
        env[f"{p}c{k}"] = c
        consts.append(f"{p}c{k}")
    call = f"{p}entry({', '.join(names + consts)})"
    result = f"{p}out0" if direct.bare else f"{p}outs, _"
    lines = ["try:", f"    {result} = {call}", f"except {p}type_errors:",
             f"    {p}explain(({''.join(a + ', ' for a in names)}))", "    raise"]
    if arrays is not None and direct.entry_point_for is not None:
        lines = _direct_call(env, direct, names, [], consts, arrays, result, lines, p, f"{p}fast")
    numbers = {k: np.dtype(d) for k, d in direct.number_outputs.items()}
    if direct.bare:
        # NOTE: one rank-0 output, returned by the entry itself
        if numbers[0] in _NATIVE_NUMBERS:
            value = f"number({p}out0)"
        else:
            env[f"{p}odt0"] = numbers[0]
            value = f"number({p}out0, {p}odt0)"
        lines.append(f"return {value}" if single else f"return ({value},)")
        return lines
    for k, dtype in sorted(numbers.items()):
        if dtype in _NATIVE_NUMBERS:
            lines.append(f"{p}o{k} = number({p}outs[{k}])")
        else:
            env[f"{p}odt{k}"] = dtype
            lines.append(f"{p}o{k} = number({p}outs[{k}], {p}odt{k})")
    if single:
        lines.append(f"return {p}o0" if 0 in numbers else f"return {p}outs[0]")
    elif numbers:
        n_out = max(numbers) + 1
        lines.append("return (" + "".join((f"{p}o{k}, " if k in numbers else f"{p}outs[{k}], ")
                                          for k in range(n_out)) + f"*{p}outs[{n_out}:])")
    else:
        lines.append(f"return {p}outs")
    return lines


def signature_patterns(tree, leaves):
    """Per top-level argument, the pattern ``signature_dispatch`` tests inline, from the call that compiled a
    signature (``tree``: the treedef of its flattened argument list, ``leaves``: its leaves); None when some
    leaf or node has no exact inline test (numpy scalars, device arrays, namedtuples: the general path)."""
    it = iter(leaves)
    out = [_pattern(td, it) for td in tree.children]
    return None if any(p is None for p in out) else out


def _pattern(td, it):
    if td.kind == "leaf":
        x = next(it)
        t = type(x)
        if t is np.ndarray:
            return ("array", x.dtype, tuple(d == 1 for d in x.shape))
        if t is float or t is bool or t is complex:
            return ("type", t)
        return ("int",) if t is int else None
    if td.kind == "none":
        return ("none",)
    kids = tuple(_pattern(c, it) for c in td.children)
    if td.kind == "namedtuple" or any(k is None for k in kids):
        return None
    return (td.kind, td.meta, kids)


class _Tests:
    """The conditions of one signature's inline test and the names its leaves get, in flattening order."""

    def __init__(self, env, prefix):
        self.env, self.prefix, self.conds, self.leaves, self.count = env, prefix, [], [], 0
        self.arrays = []    # the leaves tested as arrays

    def const(self, value):
        name = f"{self.prefix}k{self.count}"
        self.count += 1
        self.env[name] = value
        return name

    def add(self, first, name, p):
        """The conditions for value ``name`` matching pattern ``p``; ``first`` is its first mention (the name,
        or a walrus that binds it)."""
        kind = p[0]
        if kind == "none":
            self.conds.append(f"{first} is None")
        elif kind == "type":
            self.conds.append(f"type({first}) is {self.const(p[1])}")
        elif kind == "int":
            self.conds += [f"type({first}) is int", f"{-2 ** 63} <= {name} < {2 ** 63}"]
        elif kind == "array":
            _, dtype, ones = p
            self.arrays.append(name)
            self.conds += [f"type({first}) is ndarray", f"{name}.dtype is {self.const(dtype)}",
                           f"{name}.ndim == {len(ones)}"]
            if ones and not any(ones):
                self.conds.append(f"1 not in {name}.shape")
            else:
                self.conds += [f"{name}.shape[{i}] {'==' if one else '!='} 1" for i, one in enumerate(ones)]
        else:
            container, keys, kids = p
            self.conds += [f"type({first}) is {container}", f"len({name}) == {len(kids)}"]
            for j, kid in enumerate(kids):
                child = f"{self.prefix}v{self.count}"
                self.count += 1
                ref = f"{name}.get({self.const(keys[j])}, NOT_PASSED)" if container == "dict" else f"{name}[{j}]"
                self.add(f"({child} := {ref})", child, kid)
            return
        if kind != "none":
            self.leaves.append(name)

    def tree(self, td, items):
        """Source that rebuilds the output tree ``td`` from the expressions ``items`` of its leaves."""
        if td.kind == "leaf":
            return next(items)
        if td.kind == "none":
            return "None"
        kids = [self.tree(c, items) for c in td.children]
        if td.kind == "tuple":
            return "(" + "".join(k + ", " for k in kids) + ")"
        if td.kind == "list":
            return "[" + ", ".join(kids) + "]"
        if td.kind == "namedtuple":
            return f"{self.const(td.meta)}({', '.join(kids)})"
        return "{" + ", ".join(f"{self.const(key)}: {k}" for key, k in zip(td.meta, kids)) + "}"


def signature_dispatch(calls, general, env):
    """A function ``call(*args, **kwargs)`` serving the signatures in ``calls`` (a list of ``(patterns, call,
    out_tree)``: ``signature_patterns``' argument patterns, the signature's ``call(*leaves)`` and its output
    treedef) with their tests written inline: ``type(a) is T`` for a number, the exact type, dtype, rank and
    size-1 dims for an array, the type, length and keys of a tuple, list or dict, then the leaves go to the
    call and its outputs back into their tree. Every other call goes to ``general(*args, **kwargs)``. Its
    globals are ``env``, which keeps what earlier versions defined, so the caller can give an existing function
    this one's code. Why: the general path's signature (flattening the arguments, a tree of TreeDefs, one
    tuple per leaf) cost ~1 µs for one array and ~12 µs for a parameter dict, more than the entry it selects."""
    n = max((len(p) for p, _, _ in calls), default=0)
    names = [f"a{i}" for i in range(n)]
    env.update({"NOT_PASSED": NOT_PASSED, "general": general, "number": np.asarray, "ndarray": np.ndarray})
    lines = ["if not rest and not kw:"] if calls else []
    for k, (patterns, call, out_tree) in enumerate(calls):
        t = _Tests(env, f"s{k}_")
        for name, p in zip(names, patterns):
            t.add(name, name, p)
        if len(patterns) < n:
            t.conds.append(f"a{len(patterns)} is NOT_PASSED")
        lines.append(f"    if {' and '.join(t.conds) or 'True'}:")
        inline = getattr(call, "inline", None)
        if out_tree.kind == "leaf" and inline is not None:
            body = _plain_lines(inline[0], t.leaves, inline[1], f"s{k}_", env, t.arrays)
        elif out_tree.kind == "leaf":
            env[f"s{k}_call"] = call
            body = [f"return s{k}_call({', '.join(t.leaves)})"]
        else:
            env[f"s{k}_call"] = call
            items = iter([f"s{k}_r[{j}]" for j in range(out_tree.num_leaves)])
            body = [f"s{k}_r = s{k}_call({', '.join(t.leaves)})", f"return {t.tree(out_tree, items)}"]
        lines += [f"        {line}" for line in body]
    passed = "".join(f"{a}, " for a in names)
    lines.append(f"return general(*[a for a in ({passed}) if a is not NOT_PASSED], *rest, **kw)")
    return _define("call", ", ".join([f"{a}=NOT_PASSED" for a in names] + ["*rest", "**kw"]), lines, env)


def _define(name, params, lines, env):
    source = f"def {name}({params}):\n" + "".join(f"    {line}\n" for line in lines)
    code = compile(source, f"<jaxlike call path {name}>", "exec")
    exec(code, env)
    fn = env[name]
    fn.source = source
    return fn
