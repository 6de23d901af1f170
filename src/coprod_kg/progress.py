"""Progress of long work, reported by the library and shown (or not) by the CLI.

The library marks its steps with `step(name, total)` and advances them; what is shown is
chosen once by the CLI with `configure`: a tqdm bar on stderr when stderr is a terminal,
each step's time with --verbose, nothing with --quiet or in a pipe (the default).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_MODE = {"bars": False, "timings": False}


def configure(*, quiet: bool = False, verbose: bool = False, stream=None) -> None:
    """Bars when `stream` (stderr) is a terminal and not quiet; timings when verbose."""
    stream = stream or sys.stderr
    _MODE["bars"] = not quiet and _is_terminal(stream)
    _MODE["timings"] = verbose and not quiet


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def step(name: str, total: int | None = None, unit: str = "files") -> Iterator[Callable]:
    """A named step of `total` units (None: unknown); yields `advance(n=1)`."""
    started = time.perf_counter()
    bar = None
    if _MODE["bars"]:
        from tqdm import tqdm

        bar = tqdm(total=total, desc=f"coprod-kg: {name}", unit=f" {unit}", file=sys.stderr,
                   leave=False, dynamic_ncols=True, mininterval=0.2)

    def advance(count: int = 1) -> None:
        if bar is not None:
            bar.update(count)

    try:
        yield advance
    finally:
        if bar is not None:
            bar.close()
        if _MODE["timings"]:
            seconds = time.perf_counter() - started
            sys.stderr.write(f"coprod-kg: {name}: {seconds:.2f} s\n")


def track(items, name: str, unit: str = "files"):
    """Iterate `items` (a sized collection) as one step."""
    with step(name, len(items), unit) as advance:
        for item in items:
            yield item
            advance()
