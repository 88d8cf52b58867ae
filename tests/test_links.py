"""Which links open (reader.links): the look-alike classes, each refused or asked about."""

from __future__ import annotations

import pytest

from reader.links import check_link, shown_url
from reader.text.names import escape_name
from reader.text.sanitize import strip_control

OPENS = [
    "https://example.org/news/item",
    "HTTP://EXAMPLE.ORG/SHOUT",
    "https://example.org:8080/a?q=$(id)&x=`id`;|<>#top",
    "http://[::1]:8000/",
    "https://sub_domain.example.org/",
    "https://example.org./trailing-dot",
]


@pytest.mark.parametrize("url", OPENS)
def test_a_plain_web_link_opens_as_written(url: str) -> None:
    link = check_link(url)
    assert link.target == url and link.idn_host is None and link.refusal is None


def test_letters_beyond_ascii_after_the_host_are_percent_encoded() -> None:
    link = check_link("https://ru.wikipedia.org/wiki/Москва")
    assert link.target == "https://ru.wikipedia.org/wiki/%D0%9C%D0%BE%D1%81%D0%BA%D0%B2%D0%B0"
    assert link.idn_host is None


ASKS = {
    "https://www.pаypal.com/login": "www.xn--pypal-4ve.com",  # Cyrillic а
    "https://gοοgle.com/": "xn--ggle-0nda.com",  # Greek ο
    "https://аррӏе.com/": "xn--80ak6aa92e.com",  # all Cyrillic
    "https://xn--pypal-4ve.com/": "xn--pypal-4ve.com",  # punycode as written
    "https://XN--PYPAL-4VE.com/": "XN--PYPAL-4VE.com",
    "https://bücher.de:8443/": "xn--bcher-kva.de",
}


@pytest.mark.parametrize(("url", "host"), ASKS.items())
def test_an_internationalised_host_asks_first_showing_it_in_ascii(url: str, host: str) -> None:
    link = check_link(url)
    assert link.idn_host == host
    assert link.target is not None and host in link.target and link.target.isascii()
    assert check_link(link.target).idn_host == host  # a click on the drawn link asks too


REFUSED = {
    # User info: the host is what follows @.
    "https://www.google.com@evil.example/": "user before the host (it would open evil.example)",
    "https://user:password@example.org/": "user before the host",
    "https://www.paypal.com\\@evil.example/": "user before the host",
    # Characters that stand for others in the host.
    "https://www.paypal.com\u2215login.evil.example/": "look-alike",  # division slash
    "https://www.paypal.com\u2044x.evil/": "look-alike",  # fraction slash
    "https://www.paypal\u3002com/": "look-alike",  # ideographic full stop
    "https://www.paypal\uff0ecom/": "look-alike",  # full-width full stop
    "https://www.paypal\uff61com/": "look-alike",  # half-width ideographic full stop
    "https://www.\uff50\uff41\uff59\uff50\uff41\uff4c.com/": "look-alike",  # full-width letters
    "https://\u24d4xample.com/": "look-alike",  # circled e
    "https://ﬁle.example/": "look-alike",  # a ligature
    "https://xn--zz.example/": "look-alike",  # punycode that does not decode
    "http://exa%20mple.com/": "not a host name",
    "https://a..b/": "not a host name",
    "https://exa!mple.com/": "not a host name",
    # Hidden or direction-changing characters, anywhere.
    "https://www.pay\u00adpal.com/": "invisible",  # soft hyphen
    "https://www.pay\u200bpal.com/": "invisible",  # zero-width space
    "https://www.pay\u200cpal.com/": "invisible",  # zero-width non-joiner
    "https://www.pay\u200dpal.com/": "invisible",  # zero-width joiner
    "https://www.pay\u2060pal.com/": "invisible",  # word joiner
    "https://www.pay\ufeffpal.com/": "invisible",  # BOM
    "https://example.com/\u200f.evil": "invisible",  # right-to-left mark
    "https://example.com/\u200e": "invisible",  # left-to-right mark
    "https://example.com/\u061c": "invisible",  # Arabic letter mark
    "https://example.com/\u202egnp.exe": "invisible",  # right-to-left override
    "https://example.com/\U000e0041": "invisible",  # a tag character
    "https://exa\u034fmple.com/": "invisible",  # combining grapheme joiner
    "https://exa\ufe0fmple.com/": "invisible",  # a variation selector
    "https://exa\u3164mple.com/": "invisible",  # Hangul filler
    "https://example.com/\u00a0x": "invisible",  # no-break space
    "https://example.com/\u3000x": "invisible",  # ideographic space
    "https://example.com/\nx": "invisible",
    "http://exa mple.com": "a space",
    "<http://exa mple.com>": "a space",
    # Not web links at all.
    "javascript:alert(1)": "not an http or https link",
    "file:///etc/passwd": "not an http or https link",
    "//evil.example/": "not an http or https link",
    "ｈｔｔｐｓ://example.org/": "not an http or https link",
    "http:evil.example": "no host",
    "https://": "no host",
    "http://[::1/": "not a valid address",
    "http://example.org:port/": "not a valid address",
}


@pytest.mark.parametrize(("url", "why"), REFUSED.items())
def test_a_look_alike_or_hidden_link_is_refused_saying_why(url: str, why: str) -> None:
    link = check_link(url)
    assert link.target is None and not link.opens
    assert link.refusal is not None and why in link.refusal, link.refusal
    assert link.other_scheme == (why == "not an http or https link")


def test_a_huge_url_is_shown_on_one_short_line() -> None:
    url = "https://example.org/" + "a\u200b\n" * 70_000  # 200 KB
    shown = shown_url(url)
    assert len(shown) <= 100 and "\n" not in shown and shown.endswith("…")
    assert shown.startswith("https://example.org/a\\u200b\\u000aa")


@pytest.mark.parametrize("mark", ["\u061c", "\u200e", "\u200f"])
def test_bidi_marks_are_removed_like_the_other_bidi_controls(mark: str) -> None:
    assert strip_control(f"abc{mark}def") == "abcdef"
    assert escape_name(f"file{mark}.md") == f"file\\u{ord(mark):04x}.md"
