"""Files a folder's own ignore files leave out, as git and ripgrep read them.

A site's repository holds more than its articles: an Astro or Docusaurus site's
`node_modules/` thousands of READMEs and changelogs, a Jekyll site's `vendor/` its gems'
and `_site/` the built pages, a Hugo or Zola site's `public/` the same. Its `.gitignore`
names them. So the walk reads the `.gitignore` and `.ignore` of each folder it enters (an
`.ignore`'s rules after a `.gitignore`'s, so they win, as in ripgrep) and leaves out what
they name, in that folder and below, with git's rules: a pattern without a slash matches
a name at any depth, one with a slash a path from the folder holding the file, a trailing
slash only folders, `!` takes a path back, the last rule that matches decides, a deeper
folder's rules come before its parents', and nothing under a folder left out is read.
`READER_NO_IGNORE=1` in the environment reads every file all the same.

Patterns become regular expressions through pathspec's gitignore translation. Ignore
files are untrusted input like articles: one is read up to IGNORE_FILE_BYTES and its
first IGNORE_FILE_PATTERNS patterns (compiling them costs about 20 µs a character), and
a pattern longer than PATTERN_CHARACTERS or with more than PATTERN_STARS stars is
skipped (each star is a loop of the expression: many in one pattern make matching a
long name slow)."""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable, Iterable

IGNORE_FILES = (".gitignore", ".ignore")
IGNORE_FILE_BYTES = 100_000
IGNORE_FILE_PATTERNS = 1_000
PATTERN_CHARACTERS = 500
PATTERN_STARS = 8


class IgnoreRules:
    """The rules of one folder's ignore files."""

    __slots__ = ("_rules", "any_rule")

    def __init__(self, rules: list[tuple[re.Pattern[str], bool]]) -> None:
        self._rules = rules
        # Most paths match no rule: one match of them all says so.
        self.any_rule = _compiled("|".join(f"(?:{pattern.pattern})" for pattern, _ in rules))

    def decide(self, relative: str) -> bool | None:
        """Whether the path `relative` to the folder (a folder's ending in `/`) is left out
        (True), taken back by a `!` rule (False), or not named here (None). (Asked only of
        a path `any_rule` matches: most are not.)"""
        for pattern, leaves_out in reversed(self._rules):
            if pattern.match(relative) is not None:
                return leaves_out
        return None


# The rules in force in a folder: each with the length of the id prefix of the folder
# whose ignore files hold them, outermost first.
Ignores = tuple[tuple[int, IgnoreRules], ...]


def reading_ignore_files() -> bool:
    return os.environ.get("READER_NO_IGNORE", "") in ("", "0")


def folder_ignores(folder: str, names: Iterable[str], prefix: str, outer: Ignores) -> Ignores:
    """The rules in force in `folder` (its id prefix `prefix`, its entries' `names`): the
    outer folders' `outer` and those of its own ignore files, if it has any."""
    present = [name for name in IGNORE_FILES if name in names]
    if not present or not reading_ignore_files():
        return outer
    rules: list[tuple[re.Pattern[str], bool]] = []
    for name in present:
        rules += _file_rules(os.path.join(folder, name))
    if not rules:
        return outer
    return (*outer, (len(prefix), IgnoreRules(rules)))


def ignored(ignores: Ignores, relative: str, is_folder: bool) -> bool:
    """Whether the file or folder `relative` (its id) is left out by `ignores`."""
    folder, _slash, name = relative.rpartition("/")
    return folder_ignored(ignores, folder + "/" if folder else "")(name, is_folder)


def folder_ignored(ignores: Ignores, prefix: str) -> Callable[[str, bool], bool]:
    """ignored(ignores, prefix + name, is_folder) as a function of the name and whether
    it is a folder's, for the entries of the folder of id prefix `prefix`, with what can
    be found once a folder found once (a walk calls it for every file)."""
    # Innermost first: each rules' folder's path to this one, and their one match.
    deciders = [(prefix[start:], rules.any_rule.match, rules) for start, rules in reversed(ignores)]

    def ignored_here(name: str, is_folder: bool) -> bool:
        for to_here, matches_any, rules in deciders:
            path = f"{to_here}{name}/" if is_folder else to_here + name
            if matches_any(path) is not None:
                decided = rules.decide(path)
                if decided is not None:
                    return decided
        return False

    return ignored_here


def ignored_at(
    root: str, file_id: str, is_folder: bool, known: dict[str, Ignores] | None = None
) -> bool:
    """Whether a walk of the folder `root` leaves out the file or folder `file_id` by the
    ignore files of the folders above it (each folder's rules kept in `known` by its id
    prefix, for the next path asked about)."""
    if not reading_ignore_files():
        return False
    known = {} if known is None else known
    ignores: Ignores = ()
    folder, prefix = root, ""
    names = file_id.split("/")[:-1]
    for depth in range(len(names) + 1):
        if depth:
            if ignored(ignores, prefix + names[depth - 1], True):
                return True  # nothing under a folder left out is read
            folder, prefix = os.path.join(folder, names[depth - 1]), f"{prefix}{names[depth - 1]}/"
        if prefix not in known:
            present = [name for name in IGNORE_FILES if os.path.isfile(os.path.join(folder, name))]
            known[prefix] = folder_ignores(folder, present, prefix, ignores)
        ignores = known[prefix]
    return ignored(ignores, file_id, is_folder)


def _file_rules(path: str) -> list[tuple[re.Pattern[str], bool]]:
    from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

    try:
        with open(path, "rb") as file:
            text = file.read(IGNORE_FILE_BYTES).decode("utf-8", "replace")
    except OSError:
        return []  # unreadable (or a folder of that name): no rules
    rules: list[tuple[re.Pattern[str], bool]] = []
    for line in text.splitlines():
        if len(rules) >= IGNORE_FILE_PATTERNS:
            break
        if len(line) > PATTERN_CHARACTERS or line.count("*") > PATTERN_STARS:
            continue
        try:
            expression, include = GitIgnoreSpecPattern.pattern_to_regex(line)
        except ValueError:  # (pathspec's GitIgnorePatternError) not a pattern: as git, none
            continue
        if expression is None:
            continue  # a blank line or a comment
        # One group name may stand only once in the joined expression.
        expression = expression.replace("(?P<ps_d>/)", "/")
        try:
            rules.append((_compiled(expression), bool(include)))
        except re.error:
            continue
    return rules


def _compiled(expression: str) -> re.Pattern[str]:
    with warnings.catch_warnings():  # ("possible nested set": a `[[` in a pattern)
        warnings.simplefilter("ignore", FutureWarning)
        return re.compile(expression)
