"""Files built to cost the most a file under the size limits can: the metadata block just
under its 1 MB limit (YAML, TOML, and plain headers for the fast YAML reader) and bodies
just under the 16 MB file limit, written as whatever a parser pays most for. README
promises any one of them loads in at most 1 s of CPU and 256 MB above the baseline
(tests/hostile/test_bombs.py holds each to it under setrlimit).

Each is made on demand by `bomb(name)`, so importing this module costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from reader.limits import MAX_FILE_BYTES, MAX_METADATA_BYTES, MAX_NUMBER_DIGITS

# What a block may take up: under the 1 MB limit, with room for a line around it.
BLOCK = MAX_METADATA_BYTES - 64
# What a body may take up, in UTF-8 bytes.
BODY = MAX_FILE_BYTES - 1024


def fill(unit: str, size: int, *, width: int = 1) -> str:
    """`unit` repeated to about `size` bytes (`width`: bytes a character takes)."""
    return unit * (size // (len(unit) * width))


def yaml(block: str) -> str:
    return "---\n" + block + "\n---\n# Bomb\n"


def toml(block: str) -> str:
    return "+++\n" + block + "\n+++\n# Bomb\n"


def body(text: str) -> str:
    return "---\ntitle: Bomb\n---\n\n" + text


def _laughs(levels: int = 9, width: int = 9) -> list[str]:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    lines += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * width) + "]" for n in range(1, levels)]
    return lines


def _merges() -> str:
    lines = ["m0: &m0 {" + ", ".join(f"k{n}: v" for n in range(10)) + "}"]
    lines += [f"m{n}: &m{n} {{<<: [" + ", ".join([f"*m{n - 1}"] * 10) + "]}" for n in range(1, 9)]
    return "\n".join(lines)


def key_of_aliases() -> str:
    """A mapping key that is a list standing, through aliases, for 9**9 values."""
    anchors = ["&k0 [" + ", ".join(["lol"] * 9) + "]"]
    anchors += [f"&k{n} [" + ", ".join([f"*k{n - 1}"] * 9) + "]" for n in range(1, 9)]
    return "? [" + ", ".join(anchors) + "]\n: v\n? *k8\n: w"


def _deep_indent(levels: int) -> str:
    return "\n".join(" " * level + f"k{level}:" for level in range(levels)) + " end"


BOMBS: dict[str, Callable[[], str]] = {
    # YAML through PyYAML (libyaml's parser, Python's constructor).
    "yaml_billion_laughs": lambda: yaml("\n".join(_laughs())),
    "yaml_wide_laughs": lambda: yaml("\n".join(_laughs(levels=3, width=20_000))),
    "yaml_merge_keys": lambda: yaml(_merges()),
    "yaml_key_of_aliases": lambda: yaml(key_of_aliases()),
    "yaml_self_reference": lambda: yaml("a: &a [*a, *a]\nb: &b {x: *b}"),
    "yaml_deep_flow": lambda: yaml("x: " + "[" * (BLOCK // 2 - 8) + "]" * (BLOCK // 2 - 8)),
    "yaml_deep_mapping": lambda: yaml("x: " + "{a: " * (BLOCK // 5) + "1" + "}" * (BLOCK // 5)),
    "yaml_deep_block": lambda: yaml("a:\n" + _deep_indent(1_400)),
    "yaml_many_values": lambda: yaml("x: [" + fill("1,", BLOCK - 10) + "1]"),
    "yaml_many_strings": lambda: yaml("x: [" + fill('"a", ', BLOCK - 10) + '"a"]'),
    "yaml_many_keys": lambda: yaml("\n".join(f"k{n}: [v]" for n in range(BLOCK // 12))),
    "yaml_many_null_keys": lambda: yaml("x: {" + fill("a,", BLOCK - 10) + "a}"),
    "yaml_many_anchors": lambda: yaml("\n".join(f"k{n}: &a{n} v" for n in range(BLOCK // 18))),
    "yaml_long_key": lambda: yaml("? " + fill("k", BLOCK - 10) + "\n: v"),
    "yaml_long_string": lambda: yaml("s: '" + fill("x", BLOCK - 10) + "'"),
    "yaml_long_entities": lambda: yaml('s: "' + fill("&amp;", BLOCK - 10) + '"'),
    "yaml_string_aliased": lambda: yaml(
        "s: &s '" + fill("x", BLOCK // 2) + "'\nl: [" + ", ".join(["*s"] * 10_000) + "]"
    ),
    "yaml_hex_number": lambda: yaml("n: 0x" + fill("f", BLOCK - 10)),
    "yaml_hex_number_4000": lambda: yaml("n: 0x" + "f" * 4_000),
    "yaml_binary_number": lambda: yaml("n: 0b" + fill("1", BLOCK - 10)),
    "yaml_decimal_number": lambda: yaml("n: 1" + fill("0", BLOCK - 10)),
    "yaml_base_60_number": lambda: yaml("n: 1" + fill(":0", BLOCK - 10)),
    "yaml_base_60_at_the_limit": lambda: yaml("n: 1" + fill(":59", MAX_NUMBER_DIGITS - 3)),
    "yaml_long_float": lambda: yaml("n: 1." + fill("1", BLOCK - 10) + "e5"),
    "yaml_number_aliased": lambda: yaml(
        "n: &n " + "9" * MAX_NUMBER_DIGITS + "\nl: [" + ", ".join(["*n"] * 9_000) + "]"
    ),
    "yaml_block_scalar": lambda: yaml("s: |\n" + fill("  " + "x" * 78 + "\n", BLOCK - 10)),
    "yaml_comments": lambda: yaml("title: x\n" + fill("#" + "c" * 78 + "\n", BLOCK - 10)),
    # Plain headers, read by reader.loading.fastyaml without PyYAML.
    "fast_many_keys": lambda: yaml("\n".join(f"k{n}: value" for n in range(BLOCK // 14))),
    "fast_many_groups": lambda: yaml("\n".join(f"g{n}:\n  a: b" for n in range(BLOCK // 14))),
    "fast_escapes": lambda: yaml('s: "' + fill("\\x41", BLOCK - 10) + '"'),
    "fast_deep": lambda: yaml(_deep_indent(1_400)),
    "fast_long_value": lambda: yaml("s: " + fill("word ", BLOCK - 10).strip()),
    "fast_long_lines": lambda: yaml("\n".join(f"k{n}: " + "v" * 10_000 for n in range(100))),
    "fast_flow_list": lambda: yaml("l: [" + fill("a, ", BLOCK - 10) + "a]"),
    "fast_flow_quoted": lambda: yaml('l: ["' + fill("x", BLOCK - 10) + "\", 'y']"),
    "fast_flow_escapes": lambda: yaml('l: ["' + fill("\\x41", BLOCK - 10) + '"]'),
    "fast_block_list": lambda: yaml("l:\n" + fill("- 1\n", BLOCK - 10)),
    "fast_many_dates": lambda: yaml(fill("d: 2019-09-27T07:45:00+01:00\n", BLOCK - 10)),
    # TOML (tomllib, in Python).
    "toml_dotted_key": lambda: toml(fill("a.", BLOCK - 10) + "a = 1"),
    "toml_dotted_key_100kb": lambda: toml(fill("a.", 100_000) + "a = 1"),
    "toml_table_header": lambda: toml("[" + fill("a.", BLOCK - 10) + "a]\nb = 1"),
    "toml_array_header": lambda: toml("[[" + fill("a.", BLOCK - 10) + "a]]\nb = 1"),
    "toml_inline_dotted": lambda: toml("x = {" + fill("a.", BLOCK - 20) + "a = 1}"),
    "toml_quoted_parts": lambda: toml(fill('"a".', BLOCK - 10) + "a = 1"),
    "toml_keys_of_50_parts": lambda: toml(
        "\n".join(".".join(["a"] * 49) + f".k{n} = 1" for n in range(BLOCK // 110))
    ),
    "toml_headers_of_50_parts": lambda: toml(
        "\n".join("[" + ".".join(["a"] * 49) + f".k{n}]" for n in range(BLOCK // 110))
    ),
    "toml_deep_arrays": lambda: toml("x = " + "[" * (BLOCK // 2 - 8) + "]" * (BLOCK // 2 - 8)),
    "toml_deep_tables": lambda: toml("x = " + "{a=" * (BLOCK // 4) + "1" + "}" * (BLOCK // 4)),
    "toml_many_values": lambda: toml("x = [" + fill("1,", BLOCK - 10) + "1]"),
    "toml_many_keys": lambda: toml("\n".join(f"k{n} = 1" for n in range(BLOCK // 11))),
    "toml_many_tables": lambda: toml("\n".join(f"[t{n}]" for n in range(BLOCK // 9))),
    "toml_many_array_tables": lambda: toml(fill("[[a]]\n", BLOCK)),
    "toml_long_key": lambda: toml(fill("k", BLOCK - 10) + " = 1"),
    "toml_long_string": lambda: toml('s = "' + fill("x", BLOCK - 10) + '"'),
    "toml_escapes": lambda: toml('s = "' + fill("\\u0041", BLOCK - 10) + '"'),
    "toml_multiline_string": lambda: toml('s = """' + fill("x\\\n", BLOCK - 10) + '"""'),
    "toml_unclosed_strings": lambda: toml(fill("'''\"\"\"#\n", BLOCK)),
    "toml_hex_number": lambda: toml("n = 0x" + fill("f", BLOCK - 10)),
    "toml_decimal_number": lambda: toml("n = 1" + fill("0", BLOCK - 10)),
    "toml_long_float": lambda: toml("n = 1." + fill("1", BLOCK - 10)),
    # Bodies just under the file size limit.
    "body_words": lambda: body(fill("word ", BODY)),
    "body_lines": lambda: body(fill("a\n", BODY)),
    "body_blank_lines": lambda: body(fill("\n", BODY) + "end"),
    "body_bullets": lambda: body(fill("* item text\n", BODY)),
    "body_links": lambda: body(fill("[a](b) ", BODY)),
    "body_unclosed_links": lambda: body(fill("[a](b ", BODY)),
    "body_escape_sequences": lambda: body(fill("\x1b[2J", BODY)),
    "body_cjk": lambda: body(fill("警察", BODY, width=3)),
    "body_combining_accents": lambda: body(fill("Z\u0301", BODY * 2 // 3)),
    "body_one_line": lambda: body(fill("x", BODY)),
    "body_emphasis_item": lambda: body("* " + fill("*a_", 150_000)),
    # Inline markup markdown-it-py reads (HTML keeps the compiled parser out), for the
    # initiatives and again for the words: items, paragraphs, a title's heading.
    "body_emphasis_html_items": lambda: body(
        "".join(f"* <b>{n}</b>{'*a_' * 1600}\n" for n in range(40))
    ),
    "body_emphasis_html_paragraphs": lambda: body(
        "".join(f"<i>{n}</i>{'_b*' * 1600}\n\n" for n in range(40))
    ),
    "body_emphasis_html_item": lambda: body("* <b>x</b>" + fill("*a_", 190_000)),
    "body_emphasis_html_heading": lambda: "# <b>x</b>" + fill("*a_", 190_000) + "\n",
    # A title's badges are parsed again to leave them out (body._heading_title).
    "body_emphasis_badge_heading": lambda: (
        "# ![b](b.svg) <img src=c>" + fill("*a_", 190_000) + "\n"
    ),
    "body_badge_heading_under_budget": lambda: (
        "# [![b](b.svg)](ci) " + fill("*a_", 19_000) + "\n" + fill("*a_", 19_000) + "\n"
    ),
    # Block shapes that cost the most a line (or a character), past the markdown limit
    # (MAX_MARKDOWN_MARKS): footnotes and definitions (markdown-it-py's plugins), empty
    # items and headings (no title: the first heading is looked for), lines of nested
    # lists and quotes, reference definitions (quadratic in markdown-it-pyrs), a wide table.
    "body_footnotes": lambda: body(fill("[^a]: b\n", BODY)),
    "body_definitions": lambda: body(fill("a\n: b\n\n", BODY)),
    "body_empty_items_no_title": lambda: fill("-\n", BODY),
    "body_headings_no_title": lambda: fill("# h\n", BODY),
    "body_nested_lists_lines": lambda: body(fill("- " * 18 + "a\n", BODY)),
    "body_nested_mixed_lines": lambda: body(fill("> - " * 9 + "a\n", BODY)),
    "body_reference_definitions": lambda: body(fill("[a]: b\n", BODY)),
    "body_wide_table": lambda: body(
        "|"
        + "a|" * 30_000
        + "\n|"
        + "-|" * 30_000
        + "\n"
        + fill("|a" * 30_000 + "|\n", BODY - 130_000)
    ),
    # Tables whose rows write no cells: each filled up to the header's 256 columns.
    "body_autocompleted_tables": lambda: body(
        fill("|" + "a|" * 256 + "\n|" + "-|" * 256 + "\n" + "a\n" * 256 + "\n", BODY)
    ),
    # PyMdown's inline marks and blocks (reader.markup.pymdownx), each mark paired or not.
    "body_pymdownx_marks": lambda: body(fill("==a ^^b ~c^d ++e+", BODY)),
    "body_pymdownx_unpaired": lambda: body(fill("==a ^b ~c ", BODY)),
    "body_pymdownx_shortcodes": lambda: body(fill(":smile::material-x:", BODY)),
    "body_pymdownx_colons": lambda: body(fill(":", BODY)),
    "body_pymdownx_keys": lambda: body("++" + fill("a+", BODY)),
    "body_pymdownx_items": lambda: body(fill("* ==a== :+1: H~2~O x^2^ ++c++\n", BODY)),
    "body_pymdownx_blocks": lambda: body(fill("/// note | T\n", BODY)),
    "body_pymdownx_blocks_nested": lambda: body(fill("/// tab | T\n", BODY // 2)),
    "big_block_and_body": lambda: (
        yaml("x: [" + fill("1, ", BLOCK - 10) + "1]") + fill("* item text\n", BODY - BLOCK)
    ),
}


def bomb(name: str) -> str:
    return BOMBS[name]()
