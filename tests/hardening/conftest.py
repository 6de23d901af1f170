"""Fixtures of the hostile-input suite; they live in hostile.py (imported by name here)."""

from hostile import canary, cli, hostile_server, tiny_source  # noqa: F401
