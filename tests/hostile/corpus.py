"""A corpus of hostile article files, written on demand into a temporary folder.

Nothing here is committed as a binary file: every case is built from a few lines of
Python. `build_corpus(root)` writes the cases that are quick to make and to load (about
200 files, a few MB); `build_corpus(root, big=True)` adds the heavy ones (a 50 MB
one-line body, a 15 MB body just under the file size limit, 10 MB metadata blocks and a
folder of 10,000 empty files).

Each file is recorded as an `Entry`: its id (its path relative to the root, as the
loader names it), whether it must load as an article or be reported as a problem, and a
piece of text its warnings (or its problem message) must contain, so the tests can check
that every limit a file runs into is reported, not silently applied.
"""

from __future__ import annotations

import builtins
import codecs
import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import pytest

import reader.loading.discover
import reader.loading.folder
import reader.loading.walk
from hostile.bombs import key_of_aliases
from reader.limits import (
    MAX_FILE_BYTES,
    MAX_MARKDOWN_CHARS,
    MAX_METADATA_BYTES,
    MAX_METADATA_VALUES,
)
from reader.loading import FoundFile, find_files
from reader.loading.walk import listed_folders

Outcome = Literal["article", "problem"]

# Byte sequences a terminal acts on: clear screen, reset, set title, clipboard write
# (OSC 52), a hyperlink (OSC 8), a device control string, 8-bit CSI, bell, backspace.
ESCAPES = {
    "clear": "\x1b[2J\x1b[H",
    "reset": "\x1bc",
    "title": "\x1b]0;pwned\x07",
    "title_st": "\x1b]2;pwned\x1b\\",
    "clipboard": "\x1b]52;c;ZWNobyBwd25lZA==\x07",
    "hyperlink": "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "dcs": "\x1bP+q544e\x1b\\",
    "csi8": "\x9b31m8-bit CSI\x9b0m",
    "bell_backspace": "ok\x07\x08\x08XX\x7f",
    "cursor": "\x1b[999;999H\x1b[6n\x1b[?1049h",
}
# Text that means something to Rich, Textual's markup or a template engine.
MARKUP = [
    "[/]",
    "[bold red]not bold[/bold red]",
    "[link=javascript:alert(1)]click[/link]",
    "[@click=app.quit]quit[/]",
    "[/link][/][/bold]",
    "$accent $primary ${HOME} $(rm -rf ~) `id`",
    "{0} {title!r} %s %(x)s {{7*7}}",
]
# Characters that reorder or hide text.
BIDI = "user\u202egnp.exe\u202c \u2066isolated\u2069 \u200f\u200e"
ZERO_WIDTH = "zero\u200bwidth\u200c\u200d\u2060joined\ufeff\u00ad\U000e0041\U000e0042"
# URLs an `o` must not open: every scheme but http(s), and http(s) look-alikes.
REFUSED_URLS = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    "  javascript:alert(1)",
    "file:///etc/passwd",
    "FILE:///etc/shadow",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "ssh://example.org/",
    "ftp://example.org/file",
    "mailto:someone@example.org",
    "//evil.example/path",
    "http:evil.example",
    "https://",
    "http://example.org/ ; rm -rf ~",
    "https://example.org/$(reboot)\n--new-window file:///etc/passwd",
    "ｈｔｔｐｓ://example.org/fullwidth",
    "\\\\server\\share\\file",
    "-https://example.org",
    # Look-alikes: what the link says is not where it goes, or is hidden.
    "https://www.google.com@evil.example/",
    "https://user:pass@example.org/",
    "https://www.paypal.com\u2215login.evil.example/",
    "https://www.pay\u00adpal.com/",
    "https://www.pay\u200bpal.com/",
    "https://www.paypal\u3002com/",
    "https://www.\uff50\uff41\uff59\uff50\uff41\uff4c.com/",
    "<http://exa mple.com>",
    "http://exa%20mple.com/",
    "https://exa\u2060mple.com/",
]
# URLs whose host is internationalised: `o` asks first, showing it in ASCII (punycode).
ASKED_URLS = {
    "https://www.p\u0430ypal.com/": "www.xn--pypal-4ve.com",  # a Cyrillic a
    "https://g\u03bf\u03bfgle.com/": "xn--ggle-0nda.com",  # Greek omicrons
    "https://xn--pypal-4ve.com/login": "xn--pypal-4ve.com",  # punycode as written
}
# URLs `o` may open (http(s) with a host); shell characters in them are only text.
OPENED_URLS = [
    "https://example.org/news/item",
    "HTTP://EXAMPLE.ORG/SHOUT",
    "https://example.org/search?q=$(id)&x=`id`;|<>",
]


