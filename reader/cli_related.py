"""`reader related ID`: the articles most like one (reader.index.related), for scripts.

Kept apart from reader.cli, which parses and dispatches; this module imports no Textual.
"""

from __future__ import annotations

import argparse
import sys

from reader.cli_common import (
    CommandError,
    add_id_folder,
    add_no_cache,
    format_row,
    id_folder,
    open_folder,
    print_json_array,
    read_articles,
)
from reader.model import article_to_dict

RELATED_LIMIT = 10


def add_related_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    related = commands.add_parser(
        "related",
        help="the articles most like one, with the distinctive words they share",
        description="The articles most like ID, best first: ranked by the article's most "
        'distinctive words (README "Related articles"), the article itself left out.',
    )
    add_id_folder(related)
    add_no_cache(related)
    related.add_argument(
        "--limit",
        type=int,
        default=RELATED_LIMIT,
        metavar="N",
        help=f"list at most N articles (default {RELATED_LIMIT})",
    )
    related.add_argument("--json", action="store_true", help="print a JSON array")


def cmd_related(args: argparse.Namespace) -> int:
    args.path = id_folder(args)
    if args.limit < 1:
        raise CommandError(f"--limit {args.limit}: give a number of articles, 1 or more")
    store = open_folder(args)
    try:
        article = store.article(args.id)
        if article is None:
            from difflib import get_close_matches  # for a hint only: not at start

            close = get_close_matches(args.id, [row.id for row in store.rows()], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise CommandError(f"no article with id {args.id!r} in {store.root}{hint}", status=1)
        found = store.searcher().related(article, args.limit)
        if args.json:
            by_id = {item.summary.id: item for item in found}
            print_json_array(
                {
                    **article_to_dict(related),
                    "score": by_id[related.id].score,
                    "shared": list(by_id[related.id].shared),
                }
                for related in read_articles(store, list(by_id))
            )
            return 0
        if not found:
            print(f"reader: no article shares a distinctive word with {args.id}", file=sys.stderr)
        for item in found:
            print(format_row(item.summary))
            print(f"    shared: {', '.join(item.shared)}")
        return 0
    finally:
        store.close()
