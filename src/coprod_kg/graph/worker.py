"""Run an embedded query in a forked worker that a deadline or Ctrl-C can stop at once.

Neither rdflib nor pyoxigraph can be interrupted in the middle of a query (Oxigraph does
not even let Python handle Ctrl-C until it returns), so the query runs in a child
process forked from this one (it shares the loaded store, copy-on-write). The parent
waits for the answer (see _answer); at the deadline, or on Ctrl-C, it kills the child. The
child ignores Ctrl-C (the parent decides), dies with its parent, and, unless federation
was allowed, runs in a network namespace of its own with no network at all (where the
kernel lets an unprivileged process make one): even a query the guard missed cannot
reach another host.
"""

from __future__ import annotations

import functools
import os
import select
import signal
import sys
import time
from collections.abc import Callable

from coprod_kg.errors import CoprodError, InputError

TYPE_CHECKING = False  # typing's own costs a warm query ~2 ms to import (issue 16)
if TYPE_CHECKING:
    from typing import TypeVar

    T = TypeVar("T")
_POLL_SECONDS = 0.1
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000
_PR_SET_PDEATHSIG = 1


class QueryTimeout(CoprodError):
    """The query ran past --timeout and was stopped."""


def run_bounded(action: Callable[[], T], *, timeout: float | None,
                offline: bool = True) -> T:
    """`action()` in a forked child; its result, or its CoprodError re-raised here."""
    if not hasattr(os, "fork"):
        return action()
    libc = _libc()  # loaded here, where it costs less than in every child (see _libc)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(action, write_end, offline, libc)
    os.close(write_end)
    try:
        payload = _collect(read_end, pid, timeout)
    finally:
        os.close(read_end)
    body = memoryview(payload)[1:]  # no copy of a large answer
    if payload[:1] == _TEXT:
        return str(body, "utf-8", "surrogatepass")  # type: ignore[return-value]
    import pickle

    status, value = pickle.loads(body)
    if status == "ok":
        return value
    kind, message, exit_code = value
    error = InputError(message) if kind == "InputError" else CoprodError(message)
    error.exit_code = exit_code
    raise error


def _collect(read_end: int, pid: int, timeout: float | None) -> bytes:
    deadline = None if timeout is None else time.monotonic() + timeout
    chunks: list[bytes] = []
    try:
        while True:
            wait = _POLL_SECONDS if deadline is None else \
                min(_POLL_SECONDS, max(0.0, deadline - time.monotonic()))
            ready, _, _ = select.select([read_end], [], [], wait)
            if ready:
                chunk = os.read(read_end, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
            elif deadline is not None and time.monotonic() >= deadline:
                _kill(pid)
                raise QueryTimeout(f"the query ran over --timeout {timeout:g} s and was stopped")
    except BaseException:  # Ctrl-C, the deadline, anything: the child must not outlive us
        _kill(pid)
        raise
    _, status = os.waitpid(pid, 0)
    # a child that died before it finished writing (the OOM killer) leaves a cut answer
    if not chunks or not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
        raise CoprodError(f"the query engine crashed ({_end_of(status)}); "
                          "the query may be too large or too deep")
    return b"".join(chunks)


def _end_of(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit {os.WEXITSTATUS(status)}"


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


# The child's answer on the pipe: _TEXT and a text's UTF-8 (a rendered answer, the common
# case: neither side imports pickle, ~1.5 ms), or _PICKLED and ("ok", value) or ("error",
# (kind, message, exit code)) pickled.
_TEXT, _PICKLED = b"t", b"p"


def _child(action: Callable[[], object], write_end: int, offline: bool, libc) -> None:
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _die_with_parent(libc)
        if offline:
            _leave_the_network(libc)
        try:
            payload = _answer(("ok", action()))
        except CoprodError as error:
            payload = _answer(("error", (type(error).__name__ if isinstance(
                error, InputError) else "CoprodError", str(error), error.exit_code)))
        except RecursionError:
            payload = _answer(("error", ("InputError",
                                         "the query is nested too deeply to run", 2)))
        except Exception as error:  # the engine's own failures: one line for the user
            first = str(error).strip().splitlines()[0] if str(error).strip() else ""
            payload = _answer(("error", ("InputError", f"the query cannot be run: "
                                         f"{first or type(error).__name__}", 2)))
        view = memoryview(payload)
        while view:
            written = os.write(write_end, view)
            view = view[written:]
    except BaseException:  # nothing may escape a forked child (it would run the parent's code)
        code = 1
    finally:
        os._exit(code)  # no flushing: the parent's buffered output is not the child's


def _answer(outcome: tuple[str, object]) -> bytes:
    status, value = outcome
    if status == "ok" and type(value) is str:
        return _TEXT + value.encode("utf-8", "surrogatepass")
    import pickle

    return _PICKLED + pickle.dumps(outcome)


@functools.cache
def _libc():
    """The C library (Linux: the child's prctl and unshare), loaded once, in the parent: a
    child that imports ctypes itself pays ~3 ms a query (its memory is copied on write)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def _die_with_parent(libc) -> None:
    if libc is not None:
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _leave_the_network(libc) -> None:
    """A new user and network namespace: no interface but a loopback that is down."""
    if libc is not None:
        libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET)  # refused on some systems: the guard stays
