"""`coprod-kg completion bash|zsh|fish`: the shell completion script (click's own)."""

from __future__ import annotations

import click

from coprod_kg.commands.options import epilog

SHELLS = ("bash", "zsh", "fish")
INSTALL = {
    "bash": "coprod-kg completion bash > ~/.local/share/bash-completion/completions/coprod-kg",
    "zsh": "coprod-kg completion zsh > ~/.zfunc/_coprod-kg   # with fpath+=(~/.zfunc) in .zshrc",
    "fish": "coprod-kg completion fish > ~/.config/fish/completions/coprod-kg.fish",
}


@click.command(
    "completion",
    epilog=epilog([
        'eval "$(coprod-kg completion bash)"   # this shell only',
        *INSTALL.values(),
    ]),
)
@click.argument("shell", type=click.Choice(SHELLS))
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
    """Print the shell completion script for SHELL (bash, zsh or fish): commands, options,
    choices and file names complete with Tab."""
    from click.shell_completion import get_completion_class

    root = ctx.find_root()
    script = get_completion_class(shell)(root.command, {}, "coprod-kg", "_COPROD_KG_COMPLETE")
    click.echo(script.source())
