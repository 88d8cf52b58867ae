"""Which links the reader draws as hyperlinks and opens: the one rule, for the article's
URL (`o`, `y`), links in its body and URLs in its metadata.

A link is opened only when it is http(s) with a host, names no user before the host
(`https://bank.example@evil.example/` goes to evil.example), and its text holds no
invisible, spacing or direction-changing character (a zero-width space, a soft hyphen, a
right-to-left mark hide what the link says). A host written in ASCII letters, digits,
hyphens and dots opens. A host written with other letters (`www.pаypal.com`, its `а`
Cyrillic) or in punycode (`xn--…`) is internationalised: the reader asks first, showing
the host as the browser would get it, in ASCII. A host holding anything but letters,
digits and hyphens between its dots (U+2215 `∕` standing for a slash, an ideographic
full stop `。`, full-width `ｅ`, any character Unicode counts the same as an ASCII one)
is a look-alike, and refused.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, urlsplit, urlunsplit

# Characters that do not show, or change the order of what does: format characters
# (zero-width space and joiners, soft hyphen, bidi marks and controls, tags, BOM),
# controls, separators and spaces of every width, private use, unassigned; and the
# default-ignorable marks and fillers Unicode draws as nothing.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})
_IGNORABLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\U000e0000-\U000e0fff]"
)
# A host written in ASCII: letters, digits, hyphens (and underscores, which some real
# subdomains have) between dots.
_ASCII_HOST = re.compile(r"[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?")
# Notices show at most this much of a URL, on one line.
SHOWN_CHARACTERS = 100


@dataclass(frozen=True, slots=True)
class Link:
    """What the reader makes of one URL."""

    written: str
    # What a browser is given (the host in ASCII, other characters outside ASCII
    # percent-encoded); None when the link is refused.
    target: str | None = None
    # The host in ASCII (punycode) when it is internationalised: ask before opening.
    idn_host: str | None = None
    # Why it is refused (None when it opens).
    refusal: str | None = None
    # Refused only for not being http(s) (a mailto: link, say): no trick, may be copied.
    other_scheme: bool = False

    @property
    def opens(self) -> bool:
        return self.target is not None


def is_hidden(character: str) -> bool:
    """A character a reader of the URL would not see, or that reorders the ones they do."""
    return unicodedata.category(character) in _HIDDEN_CATEGORIES or bool(
        _IGNORABLE.match(character)
    )


def shown_url(url: str, limit: int = SHOWN_CHARACTERS) -> str:
    """A URL for a notice: on one line, hidden characters written out (`\\u200b`), cut
    with `…` after `limit` characters."""
    text = "".join(f"\\u{ord(c):04x}" if c != " " and is_hidden(c) else c for c in url[: limit + 1])
    return text if len(text) <= limit else text[: limit - 1] + "…"


@lru_cache(maxsize=4096)
def check_link(url: str) -> Link:
    """Whether and how `url` opens (cached: the renderer asks for every link it draws)."""
    if " " in url:
        return Link(url, refusal="it holds a space")
    if any(is_hidden(character) for character in url):
        return Link(url, refusal="it holds invisible or direction-changing characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # "http://[::1", a port that is no number...
        return Link(url, refusal="it is not a valid address")
    if parts.scheme.lower() not in ("http", "https"):
        return Link(url, refusal="it is not an http or https link", other_scheme=True)
    netloc = parts.netloc
    if "@" in netloc:
        host = shown_url(netloc.rpartition("@")[2], 60)
        return Link(url, refusal=f"it names a user before the host (it would open {host})")
    host = netloc.rpartition(":")[0] if port is not None or netloc.endswith(":") else netloc
    if not host:
        return Link(url, refusal="it names no host")
    if host.startswith("[") and host.endswith("]"):  # an IPv6 address (urlsplit checked it)
        return Link(url, target=_encoded(url))
    if host.isascii() and not any(label.lower().startswith("xn--") for label in host.split(".")):
        if not _ASCII_HOST.fullmatch(host):
            return Link(url, refusal=f"its host {shown_url(host, 60)} is not a host name")
        return Link(url, target=_encoded(url))
    ascii_host = _ascii_host(host)
    if ascii_host is None or not _ASCII_HOST.fullmatch(ascii_host):
        shown = shown_url(host, 60)
        return Link(url, refusal=f"its host {shown} is written with look-alike characters")
    netloc = ascii_host + (f":{port}" if port is not None else "")
    target = _encoded(urlunsplit(parts._replace(netloc=netloc)))
    return Link(url, target=target, idn_host=ascii_host)


def _ascii_host(host: str) -> str | None:
    """An internationalised host in ASCII (punycode), or None when it is not one: a
    label holds something other than letters, marks, digits and hyphens, or a character
    that stands for another (NFKC changes it: full-width and circled letters,
    ligatures), or is punycode that does not decode."""
    labels = host.split(".")
    converted: list[str] = []
    for label in labels:
        if label.isascii():
            if label.lower().startswith("xn--"):
                try:
                    label.encode("ascii").decode("idna")
                except UnicodeError:
                    return None
            converted.append(label)
            continue
        for character in label:
            if character != "-" and unicodedata.category(character)[0] not in "LMN":
                return None
        if unicodedata.normalize("NFKC", label) != label:
            return None
        try:
            converted.append(label.encode("idna").decode("ascii"))
        except UnicodeError:
            return None
    return ".".join(converted)


def _encoded(url: str) -> str:
    """`url` with every character outside ASCII percent-encoded (as UTF-8)."""
    if url.isascii():
        return url
    return "".join(c if c.isascii() else quote(c, safe="") for c in url)
