"""The `reader` command: opens the TUI, or runs list / show / search / check / stats /
export / searches for scripts.

Subcommands never import Textual, so scripted use starts fast.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from reader import __version__
from reader.articles import duplicate_urls, open_store
from reader.cli_common import (
    CommandError,
    add_id_folder,
    add_path,
    format_row,
    id_folder,
    ids_of,
    is_unicode,
    open_folder,
    open_folder_as_indexed,
    print_json,
    read_articles,
    refresh_folder,
    report_problem_count,
    resolve_root,
    write_json_lines,
)
from reader.cli_search import JsonWorkers, list_json, search_fresh, search_json, search_lines
from reader.loading.discover import no_articles_message
from reader.model import Article, article_to_dict
from reader.ordering import RELEVANCE, SEARCH_ORDERS

if TYPE_CHECKING:
    from reader.articles import ArticleStore
    from reader.index import FoundIds
    from reader.search import Node


def _count(text: str) -> int:
    """An argparse type: a whole number >= 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reader",
        description="A keyboard-first terminal reader for folders of markdown articles. "
        "`reader [PATH]` opens the reader; the subcommands below are for scripts.",
    )
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    open_cmd = commands.add_parser("open", help="open the reader (the default command)")
    add_path(open_cmd)
    open_cmd.add_argument(
        "--fresh",
        action="store_true",
        help="start at the newest article with no query, not where you left the folder "
        "(read and starred marks are kept)",
    )

    list_cmd = commands.add_parser("list", help="one line per article, newest first")
    add_path(list_cmd)
    list_cmd.add_argument("--json", action="store_true", help="print a JSON array")

    show_cmd = commands.add_parser("show", help="one article with its body")
    add_id_folder(show_cmd, "article id (path relative to the root) or a file path")
    show_cmd.add_argument("--json", action="store_true", help="print a JSON object")

    search_cmd = commands.add_parser(
        "search",
        help="articles matching a query, best first",
        description='Search with the reader\'s query language (README "Search"): words, '
        '"phrases", -exclusions, OR, (groups), field:value, after:/before:/date:.',
    )
    search_cmd.add_argument(
        "query", help="the query (quote it for the shell), or @NAME for a saved search"
    )
    add_path(search_cmd)
    search_cmd.add_argument("--json", action="store_true", help="print a JSON array")
    search_cmd.add_argument("--limit", type=_count, metavar="N", help="print at most N results")
    search_cmd.add_argument(
        "--sort",
        choices=SEARCH_ORDERS,
        default=RELEVANCE,
        help="relevance (the default; newest first when the query has no words to rank by), "
        "newest, oldest, title or area",
    )
    search_cmd.add_argument(
        "--prefix",
        action="store_true",
        help="match the last word as a prefix (polic finds police), as the reader does "
        "while you type",
    )

    from reader.cli_overview import add_commands

    add_commands(commands)

    check_cmd = commands.add_parser(
        "check", help="report files that cannot load, warnings and metadata lint"
    )
    add_path(check_cmd)
    check_cmd.add_argument("--json", action="store_true", help="print a JSON object")

    config_cmd = commands.add_parser("config", help="where the configuration file is")
    config_action = config_cmd.add_mutually_exclusive_group(required=True)
    config_action.add_argument("--path", action="store_true", help="print the config file path")
    config_action.add_argument(
        "--init", action="store_true", help="write a commented default config file"
    )
    config_action.add_argument(
        "--check", action="store_true", help="report problems in the config file (exit 1 if any)"
    )
    from reader.cli_related import add_related_parser

    add_related_parser(commands)
    return parser


COMMANDS = (
    "open", "list", "show", "search", "stats", "export", "searches", "related", "check", "config",
)  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    _replace_what_output_cannot_encode()
    parser = build_parser()
    args = _parse(parser, list(sys.argv[1:] if argv is None else argv))
    handler = _HANDLERS[args.command]
    try:
        return handler(args)
    except CommandError as error:
        print(f"reader: {error}", file=sys.stderr)
        return error.status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `reader list | head`: the reader of our output left; that is not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


_TOP_FLAGS = ("-h", "--help", "--version")


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """The command line, options anywhere: `reader --no-cache list`, `reader search kent
    --limit 3 ~/news`. The command is the first argument that is not an option (else
    `open`: `reader PATH` opens the reader); the rest goes to that command's parser with
    its options moved before its positional arguments."""
    commands = _command_parsers(parser)
    command, rest = _find_command(argv, commands)
    if command is None:
        if argv and argv[0] in _TOP_FLAGS:
            return parser.parse_args(argv)  # reader --help, reader --version
        command = "open"
    args = commands[command].parse_args(_options_first(commands[command], rest))
    args.command = command
    return args


def _command_parsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("the parser has no commands")


def _option_action(parser: argparse.ArgumentParser, option: str) -> argparse.Action | None:
    """The action of `option` as argparse matches it (exactly, or a unique prefix)."""
    name = option.split("=", 1)[0]
    matches = [
        action
        for action in parser._actions
        for string in action.option_strings
        if string == name or (name.startswith("--") and string.startswith(name))
    ]
    exact = [action for action in matches if name in action.option_strings]
    found = exact or matches
    return found[0] if len(found) == 1 or exact else None


