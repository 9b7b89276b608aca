"""Shared by the demo loaders: the one password every demo account uses (printed by `make run`)."""

DEMO_PASSWORD = "fansub-demo-2026"
