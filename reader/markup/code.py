"""Code blocks highlighted with Pygments (as Rich's Syntax does), as spans of roles.

A role per kind of token (`code-keyword`, `code-string`…), never a colour: the roles are
styled in styles/reader.tcss from the theme's variables, so code follows the theme as
the rest of the article does.
"""

from __future__ import annotations

from functools import lru_cache

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.token import (
    Comment,
    Generic,
    Keyword,
    Literal,
    Name,
    Number,
    Operator,
    String,
    _TokenType,
)
from pygments.util import ClassNotFound

# Longer blocks are shown unhighlighted: lexing costs about a microsecond a character,
# and some lexers' patterns cost more on hostile text.
MAX_HIGHLIGHT_CHARS = 20_000

# The roles below are code-KIND for these kinds.
CODE_KINDS = (
    "comment", "string", "number", "keyword", "builtin", "function", "inserted", "deleted",
)  # fmt: skip

# Most specific first: the first that a token's type is in wins.
_ROLES: tuple[tuple[_TokenType, str], ...] = (
    (Comment, "code-comment"),
    (String, "code-string"),
    (Number, "code-number"),
    (Literal, "code-string"),
    (Keyword, "code-keyword"),
    (Name.Builtin, "code-builtin"),
    (Name.Function, "code-function"),
    (Name.Class, "code-function"),
    (Name.Decorator, "code-builtin"),
    (Name.Tag, "code-keyword"),
    (Name.Attribute, "code-function"),
    (Name.Constant, "code-number"),
    (Operator.Word, "code-keyword"),
    (Generic.Inserted, "code-inserted"),
    (Generic.Deleted, "code-deleted"),
    (Generic.Heading, "code-function"),
    (Generic.Subheading, "code-function"),
    (Generic.Prompt, "code-comment"),
)


@lru_cache(maxsize=256)
def _role(token_type: _TokenType) -> str:
    for kind, role in _ROLES:
        if token_type in kind:
            return role
    return ""


def language_of(info: str) -> str:
    """The language a fence's info string names: `python title="a.py"` is python,
    `{r}` is r, `language-js` is js."""
    info = info.strip().lstrip("{").replace(",", " ").replace("}", " ")
    words = info.split(None, 1)
    return words[0].removeprefix("language-").lower() if words else ""


@lru_cache(maxsize=64)
def _lexer(language: str) -> Lexer | None:
    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except (ClassNotFound, ValueError):
        return None


def code_spans(code: str, language: str) -> list[tuple[int, int, str]]:
    """(start, end, role) for the highlighted tokens of `code` in `language` ([] when
    the language is unknown or the block too long)."""
    if not language or not code or len(code) > MAX_HIGHLIGHT_CHARS:
        return []
    lexer = _lexer(language)
    if lexer is None:
        return []
    spans: list[tuple[int, int, str]] = []
    position = 0
    try:
        for token_type, value in lexer.get_tokens(code):
            end = position + len(value)
            role = _role(token_type)
            if role and value.strip():
                if spans and spans[-1][2] == role and spans[-1][1] == position:
                    spans[-1] = (spans[-1][0], end, role)
                else:
                    spans.append((position, end, role))
            position = end
    except Exception:  # a lexer's own bug must not stop the article from showing
        return []
    # Lexers may add or change characters (a final newline): then offsets do not hold.
    return spans if position == len(code) else []