@dataclass(frozen=True)
class Entry:
    """One file of the corpus and what loading it must give."""

    id: str
    outcome: Outcome
    # Text that a warning of the article (or the problem's message) must contain.
    reported: str | None = None
    # The URL its metadata holds, for the `o` tests.
    url: str | None = None


@dataclass
class HostileCorpus:
    root: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    # Files that are mode 000 (root reads them anyway; see `denied_paths`).
    unreadable: list[Path] = field(default_factory=list)
    # Files that `simulate_file_system_trouble` deletes between listing and reading.
    vanishing: list[Path] = field(default_factory=list)
    # Folders (mode 000) that cannot be listed, under `simulate_file_system_trouble`.
    unlistable: list[Path] = field(default_factory=list)

    def expected(self, *, simulated: bool) -> dict[str, Entry]:
        """What loading must give for each file (and unlistable folder), by id.

        `simulated`: whether `simulate_file_system_trouble` is in force. Without it,
        vanishing files stay, and for root (who reads and lists through mode 000) the
        unreadable files and unlistable folders are ordinary.
        """
        denied = simulated or os.geteuid() != 0
        ordinary = set() if simulated else {self._id(path) for path in self.vanishing}
        if not denied:
            ordinary |= {self._id(path) for path in self.unreadable}
        locked = [self._id(path) for path in self.unlistable] if denied else []
        expected: dict[str, Entry] = {}
        for entry_id, entry in self.entries.items():
            if any(entry_id.startswith(folder + "/") for folder in locked):
                continue
            if entry_id in ordinary:
                entry = replace(entry, outcome="article", reported=None)
            expected[entry_id] = entry
        for folder in locked:
            expected[folder] = Entry(folder, "problem", "cannot list folder")
        return expected

    def _id(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def add(
        self,
        name: str | bytes,
        data: bytes | str,
        outcome: Outcome = "article",
        reported: str | None = None,
        *,
        entry_id: str | None = None,
        url: str | None = None,
    ) -> Path:
        raw_name = name if isinstance(name, bytes) else name.encode("utf-8")
        path = Path(os.fsdecode(os.path.join(os.fsencode(self.root), raw_name)))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        self._record(entry_id or os.fsdecode(raw_name), outcome, reported, url)
        return path

    def _record(
        self, entry_id: str, outcome: Outcome, reported: str | None, url: str | None = None
    ) -> None:
        assert entry_id not in self.entries, entry_id
        self.entries[entry_id] = Entry(entry_id, outcome, reported, url)

    def link(self, name: str, target: str, outcome: Outcome, reported: str | None) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target)
        self._record(name, outcome, reported)


# Links to files of the kernel's: each is refused unread (those missing here are left out).
KERNEL_FILES = {
    "proc_kmsg": "/proc/kmsg",
    "proc_environ": "/proc/self/environ",
    "proc_status": "/proc/self/status",
    "sys_cpus": "/sys/devices/system/cpu/online",
}


def front_matter(fields: dict[str, object], body: str = "Body.\n") -> str:
    """`---` YAML front matter; values are written as JSON, which YAML reads as is."""
    lines = [f"{json.dumps(key)}: {json.dumps(value)}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body


def fenced_yaml(block: str, body: str = "Body.\n") -> str:
    return "```yaml\n" + block + "\n```\n\n" + body


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """Billion laughs: each level a list of `width` aliases to the level below."""
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    for level in range(1, levels):
        refs = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines)


def hostile_text(label: str, text: str) -> str:
    """An article with `text` in every field a reader shows, raw in the body."""
    fields = {
        "title": f"{label} {text}",
        "area": text,
        "date": "2020-01-02 10:00",
        "url": "https://example.org/" + label,
        "description": text,
        f"key {text[:40]}": text,
        "og": {"title": f"{label} {text}", "site_name": text},
        "tags": [text, text],
    }
    body = "\n\n".join(
        [
            f"# {label} {text}",
            f"Paragraph {text} with *emphasis {text}* and `code {text}`.",
            f"* Initiative {text}\n* Second {text}",
            f"> Quote {text}",
            f"1. Ordered {text}",
            f"```\ncode block {text}\n```",
            f"| Head {text} | B |\n|---|---|\n| cell {text} | d |",
            f"[link {text}](https://example.org/{label}) ![image {text}](x.png)",
        ]
    )
    return "---\n" + "\n".join(_yaml_lines(fields)) + "\n---\n\n" + body + "\n"


