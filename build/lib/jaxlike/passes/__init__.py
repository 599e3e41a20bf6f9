"""Graph -> graph optimization passes. Pure functions; each is testable alone. Imports core and ops."""
