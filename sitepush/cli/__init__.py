"""The command line: parse arguments, call the core, print, exit. Nothing else lives here.

::

    main(argv) → make_parser() → args.handler(args) → exit code
                                   │
                 one module a command: new, build, deploy, serve, configure, dns_check, history, sandbox,
                 import_site
                 (each ``add_commands(commands)`` adds its parsers and sets ``handler``)

Heavy modules (boto3, moto, Jinja2, Markdown, Pygments, watchdog) are imported inside the handlers, so
``sitepush --help`` answers at once; tests/cli/test_cli.py pins it. The role packages (builder, syncer,
configurator) never import this package.

Exit codes: 0 done, 1 user error (one line per problem), 2 usage, 3 safety stop, 4 AWS refused,
130 interrupted.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Sequence

from sitepush import __version__
from sitepush.cli import output
from sitepush.errors import SitepushError

MODULE_OF_COMMAND: dict[str, str] = {
    "new": "sitepush.cli.new", "build": "sitepush.cli.build", "deploy": "sitepush.cli.deploy",
    "serve": "sitepush.cli.serve", "configure": "sitepush.cli.configure", "dns-check": "sitepush.cli.dns_check",
    "history": "sitepush.cli.history", "rollback": "sitepush.cli.history", "share": "sitepush.cli.history",
    "preview": "sitepush.cli.history", "sandbox": "sitepush.cli.sandbox", "import": "sitepush.cli.import_site",
}
"""The module adding each command: a command line naming one needs only that module's parser
(tests/cli/test_cli.py checks the table against what the modules add)."""

COMMAND_MODULES: tuple[str, ...] = tuple(dict.fromkeys(MODULE_OF_COMMAND.values()))
"""Modules adding the commands, in the order ``--help`` lists them."""


WITHOUT_COLLECTOR = frozenset({"build"})
"""Commands that, run as a process of their own, leave the cyclic collector off from start to end. A
build allocates mostly what it keeps and turns the collector off itself (:meth:`Builder.build`); turned
on again after it, the collector's first pass scans everything the build allocated (~30 ms after the
46 pages of just-the-docs, ~90 ms after hugo-docs' 992) to find what the process's end frees anyway."""


def make_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser of every command, or of ``command`` alone (``--help`` lists every one).

    Building one command's parser instead of all twelve spares a quick command the import of every
    command module and argparse's set-up of the other eleven (~12 ms of a ``sitepush build``).
    """
    parser = argparse.ArgumentParser(
        prog="sitepush",
        description="Build a folder of Markdown into a website and publish it to S3.")
    parser.add_argument("--version", action="version", version=f"sitepush {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    modules = [MODULE_OF_COMMAND[command]] if command in MODULE_OF_COMMAND else COMMAND_MODULES
    for module in modules:
        importlib.import_module(module).add_commands(commands)
    return parser


def _command_named(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names when its first word is one, after no option (else None: every parser)."""
    if argv and not argv[0].startswith("-") and argv[0] in MODULE_OF_COMMAND:
        return argv[0]
    return None


def _command_parser(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The (sub)command parser ``args`` were parsed by: ``sitepush preview prune`` → the prune parser."""
    while True:
        chosen = None
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                name = getattr(args, action.dest, None)
                chosen = action.choices.get(name) if name else None
        if chosen is None:
            return parser
        parser = chosen


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``sitepush`` console script.

    Output to a closed pipe (``sitepush history --json | head -2``) is dropped silently and the
    command finishes its work (:class:`output.DroppedWhenClosed`). An interrupted command ends the
    process once its line is printed (:func:`signals.end_interrupted_process`).

    Called without ``argv`` it is the process's entry point (the console script, ``python -m
    sitepush``), and the process ends when it returns: every object still alive is frozen out of the
    cyclic collector first (:func:`gc.freeze`). The interpreter's teardown would otherwise run full
    collections over everything a build left alive (lexers, templates, parsed pages): ~100 ms at the
    end of a 46-page build, a sixth of its time, for memory the OS takes back anyway. A command of
    WITHOUT_COLLECTOR runs with the collector off.
    """
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = output.dropped_when_closed(streams[0]), output.dropped_when_closed(streams[1])
    if argv is None and _command_named(sys.argv[1:]) in WITHOUT_COLLECTOR:
        gc.disable()
    try:
        code = _run(argv)
        # Only a command that handles signals (deploy) imports the module; `--help` stays lean.
        signals = sys.modules.get("sitepush.cli.signals")
        if signals is not None:
            signals.end_interrupted_process(code)
        if argv is None:
            gc.freeze()
        return code
    finally:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        sys.stdout, sys.stderr = streams


def _run(argv: Sequence[str] | None) -> int:
    try:
        words = sys.argv[1:] if argv is None else argv
        parser = make_parser(_command_named(words))
        args, extras = parser.parse_known_args(words)
        if extras:
            # argparse reports an unknown option with the top-level usage; the command's own is the useful one.
            _command_parser(parser, args).error(f"unrecognized arguments: {' '.join(extras)}")
        output.annotated_site = getattr(args, "site", None)
        return int(args.handler(args))
    except SitepushError as error:
        output.print_problems(error.problems, "error: ", sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("error: interrupted — run the same command again to finish", file=sys.stderr)
        return 130


__all__ = ["COMMAND_MODULES", "MODULE_OF_COMMAND", "WITHOUT_COLLECTOR", "main", "make_parser"]
