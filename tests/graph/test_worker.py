"""graph.worker: answers come back from the forked query worker as they left it."""

from __future__ import annotations

import os
import signal

import pytest

from coprod_kg.errors import CoprodError, InputError
from coprod_kg.graph.worker import run_bounded
from fresh_python import imported_after


@pytest.mark.parametrize("value", ["", "a table\n", "é \udcff \U0001f600", ["rows", 2], None])
def test_a_value_comes_back_equal(value):
    assert run_bounded(lambda: value, timeout=10) == value


def test_an_error_comes_back_as_itself():
    def refuse():
        raise InputError("not this one")

    with pytest.raises(InputError, match="^not this one$") as caught:
        run_bounded(refuse, timeout=10)
    assert caught.value.exit_code == 2


def test_a_text_answer_needs_no_pickle():
    """A rendered answer (text) crosses the pipe as UTF-8: the parent does not import
    pickle for it (~1.5 ms of a warm query)."""
    code = ("from coprod_kg.graph.worker import run_bounded\n"
            "assert run_bounded(lambda: 'x', timeout=10) == 'x'\n")
    assert imported_after(code, {"pickle"}) == set()


def _stops_after_the_first_chunk(size: int, stop):
    """An action whose worker writes the first 64 KiB of its answer, then `stop()`s: runs
    in the forked child only."""

    def action():
        write = os.write

        def write_then_stop(fd, data):
            written = write(fd, bytes(data[: 1 << 16]))
            stop()
            return written

        os.write = write_then_stop
        return "x" * size

    return action


def _killed() -> None:  # as by the OOM killer
    os.kill(os.getpid(), signal.SIGKILL)


def _write_fails() -> None:
    raise OSError("no space left")


@pytest.mark.parametrize("stop, end", [(_killed, "signal SIGKILL"), (_write_fails, "exit 1")])
def test_an_answer_cut_short_is_an_error_not_an_answer(stop, end):
    with pytest.raises(CoprodError, match=rf"^the query engine crashed \({end}\)"):
        run_bounded(_stops_after_the_first_chunk(4 << 20, stop), timeout=10)