def _takes_value(parser: argparse.ArgumentParser, option: str) -> bool:
    """Whether the next argument is `option`'s value (`--limit 3`, not `--limit=3`)."""
    action = _option_action(parser, option)
    return action is not None and "=" not in option and action.nargs in (None, 1)


def _is_option(arg: str) -> bool:
    """As argparse has it: `-x`, `--name`; not `-`, nor a dash with a space after it (a
    query: `-area:essex kent`), nor one dash before a field (`-is:duplicate`: no option
    has a colon)."""
    single_dash_field = not arg.startswith("--") and ":" in arg
    return arg.startswith("-") and arg != "-" and " " not in arg and not single_dash_field


def _find_command(
    argv: list[str], commands: dict[str, argparse.ArgumentParser]
) -> tuple[str | None, list[str]]:
    """The command named by the first argument that is not an option or an option's
    value, and the arguments without it; (None, argv) when that argument is no command."""
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "--":
            break
        if _is_option(arg):
            if any(_takes_value(command, arg) for command in commands.values()):
                index += 1
        elif arg in commands:
            return arg, argv[:index] + argv[index + 1 :]
        else:
            break
        index += 1
    return None, argv


def _options_first(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """`argv` with every option (and its value) before the positional arguments, which
    follow a `--`: argparse alone cannot take a positional after an optional one
    (`search kent --limit 3 PATH`), and parse_intermixed_args loses `--`."""
    options: list[str] = []
    positionals: list[str] = []
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "--":
            positionals.extend(argv[index + 1 :])
            break
        if _is_option(arg):
            options.append(arg)
            if _takes_value(parser, arg) and index + 1 < len(argv):
                index += 1
                options.append(argv[index])
        else:
            positionals.append(arg)
        index += 1
    return [*options, "--", *positionals] if positionals else options


def _replace_what_output_cannot_encode() -> None:
    """Print what the terminal's encoding can (`PYTHONIOENCODING=ascii`), with `?` for
    the rest, instead of ending in a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="replace")


def cmd_open(args: argparse.Namespace) -> int:
    root = resolve_root(args.path)
    if not _on_a_terminal():
        # A full-screen reader writing to a file or a pipe would write escape codes forever.
        raise CommandError(
            "the reader needs a terminal for its input and output; "
            "`reader list` (or search, show) prints the articles instead"
        )
    from reader.tui.app import run  # Textual is imported only when the TUI starts

    # Textual draws on stderr: a character its encoding lacks is drawn as `?`, one cell,
    # not as a `\u2500` escape that breaks the layout.
    if isinstance(sys.__stderr__, io.TextIOWrapper) and not is_unicode(sys.__stderr__):
        sys.__stderr__.reconfigure(errors="replace")
    return run(root, use_cache=args.use_cache, fresh=args.fresh)


def _on_a_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def cmd_list(args: argparse.Namespace) -> int:
    with JsonWorkers() as workers:
        store = open_folder_as_indexed(args)
        try:
            if args.json:
                # Started now where the list will be long: they start while the folder
                # is brought up to date.
                workers.start_for(store, limit=None)
            refresh_folder(store)
            return _print_list(store, args, workers)
        finally:
            store.close()


def _print_list(store: ArticleStore, args: argparse.Namespace, workers: JsonWorkers) -> int:
    """`reader list`'s lines, or its JSON (made as `search --json` makes its results)."""
    rows = store.rows()
    if args.json:
        ensure_ascii = not is_unicode(sys.stdout)
        write_json_lines(list_json(store, ids_of(rows), ensure_ascii=ensure_ascii, workers=workers))
    else:
        for row in rows:
            print(format_row(row))
    if not rows:
        root = resolve_root(args.path)
        print(f"reader: {no_articles_message(root, str(root))}", file=sys.stderr)
    report_problem_count(store)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    article = find_article(args.id, id_folder(args))
    if args.json:
        print_json(article_to_dict(article, body=True))
        return 0
    print(article.title)
    byline = [article.published.strftime("%a %d %b %Y, %H:%M") if article.published else None]
    byline += [article.area, f"{article.word_count:,} words"]
    print(" · ".join(part for part in byline if part))
    if article.url:
        print(article.url)
    print()
    print(article.body)
    return 0


def find_article(article_id: str, root: Path | None) -> Article:
    """The article `article_id` names: an id under `root`, or a path to a file."""
    from reader.loading import article_id as id_of
    from reader.loading import is_article_name, load_article

    direct = Path(article_id)
    if root is None and direct.is_file():
        item = load_article(direct, direct)
    else:
        base = resolve_root(root)
        candidate = base / article_id if base.is_dir() else base
        # Only ids `reader list` can show: no hidden or `..` parts, an article suffix.
        listed = id_of(candidate, base) == article_id and (
            not base.is_dir()
            or (
                is_article_name(candidate.name)
                and not any(part.startswith(".") for part in article_id.split("/"))
            )
        )
        if not listed or not candidate.is_file():
            # Not a plain path: an id as `reader list` shows it (names that are not text
            # are shown escaped, `\xff`), or a typo.
            store = open_store(base)
            store.refresh()
            try:
                known = store.article(article_id)
                if known is not None:
                    return known
                from difflib import get_close_matches  # for a hint only: not at start

                close = get_close_matches(article_id, ids_of(store.rows()), n=1)
            finally:
                store.close()
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise CommandError(f"no article with id {article_id!r} in {base}{hint}", status=1)
        item = load_article(candidate, base)
    if not isinstance(item, Article):
        raise CommandError(f"{item.path}: {item.message}", status=1)
    return item


def cmd_search(args: argparse.Namespace) -> int:
    with JsonWorkers() as workers:
        # --json: started as soon as the folder is open where the results may be many.
        # The lines (most often few) start them only for many, and make the first batch
        # meanwhile: a search of a few results need not pay for their start.
        opened = partial(workers.start_for, limit=args.limit) if args.json else None
        store, query, results = search_fresh(args, opened=opened)
        try:
            if not args.json:
                return _print_results(store, query, results, workers)
            ids = results.ids
            scores = dict(zip(ids, results.scores, strict=True))
            ensure_ascii = not is_unicode(sys.stdout)
            write_json_lines(
                search_json(store, ids, scores, query, ensure_ascii=ensure_ascii, workers=workers)
            )
            report_problem_count(store)
            return 0
        finally:
            store.close()


def _print_results(
    store: ArticleStore, query: Node, results: FoundIds, workers: JsonWorkers
) -> int:
    """`reader search`'s lines: each result with a snippet, then how many matched."""
    # Bodies are read only for the results printed, a batch at a time (by worker
    # processes when there are many, as for --json).
    printed = 0
    for lines, count in search_lines(store, results.ids, query, workers):
        sys.stdout.write(lines)
        printed += count
    total = results.total
    what = f"{total:,} of {len(store.rows()):,} articles match"
    if printed < total:
        what += f"; showing {printed:,}"
    print(what, file=sys.stderr)
    report_problem_count(store)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from reader.cli_overview import cmd_stats as run

    return run(args)


def cmd_export(args: argparse.Namespace) -> int:
    from reader.cli_overview import cmd_export as run

    return run(args)


def cmd_searches(args: argparse.Namespace) -> int:
    from reader.cli_overview import cmd_searches as run

    return run(args)


def cmd_check(args: argparse.Namespace) -> int:
    store = open_folder(args)
    try:
        rows = store.rows()
        warned = dict(store.warnings())
        duplicates = duplicate_urls(rows)
        # Only the articles with something to say are read (for their paths): 100,000
        # bodies are never loaded to find a few warnings.
        named = [row.id for row in rows if row.id in warned]
        named += [row.id for group in duplicates.values() for row in group]
        paths = {article.id: str(article.path) for article in read_articles(store, named)}
        warnings = [
            {"path": paths[row.id], "message": message}
            for row in rows
            if row.id in warned and row.id in paths
            for message in warned[row.id]
        ]
        for url, group in duplicates.items():
            for row in group:
                if row.id not in paths:
                    continue  # gone since the list was read
                others = ", ".join(other.id for other in group if other is not row)
                warnings.append(
                    {"path": paths[row.id], "message": f"duplicate URL {url} (also in {others})"}
                )
        problems = [{"path": str(p.path), "message": p.message} for p in store.problems()]
        if args.json:
            print_json({"articles": len(rows), "problems": problems, "warnings": warnings})
        else:
            for entry in problems:
                print(f"{entry['path']}: error: {entry['message']}")
            for entry in warnings:
                print(f"{entry['path']}: warning: {entry['message']}")
            print(
                f"{len(rows):,} articles, {len(problems):,} files not loaded, "
                f"{len(warnings):,} warnings",
                file=sys.stderr,
            )
        return 1 if problems else 0
    finally:
        store.close()


def cmd_config(args: argparse.Namespace) -> int:
    from reader.config import config_path, load_config, write_default_config

    path = config_path()
    if args.path:
        print(path)
        return 0
    if args.init:
        try:
            write_default_config(path)
        except FileExistsError:
            raise CommandError(f"{path} already exists; not overwriting it", status=1) from None
        except OSError as error:
            raise CommandError(f"cannot write {path}: {error.strerror}", status=1) from None
        print(path)
        return 0
    # The reader's own check of the theme and the keys: Textual knows what exists.
    from reader.tui.app import config_messages

    messages = config_messages(load_config(path), path)
    for message in messages:
        print(message, file=sys.stderr)
    if messages:
        return 1
    print(f"{path}: OK" if path.exists() else f"{path}: OK (no file: every setting is its default)")
    return 0


def _cmd_related(args: argparse.Namespace) -> int:
    from reader.cli_related import cmd_related

    return cmd_related(args)


_HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "open": cmd_open,
    "list": cmd_list,
    "show": cmd_show,
    "search": cmd_search,
    "stats": cmd_stats,
    "export": cmd_export,
    "searches": cmd_searches,
    "check": cmd_check,
    "config": cmd_config,
    "related": _cmd_related,
}
