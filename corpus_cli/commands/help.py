"""`corpus help [COMMAND]`: a command's help, as `corpus COMMAND --help` prints it (git's habit)."""

from __future__ import annotations

import click


@click.command("help")
@click.argument("command_name", metavar="[COMMAND]", required=False)
@click.pass_context
def help_command(ctx: click.Context, command_name: str | None) -> int:
    """Show the help of COMMAND, or of corpus itself.

    The same text as `corpus COMMAND --help` (and the man page corpus-COMMAND).

    \b
    Examples:
      corpus help grep
      corpus help
    """
    group_ctx = ctx.parent
    assert group_ctx is not None and isinstance(group_ctx.command, click.Group)  # run only as `corpus help`
    if command_name is None:
        click.echo(group_ctx.get_help())
        return 0
    group = group_ctx.command
    command = group.get_command(group_ctx, command_name)
    if command is None:
        import difflib

        known = group.list_commands(group_ctx)
        close = difflib.get_close_matches(command_name, known, n=1, cutoff=0.5)
        advice = f"did you mean {close[0]!r}?" if close else f"choose from {', '.join(known)}"
        raise click.UsageError(f"no command {command_name!r}: {advice}")
    with command.make_context(command_name, ["--help"], parent=group_ctx, resilient_parsing=True) as command_ctx:
        click.echo(command.get_help(command_ctx))
    return 0
