"""Helpers the trust tests share (imported by name; conftest.py puts this folder on sys.path)."""


def computes(var, name):
    """Whether kernel ``var`` computes primitive ``name``: it is one, or a fused kernel with one inside."""
    if var.prim.name == name:
        return True
    return any(b.prim.name == name for _, body in var.attrs if hasattr(body, "eqns") for b in body.eqns())
