"""Which modules some code imports, run in a fresh interpreter (import-time tests)."""

from __future__ import annotations

import subprocess
import sys


def imported_after(code: str, modules: set[str]) -> set[str]:
    """Those of `modules` that are imported once `code` has run in a new interpreter."""
    script = f"{code}\nimport sys\nprint(*[m for m in {sorted(modules)!r} if m in sys.modules])\n"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    return set(done.stdout.split())
