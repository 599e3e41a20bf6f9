"""Bitwise and shift functions on integer (and boolean) values: bitwise_and/or/xor, invert, shifts, gcd, lcm.
"""

__all__ = []