def _yaml_lines(fields: dict[str, object]) -> Iterator[str]:
    for key, value in fields.items():
        if isinstance(value, dict):
            yield f"{json.dumps(key)}:"
            for inner, item in value.items():
                yield f"  {json.dumps(inner)}: {json.dumps(item)}"
        else:
            yield f"{json.dumps(key)}: {json.dumps(value)}"


def build_corpus(root: Path, *, big: bool = False) -> HostileCorpus:
    """Write the hostile files under `root` (created if needed) and describe them."""
    root.mkdir(parents=True, exist_ok=True)
    corpus = HostileCorpus(root)
    _metadata_cases(corpus)
    _date_cases(corpus)
    _text_cases(corpus)
    _body_cases(corpus)
    _encoding_cases(corpus)
    _url_cases(corpus)
    _file_system_cases(corpus)
    if big:
        _big_cases(corpus)
    return corpus


def _metadata_cases(corpus: HostileCorpus) -> None:
    add = corpus.add
    limit_note = f"more than {MAX_METADATA_VALUES:,} values"
    add("metadata/alias_bomb.md", "---\n" + alias_bomb() + "\n---\n# Bomb\n", reported=limit_note)
    add("metadata/alias_bomb_fenced.txt", fenced_yaml(alias_bomb()), reported=limit_note)
    add(
        "metadata/alias_bomb_wide.md",
        "---\n" + alias_bomb(levels=4, width=300) + "\n---\n",
        reported=limit_note,
    )
    # Few values, but one long string used thousands of times: 1 GB of text to clean.
    string_bomb = 'a: &a "' + "x&amp;" * 80_000 + '"\nb: [' + ", ".join(["*a"] * 2_000) + "]"
    add("metadata/alias_string_bomb.md", "---\n" + string_bomb + "\n---\n", reported="KB of text")
    add("metadata/anchor_loop.md", "---\nloop: &a [*a]\n---\n# Loop\n", reported="levels")
    add(
        "metadata/anchor_loop_mapping.md",
        "---\nloop: &a {self: *a}\n---\n",
        reported="levels",
    )
    deep = "x: " + "{a: " * 300 + "1" + "}" * 300
    add("metadata/deep_flow.md", "---\n" + deep + "\n---\n", reported="levels")
    deep_block = "\n".join(" " * level + f"k{level}:" for level in range(400)) + " end"
    add("metadata/deep_block.md", "---\n" + deep_block + "\n---\n", reported="metadata")
    many = "values: [" + ", ".join(["1"] * (MAX_METADATA_VALUES + 10)) + "]"
    add("metadata/many_values.md", "---\n" + many + "\n---\n", reported=limit_note)
    add("metadata/a_list.md", "---\n- one\n- two\n---\nBody.\n", reported="a list")
    add("metadata/a_scalar.md", "---\njust some words\n---\nBody.\n", reported="not metadata")
    add("metadata/a_number.md", "---\n42\n---\nBody.\n", reported="not a mapping")
    add("metadata/null.md", "---\n~\n---\nBody.\n")
    add("metadata/empty_block.md", "---\n---\nBody.\n")
    add("metadata/fenced_list.txt", fenced_yaml("- a\n- b"), reported="a list")
    keys = "\n".join(
        [
            "2019: a year",
            "3.5: a float",
            "true: a bool",
            "null: a null",
            "~: tilde",
            "2019-01-01: a date",
            "? [a, b]\n: a list key",
            "? {k: v}\n: a mapping key",
            "title: Non-string keys",
            "title: duplicate title",
        ]
    )
    add("metadata/non_string_keys.md", "---\n" + keys + "\n---\n", reported="not text")
    many_keys = "\n".join(f"{number}: v" for number in range(5_000))
    add("metadata/many_non_string_keys.md", "---\n" + many_keys + "\n---\n", reported="not text")
    tags = "\n".join(
        [
            "a: !!python/object/apply:os.system ['echo pwned']",
            "b: !!binary aGVsbG8=",
            "c: !!set {x, y}",
            "d: !custom tag",
        ]
    )
    add("metadata/python_tags.md", "---\n" + tags + "\n---\n", reported="YAML error")
    add("metadata/binary_set.md", "---\nb: !!binary aGVsbG8=\nc: !!set {x, y}\n---\n")
    too_long = "more than 4,300 digits"
    add("metadata/huge_int.md", "---\nn: 1" + "0" * 6000 + "\nf: 1e99999\n---\n", reported=too_long)
    hex_number = "0x" + "f" * 4_000  # read by Python, but no str() of it works
    add(
        "metadata/huge_hex.md", f"---\nn: {hex_number}\nl: [{hex_number}]\n---\n", reported=too_long
    )
    add("metadata/huge_hex_toml.md", f"+++\nn = {hex_number}\n+++\n", reported=too_long)
    add("metadata/huge_base_60.md", "---\nn: 1" + ":30" * 3_000 + "\n---\n", reported=too_long)
    aliased = "n: &n " + "9" * 4_299 + "\nl: [" + ", ".join(["*n"] * 9_000) + "]"
    add("metadata/number_aliased.md", "---\n" + aliased + "\n---\n", reported="KB of text")
    add("metadata/key_of_aliases.md", "---\n" + key_of_aliases() + "\n---\n", reported="not text")
    nests = "nests more than 50 levels"
    add("metadata/toml_dotted_key.md", "+++\n" + "a." * 50_000 + "a = 1\n+++\n", reported=nests)
    header = "+++\n[" + "a." * 250_000 + "a]\nb = 1\n+++\n"
    add("metadata/toml_header.md", header, reported=nests)
    add("metadata/toml_many_values.md", "+++\nx = [" + "1," * 60_000 + "1]\n+++\n", reported=nests)
    add("metadata/inf_nan.md", "---\na: .inf\nb: -.inf\nc: .nan\n---\n")
    add("metadata/bad_yaml.md", "---\ntitle: [unclosed\n---\nBody.\n", reported="YAML error")
    add("metadata/tab_yaml.md", "---\ntitle:\t\tx\n\tbad: indent\n---\n", reported="YAML")
    add("metadata/bad_toml.md", '+++\ntitle = "x\n+++\nBody.\n', reported="TOML error")
    add(
        "metadata/toml_odd.md",
        '+++\ntitle = "TOML"\nn = inf\nm = nan\nd = 1979-05-27T07:32:00Z\n'
        "arr = [[1, 2], ['a']]\n[a.b.c.d.e.f]\ng = 1\n+++\n",
    )
    toml_deep = "+++\nx = " + "[" * 200 + "]" * 200 + "\n+++\n"
    add("metadata/toml_deep.md", toml_deep, reported="metadata")
    add("metadata/unclosed_front_matter.md", "---\ntitle: x\nBody.\n", reported="never closed")
    add("metadata/unclosed_fence.txt", "```yaml\ntitle: x\n\nBody.\n", reported="never closed")
    add("metadata/unclosed_toml.md", '+++\ntitle = "x"\n', reported="never closed")
    add("metadata/only_dashes.md", "---\n")
    add("metadata/only_fence.txt", "```yaml")
    over = "k: " + "v" * (MAX_METADATA_BYTES + 100)
    add("metadata/over_limit.md", "---\n" + over + "\n---\n# Heading\n", reported="KB limit")


