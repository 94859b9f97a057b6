"""Profiles: the built-in `eco` and `practice` applications and user-defined ones."""
