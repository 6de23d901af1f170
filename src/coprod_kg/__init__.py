"""coprod-kg: the evidence base for co-production in health and social care."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("coprod-kg")
except PackageNotFoundError:  # running from a checkout without installing
    __version__ = "0.0.0+unknown"