def _date_cases(corpus: HostileCorpus) -> None:
    # (value, whether it must be reported as no date); the rest are odd but real dates.
    dates: list[tuple[object, bool]] = [
        ("99/99/9999", True),
        ("99:99 99/99/9999", True),
        ("00/00/0000", True),
        ("31/02/2019", True),
        ("9999-99-99", True),
        ("0000-01-01", True),
        ("10000-01-01", True),
        ("-1", True),
        ("1e308", True),
        ("Fri, 99 Foo 9999 99:99:99 +9999", True),
        ("2019-02-30T25:61:61+99:99", True),
        ("9" * 5000, True),
        ("27/09/2019" * 20, True),
        (["99/99/9999"], True),
        (99999999999999999999, True),
        ("Mon, 01 Jan 0001 00:00:00 -2359", False),
        ("0001-01-01T00:00:00+23:59", False),
        ("9999-12-31T23:59:59-23:59", False),
        ({"nested": "99/99/9999"}, False),
        (-1, True),
    ]
    for number, (value, reported) in enumerate(dates):
        fields = {"title": f"Date {number}", "date": value}
        path = f"dates/date_{number:02d}.md"
        corpus.add(path, front_matter(fields), reported="not a date" if reported else None)
    corpus.add("dates/yaml_impossible.md", "---\ndate: 2019-02-30\n---\n", reported="not a date")
    corpus.add("dates/yaml_year_zero.md", "---\ndate: 0000-00-00 00:00:00\n---\n")
    corpus.add("dates/9999-99-99-file-name-date.md", "# File name date\n")
    corpus.add("dates/2019-02-30-no-such-day.md", "# No such day\n")


