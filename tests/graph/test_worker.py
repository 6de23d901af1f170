"""graph.worker: answers come back from the forked query worker as they left it."""

from __future__ import annotations

import pytest

from coprod_kg.errors import InputError
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
