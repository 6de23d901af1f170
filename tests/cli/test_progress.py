"""Progress on long work: shown on stderr when it is a terminal (a pseudo-terminal here),
never in a pipe or with --quiet; --verbose prints each step's time."""

from __future__ import annotations

import subprocess
import sys

from terminal import run_in_terminal

STEPS = ("coprod-kg: checking the shapes", "coprod-kg: quality gates")


def test_validate_shows_progress_on_a_terminal():
    code, text = run_in_terminal(["validate", "--limit", "0"], columns=100)
    assert code == 0, text
    for name in STEPS:
        assert name in text
    assert "Result: conforms" in text


def test_quiet_hides_the_progress_on_a_terminal():
    code, text = run_in_terminal(["--quiet", "validate", "--limit", "0"], columns=100)
    assert code == 0, text
    assert "coprod-kg: " not in text
    assert "Result: conforms" in text


def test_no_progress_in_a_pipe():
    done = subprocess.run([sys.executable, "-m", "coprod_kg", "validate", "--limit", "0"],
                          capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stderr == ""


def test_verbose_prints_each_steps_time_even_in_a_pipe():
    done = subprocess.run([sys.executable, "-m", "coprod_kg", "validate", "--verbose",
                           "--limit", "0"], capture_output=True, text=True)
    assert done.returncode == 0
    lines = done.stderr.splitlines()
    names = [line.rsplit(":", 1)[0] for line in lines]
    assert set(STEPS) <= set(names)
    assert all(line.endswith(" s") for line in lines)