def _text_cases(corpus: HostileCorpus) -> None:
    for name, sequence in ESCAPES.items():
        corpus.add(f"text/escape_{name}.md", hostile_text(name, sequence))
    for number, markup in enumerate(MARKUP):
        corpus.add(f"text/markup_{number}.md", hostile_text(f"markup{number}", markup))
    corpus.add("text/bidi.md", hostile_text("bidi", BIDI))
    corpus.add("text/zero_width.md", hostile_text("zero", ZERO_WIDTH))
    corpus.add("text/c1_controls.md", hostile_text("c1", "".join(map(chr, range(0x80, 0xA0)))))
    # NUL is left out: it makes a file binary (see the encoding cases).
    corpus.add("text/c0_controls.md", hostile_text("c0", "".join(map(chr, range(1, 0x20)))))
    corpus.add("text/line_separators.md", hostile_text("seps", "a\u2028b\u2029c\x85d\x0ce\x0bf"))
    corpus.add("text/tabs.md", hostile_text("tabs", "a\tb\t\tc"))
    corpus.add("text/zalgo.md", hostile_text("zalgo", "Z" + "\u0301\u0316" * 2000 + "!"))
    corpus.add("text/wide.md", hostile_text("wide", "警察" * 50 + "👩‍👩‍👧‍👦" * 20 + "\u3164" * 5))
    # Entities the markdown parser decodes itself, after the loader cleaned the text.
    entities = "&#27;[2J &#x1b;]0;t&#7; &#155;31m &#8238;rtl&#8236; &#0; &#xD800; &#x110000;"
    corpus.add(
        "text/entities.md", front_matter({"title": entities}, f"# {entities}\n\n{entities}\n")
    )
    corpus.add("text/html.md", "# HTML\n\n<script>alert(1)</script>\n\n<iframe src=x></iframe>\n")
    long_title = "T" * 100_000
    corpus.add("text/title_100kb.md", front_matter({"title": long_title}), reported="cut to")
    corpus.add("text/heading_100kb.md", "# " + "H " * 50_000 + "\n\nBody.\n", reported="cut to")
    corpus.add("text/og_title_100kb.md", front_matter({"og": {"title": long_title}}))
    corpus.add("text/area_100kb.md", front_matter({"title": "Long area", "area": "A" * 100_000}))
    corpus.add("text/key_100kb.md", front_matter({"title": "Long key", "K" * 100_000: "v"}))


