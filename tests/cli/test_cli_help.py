"""One vocabulary: every command's help ends with EXAMPLES and EXIT STATUS, the commands are
listed by group with whole summaries, `--format` has the same names everywhere, global
options work after the command, `--format json` errors are JSON, completion scripts."""

from __future__ import annotations

import json
import re

import click
import pytest

from coprod_kg.cli import cli
from coprod_kg.commands.options import DATASET_FORMATS, RDF_FORMATS, RESULT_FORMATS


def every_command(group: click.Group = cli, path: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from every_command(command, (*path, name))


COMMANDS = [path for path, _ in every_command()]


def help_text(runner, path: tuple[str, ...]) -> str:
    outcome = runner.invoke(cli, [*path, "--help"])
    assert outcome.exit_code == 0, outcome.output
    return outcome.stdout


@pytest.mark.parametrize("path", [(), *COMMANDS], ids=lambda p: " ".join(p) or "coprod-kg")
def test_every_help_ends_with_examples_then_exit_status(runner, path):
    text = help_text(runner, path)
    headings = [line.strip() for line in text.splitlines() if line.strip().isupper()]
    assert headings[-2:] == ["EXAMPLES", "EXIT STATUS"], text
    examples = text.split("EXAMPLES", 1)[1].split("EXIT STATUS", 1)[0]
    assert "coprod-kg" in examples
    statuses = text.split("EXIT STATUS", 1)[1].strip().splitlines()
    assert statuses and all(re.match(r"\d+  \S", line.strip()) for line in statuses)
    assert any(line.strip().startswith("0  ") for line in statuses)


def test_examples_name_real_commands(runner):
    names = {" ".join(path) for path in COMMANDS}
    for path in [(), *COMMANDS]:
        text = help_text(runner, path)
        examples = text.split("EXAMPLES", 1)[1].split("EXIT STATUS", 1)[0]
        for line in examples.strip().splitlines():
            words = [w for w in line.split("#")[0].split() if not w.startswith("-")]
            if "coprod-kg" not in words:
                continue
            after = words[words.index("coprod-kg") + 1:]
            # skip the values of global options such as `--source my-data/`
            spoken = " ".join(w for w in after if not w.endswith("/") and w != "memory")
            assert any(spoken.startswith(name) for name in names), line


def test_the_commands_are_grouped_and_their_summaries_whole(runner):
    text = help_text(runner, ())
    headings = re.findall(r"^(\w+) commands:$", text, re.M)
    assert headings == ["Query", "Check", "Publish", "Author", "Serve", "Shell"]
    listed = text.split("Query commands:", 1)[1].split("Global options may", 1)[0]
    assert "..." not in listed  # click's cut summaries end with "..."
    for path, command in every_command():
        if len(path) == 1:
            summary = command.get_short_help_str(limit=1000)
            # click may wrap a line after a hyphen ("coprod-" / "kg.toml"): compare the text
            # without white space
            assert "".join(summary.split()) in "".join(listed.split()), path


def format_choices(command: click.Command) -> tuple[str, ...] | None:
    for param in command.params:
        if isinstance(param, click.Option) and "--format" in param.opts:
            return tuple(param.type.choices)
    return None


def test_format_names_are_one_vocabulary():
    known = (set(RESULT_FORMATS) | set(RDF_FORMATS) | set(DATASET_FORMATS)
             | {"svg", "png", "html", "xlsx"})
    for path, command in every_command():
        choices = format_choices(command)
        if choices is None:
            continue
        assert set(choices) <= known, (path, choices)
        assert "text" not in choices
        if "table" in choices:
            assert choices[0] == "table", path


@pytest.mark.parametrize("path", [("query",), ("queries",), ("links",), ("links", "check"),
                                  ("stats",)])
def test_result_commands_offer_every_result_format_and_output(path):
    command = cli
    for name in path:
        command = command.commands[name]
    assert set(RESULT_FORMATS) <= set(format_choices(command)), path
    assert any("-o" in p.opts for p in command.params if isinstance(p, click.Option)), path


def test_old_format_name_text_still_works(runner):
    assert runner.invoke(cli, ["stats", "--format", "text"]).stdout.startswith("triples: ")


def test_global_options_after_the_command(runner):
    before = runner.invoke(cli, ["--store", "memory", "query", "principles", "--format", "csv"])
    after = runner.invoke(cli, ["query", "principles", "--format", "csv", "--store", "memory"])
    assert after.exit_code == 0, after.output
    assert after.stdout == before.stdout
    equals = runner.invoke(cli, ["query", "principles", "--store=memory", "--format", "csv"])
    assert equals.stdout == before.stdout


def test_a_command_keeps_its_own_option_of_a_global_name(runner):
    """`load --endpoint` is load's option: it is not moved before the command."""
    outcome = runner.invoke(cli, ["load", "--endpoint", "ftp://nowhere"])
    assert outcome.exit_code == 2
    assert "--endpoint" in outcome.stderr


def test_errors_are_one_json_object_with_format_json(runner):
    outcome = runner.invoke(cli, ["query", "no-such-query", "--format", "json"])
    assert outcome.exit_code == 2
    assert outcome.stdout == ""
    error = json.loads(outcome.stderr)
    assert error == {"error": error["error"], "exitCode": 2}
    assert "no-such-query" in error["error"]
    usage = runner.invoke(cli, ["validate", "--format", "json", "--limit", "lots"])
    assert usage.exit_code == 2
    assert json.loads(usage.stderr)["exitCode"] == 2


def test_errors_stay_one_line_without_format_json(runner):
    outcome = runner.invoke(cli, ["query", "no-such-query"])
    assert outcome.stderr.startswith("coprod-kg: error: unknown query 'no-such-query'")
    assert outcome.stderr.count("\n") == 1


@pytest.mark.parametrize("shell,marker", [("bash", "complete -o nosort -F"),
                                          ("zsh", "#compdef coprod-kg"),
                                          ("fish", "complete --no-files --command coprod-kg")])
def test_completion_scripts(runner, shell, marker):
    outcome = runner.invoke(cli, ["completion", shell])
    assert outcome.exit_code == 0, outcome.output
    assert marker in outcome.stdout
    assert "_COPROD_KG_COMPLETE" in outcome.stdout


def test_completion_of_commands_through_the_environment(tmp_path):
    """What the bash script asks the program: the commands starting with `val`."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "_COPROD_KG_COMPLETE": "bash_complete", "COMP_WORDS": "coprod-kg val",
           "COMP_CWORD": "1"}
    done = subprocess.run([sys.executable, "-c", "from coprod_kg.cli import main; main()"],
                          env=env, capture_output=True, text=True)
    assert done.stdout.splitlines() == ["plain,validate"]


def test_map_help_describes_the_map_as_it_is(runner):
    """The map is outcome categories (in domains) by interventions (in families), no longer
    principles by outcome categories."""
    for text in (help_text(runner, ("map",)), help_text(runner, ())):
        flat = " ".join(text.split())
        assert "principles by outcome categories" not in flat
        assert "The evidence gap map alone (outcome categories" in flat
    assert "by interventions, grouped in families" in " ".join(
        help_text(runner, ("map",)).split())
