"""Rules that recognize boilerplate, one module per family."""
