"""``jax.experimental``'s counterparts: ``jaxlike.experimental.ode.odeint`` (import the submodule). Nothing here
is imported by ``import jaxlike``. A front-end package."""
