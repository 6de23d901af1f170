"""Fixtures of the interoperability tests: real servers this project did not write."""

from fixtures_virtuoso import virtuoso_server  # noqa: F401
