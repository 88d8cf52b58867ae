"""File names as text that is safe to show, store and print: article ids, paths in
messages. Imported by the walk helpers (reader.loading.walk), so it needs nothing but the
standard library, and `re` only once a name needs escaping."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re

# A file name may hold any character but `/` and NUL, and bytes that are not UTF-8 arrive
# as lone surrogates (Python's surrogateescape). Names are escaped rather than stripped,
# so two files never end up with the same name.
_UNSAFE_NAME_CHARS = (
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)
_compiled: re.Pattern[str] | None = None


def _pattern() -> re.Pattern[str]:
    """_UNSAFE_NAME_CHARS compiled, once it is first wanted."""
    global _compiled
    if _compiled is None:
        import re

        _compiled = re.compile(_UNSAFE_NAME_CHARS)
    return _compiled


def unsafe_name(name: str) -> bool:
    """Whether escape_name changes `name`."""
    # Every character escape_name escapes (controls, the bidi and other format
    # characters, lone surrogates) is one str.isprintable() refuses: a name it passes
    # needs no closer look, and no regex (a walk asks this of every folder's names).
    return not name.isprintable() and _pattern().search(name) is not None


def escape_name(name: str) -> str:
    """A file name or path as text that is safe to show, store and print: bytes that are
    not UTF-8 written as `\\xff`, control and bidi characters as `\\x1b` or `\\u202e`."""
    if not unsafe_name(name):
        return name
    return _pattern().sub(_escape_char, name)


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, as surrogateescape keeps it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
