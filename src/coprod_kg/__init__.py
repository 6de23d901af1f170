"""coprod-kg: the evidence base for co-production in health and social care."""

# The one place the version is written: pyproject.toml reads it from here
# (`[tool.setuptools.dynamic]`), so start-up needs no importlib.metadata (~30 ms).
__version__ = "0.1.0"
