"""Profiles: the profile and its card, the typed engine choice, the profiles file, and the applications
that contribute profiles as plugins (the built-in `eco` and `practice` among them)."""