def _body_cases(corpus: HostileCorpus) -> None:
    add = corpus.add
    title = "---\ntitle: Body case\n---\n\n"
    nesting = "nest"
    add("body/deep_bullets.md", title + "- " * 10_000 + "deep text\n", reported=nesting)
    add("body/deep_ordered.md", title + "1. " * 10_000 + "deep text\n", reported=nesting)
    add("body/deep_quotes.md", title + ">" * 10_000 + " deep text\n", reported=nesting)
    add("body/deep_mixed.md", title + "> - 1. " * 3_000 + "deep text\n", reported=nesting)
    add(
        "body/deep_quote_lines.md",
        title + "\n".join(">" * level + " line" for level in range(1, 2_000)),
        reported=nesting,
    )
    staircase = "\n".join("  " * level + "- step" for level in range(1_000))
    add("body/deep_staircase.md", title + staircase + "\n", reported=nesting)
    add("body/deep_emphasis.md", title + "*" * 5_000 + "x" + "*" * 5_000 + "\n")
    add("body/deep_links.md", title + "[" * 5_000 + "x" + "](u)" * 5_000 + "\n")
    add("body/unclosed_brackets.md", title + "[" * 20_000 + "\n")
    add("body/unclosed_brackets_lines.md", title + "[x\n" * 5_000)
    add("body/unclosed_backticks.md", title + "`" * 20_000 + " x\n")
    add("body/unclosed_backtick_runs.md", title + "` `` ``` " * 3_000 + "\n")
    add("body/unclosed_links.md", title + "[a](" * 10_000 + "\n")
    add("body/unclosed_images.md", title + "![" * 10_000 + "\n")
    add("body/unclosed_angles.md", title + "<a " * 10_000 + "\n")
    add("body/unclosed_emphasis.md", title + "*_" * 10_000 + "\n")
    add("body/unclosed_fence.md", title + "```python\ncode = 1\n" * 3 + "\nnever closed\n")
    add("body/unclosed_html.md", title + "<div>\n<!--\n" * 1_000)
    add("body/ref_definitions.md", title + "".join(f"[{n}]: https://e/{n}\n" for n in range(3_000)))
    add(
        "body/wide_table.md",
        title + "|" + "a|" * 2_000 + "\n|" + "-|" * 2_000 + "\n|" + "x|" * 2_000,
    )
    add("body/long_table.md", title + "|a|b|\n|-|-|\n" + "|c|d|\n" * 5_000)
    add("body/many_items.md", title + "* item\n" * 30_000, reported="plain text")
    # Past the markdown limit, and past the lines one view lays out.
    add("body/many_lines.md", title + "a\n" * 60_000, reported="plain text")
    add("body/many_hard_breaks.md", title + "a\\\n" * 60_000, reported="plain text")
    add("body/no_title_many_items.md", "* item\n" * 30_000, reported="plain text")
    add("body/long_line.md", title + "word " * 900_000, reported="plain text")
    add("body/long_word.md", title + "x" * 4_500_000, reported="plain text")
    add("body/just_under_markdown_limit.md", title + "w " * (MAX_MARKDOWN_CHARS // 2 - 100))
    add("body/blank_lines.md", title + "\n" * 100_000 + "end\n")
    add("body/spaces.md", title + " " * 4_500_000 + "end\n", reported="plain text")
    add("body/empty.md", "")
    add("body/whitespace_only.md", " \n\t\n \n")


def _encoding_cases(corpus: HostileCorpus) -> None:
    add = corpus.add
    text = "---\ntitle: Encoded café\n---\n\n* one\n* two\n"
    add("encoding/nul.md", b"# Title\n\x00\x01binary", outcome="problem", reported="NUL")
    add("encoding/nul_late.md", b"# Title\n" + b"x" * 10_000 + b"\x00", "problem", "NUL")
    utf16_nul = codecs.BOM_UTF16_LE + "# a\x00b\n".encode("utf-16-le")
    add("encoding/nul_after_bom.md", utf16_nul, outcome="problem", reported="NUL")
    add("encoding/utf16_no_bom.md", text.encode("utf-16-le"), outcome="problem", reported="NUL")
    add(
        "encoding/invalid_utf8.md",
        b"# caf\xe9 \xff\xfe\xc0\x80 \xed\xa0\x80\n",
        reported="not valid",
    )
    add(
        "encoding/overlong_utf8.md",
        b"# \xc0\xaf\xe0\x80\xaf\xf8\x88\x80\x80\x80\n",
        reported="not valid",
    )
    add("encoding/utf8_bom.md", codecs.BOM_UTF8 + text.encode())
    add("encoding/utf8_bom_invalid.md", codecs.BOM_UTF8 + b"# \xff\n", reported="not valid")
    add("encoding/double_bom.md", codecs.BOM_UTF8 * 2 + text.encode())
    add("encoding/utf16_le.md", codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    add("encoding/utf16_be.md", codecs.BOM_UTF16_BE + text.encode("utf-16-be"))
    add("encoding/utf32.md", text.encode("utf-32"))
    lone = codecs.BOM_UTF16_LE + "# Lone\n".encode("utf-16-le") + b"\x00\xd8A\x00"
    add("encoding/utf16_lone_surrogate.md", lone, reported="not valid")
    add("encoding/utf16_odd_length.md", codecs.BOM_UTF16_LE + b"#\x00 \x00x", reported="not valid")
    add("encoding/bom_only.md", codecs.BOM_UTF16_BE)
    add("encoding/crlf.md", text.replace("\n", "\r\n"))
    add("encoding/lone_cr.md", text.replace("\n", "\r"))
    add("encoding/mixed_endings.md", "---\r\ntitle: Mixed\r---\n\r\n* one\r* two\n\r")
    add("encoding/latin1.md", "# Café in Latin-1\n".encode("latin-1"), reported="not valid")


def _url_cases(corpus: HostileCorpus) -> None:
    for number, url in enumerate(REFUSED_URLS + OPENED_URLS + list(ASKED_URLS)):
        fields = {"title": f"URL {number}", "url": url, "date": f"2001-01-{number % 28 + 1:02d}"}
        body = f"[link]({url})\n\n<{url}>\n\n![image]({url})\n"
        corpus.add(f"urls/url_{number:02d}.md", front_matter(fields, body), url=url)
    corpus.add("urls/og_url_only.md", front_matter({"og": {"url": "javascript:alert(1)"}}))
    corpus.add("urls/url_list.md", front_matter({"url": ["javascript:x", "https://e.org/"]}))


def _file_system_cases(corpus: HostileCorpus) -> None:
    root = corpus.root
    links = "cannot read"
    corpus.link("links/self_loop.md", "self_loop.md", "problem", links)
    corpus.link("links/ping.md", "pong.md", "problem", links)
    corpus.link("links/pong.md", "ping.md", "problem", links)
    corpus.link("links/dangling.md", "does-not-exist.md", "problem", links)
    corpus.link("links/dev_zero.md", "/dev/zero", "problem", "not a regular file")
    corpus.link("links/dev_null.md", "/dev/null", "problem", "not a regular file")
    corpus.add("links/target.md", "# Link target\n")
    corpus.link("links/good_link.md", "target.md", "article", None)
    (root / "links" / "folder_loop").symlink_to(".")
    (root / "links" / "parent_loop").symlink_to("..")
    os.mkfifo(root / "links" / "fifo.md")
    corpus._record("links/fifo.md", "problem", "not a regular file")
    # Files of the kernel's: stat says "regular file", and a read of /proc/kmsg (which
    # root may make) waits for the kernel to say something, for ever.
    for name, target in KERNEL_FILES.items():
        if os.path.exists(target):
            corpus.link(f"links/{name}.md", target, "problem", "kernel's")
    (root / "links" / "folder.md").mkdir()
    corpus.add("links/folder.md/inside.md", "# Inside a folder named .md\n")

    unreadable = corpus.add("files/unreadable.md", "# Unreadable\n", "problem", "Permission")
    unreadable.chmod(0)
    corpus.unreadable.append(unreadable)
    corpus.add("files/locked/secret.md", "# Locked away\n")
    corpus.unlistable.append(root / "files" / "locked")
    (root / "files" / "locked").chmod(0)
    for number in range(3):
        corpus.vanishing.append(
            corpus.add(f"files/vanishing_{number}.md", "# Vanishing\n", "problem", "No such file")
        )
    corpus.add("files/.hidden.md", "# Hidden\n")
    del corpus.entries["files/.hidden.md"]  # hidden files are not articles
    (root / "files" / "not_an_article.html").write_text("<h1>not listed</h1>")
    deep = "/".join(["d"] * 60)
    corpus.add(f"files/{deep}/deep_folder.md", "# Deep folder\n")
    _too_deep_for_paths(corpus)
    # File names are text from strangers too: bytes that are not UTF-8, terminal
    # escapes, markup. They load, and are shown with the odd bytes escaped.
    odd = "not UTF-8 or control characters"
    corpus.add(
        b"names/bad\xff\xfename.md",
        "# Bad bytes\n",
        reported=odd,
        entry_id="names/bad\\xff\\xfename.md",
    )
    corpus.add(
        b"names/latin1_caf\xe9.md", "# Latin-1\n", reported=odd, entry_id="names/latin1_caf\\xe9.md"
    )
    corpus.add(
        b"names/esc\x1b]0;pwned\x07\x1b[2J.md",
        "# Escapes in the name\n",
        reported=odd,
        entry_id="names/esc\\x1b]0;pwned\\x07\\x1b[2J.md",
    )
    corpus.add(b"names/c1\xc2\x9b31m.md", "# C1\n", reported=odd, entry_id="names/c1\\x9b31m.md")
    corpus.add(b"names/new\nline.md", "# Newline\n", reported=odd, entry_id="names/new\\x0aline.md")
    corpus.add(
        "names/bidi\u202etxt.md", "# Bidi\n", reported=odd, entry_id="names/bidi\\u202etxt.md"
    )
    corpus.add("names/[bold]markup[/].md", "# Markup in the name\n")
    corpus.add("names/$HOME `id` $(id).md", "# Shell in the name\n")
    corpus.add("names/-rf.md", "# Dash\n")
    corpus.add("names/" + "n" * 250 + ".md", "")
    corpus.add(
        b"bad\xffdir/inside.md",
        "# Bad folder name\n",
        reported=odd,
        entry_id="bad\\xffdir/inside.md",
    )


def _too_deep_for_paths(corpus: HostileCorpus) -> None:
    """Folders nested past the system's path length limit, an article at the bottom: the
    first folder whose path is too long cannot be listed, and is reported."""
    limit = os.pathconf(corpus.root, "PC_PATH_MAX")
    name = "p" * 200
    parts = ["files", "long_paths"]
    (corpus.root / "files" / "long_paths").mkdir(parents=True)
    folder = os.open(corpus.root / "files" / "long_paths", os.O_RDONLY)
    reported = None
    try:
        while reported is None or len(parts) < 5 + len(reported.split("/")):
            os.mkdir(name, dir_fd=folder)
            inner = os.open(name, os.O_RDONLY, dir_fd=folder)
            os.close(folder)
            folder = inner
            parts.append(name)
            if reported is None and len(os.fsencode(corpus.root.joinpath(*parts))) >= limit:
                reported = "/".join(parts)
        article = os.open("bottom.md", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=folder)
        os.write(article, b"# Too deep to reach\n")
        os.close(article)
    finally:
        os.close(folder)
    assert reported is not None
    corpus._record(reported, "problem", "cannot list folder")


def _big_cases(corpus: HostileCorpus) -> None:
    add = corpus.add
    add("big/body_50mb.md", b"word " * (50 * 1024 * 1024 // 5), "problem", "MB limit")
    add("big/just_over_limit.md", b"x" * (MAX_FILE_BYTES + 1), "problem", "MB limit")
    under = MAX_FILE_BYTES - 1024
    add("big/body_15mb_line.md", b"# Big\n\n" + b"word " * (under // 5), reported="plain text")
    add(
        "big/body_15mb_items.md",
        b"# Items\n\n" + b"* item text\n" * (under // 12),
        reported="plain text",
    )
    add("big/body_15mb_lines.md", b"a\n" * (under // 2), reported="plain text")
    ten_mb = "k: " + "v" * (10 * 1024 * 1024)
    add("big/metadata_10mb.md", "---\n" + ten_mb + "\n---\n# Ten MB\n", reported="KB limit")
    add("big/metadata_10mb_fenced.txt", fenced_yaml(ten_mb), reported="KB limit")
    add(
        "big/metadata_10mb_toml.md",
        '+++\nk = "' + "v" * 10_485_760 + '"\n+++\n',
        reported="KB limit",
    )
    empty = corpus.root / "empty"
    empty.mkdir()
    for number in range(10_000):
        (empty / f"{number:05d}.md").touch()
        corpus._record(f"empty/{number:05d}.md", "article", "no title")


def restore_modes(root: Path) -> None:
    """Mode-000 files and folders back to readable, so the corpus can be deleted."""
    for folder, subfolders, files in os.walk(root):
        for name in [*subfolders, *files]:
            path = Path(folder) / name
            with contextlib.suppress(OSError):  # a path too long to name is left as it is
                if not path.is_symlink():
                    path.chmod(0o755)


def simulate_file_system_trouble(monkeypatch: pytest.MonkeyPatch, corpus: HostileCorpus) -> None:
    """Make the corpus's troubled files behave as they would for an ordinary user.

    Opening an `unreadable` file (with open or os.open) fails with EACCES (root reads
    through mode 000, and the tests may run as root), listing an `unlistable` folder fails
    the same way, and the `vanishing` files are deleted after the folder is listed,
    before they are read.
    Patched in this process only: for the `reader` command in a subprocess these files
    are ordinary (see `HostileCorpus.expected`).
    """
    denied = {os.fspath(path) for path in corpus.unreadable}
    locked = {os.fspath(path) for path in corpus.unlistable}
    real_open = builtins.open
    real_os_open = os.open
    real_scandir = os.scandir

    def guarded_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, str | os.PathLike) and os.fspath(file) in denied:
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, *args, **kwargs)

    def guarded_os_open(path: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(path, str | os.PathLike) and os.fspath(path) in denied:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_os_open(path, *args, **kwargs)

    def guarded_scandir(path: Any = ".") -> Any:
        if isinstance(path, str | os.PathLike) and os.fspath(path) in locked:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    def listing_then_vanishing(root: Path, *args: Any, **kwargs: Any) -> Iterator[FoundFile]:
        found = list(find_files(root, *args, **kwargs))
        for path in corpus.vanishing:
            path.unlink(missing_ok=True)
        yield from found

    def listings_then_vanishing(root: Path, *args: Any, **kwargs: Any) -> Iterator[Any]:
        found = list(listed_folders(root, *args, **kwargs))
        for path in corpus.vanishing:
            path.unlink(missing_ok=True)
        yield from found

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(os, "open", guarded_os_open)
    monkeypatch.setattr(os, "scandir", guarded_scandir)
    monkeypatch.setattr(reader.loading.folder, "find_files", listing_then_vanishing)
    # (The one walk folder_listings and stat_files make.)
    monkeypatch.setattr(reader.loading.walk, "listed_folders", listings_then_vanishing)
