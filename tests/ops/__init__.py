"""Registry-driven tests of the primitives (a package, so its module names cannot clash with other folders)."""
