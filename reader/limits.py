"""Limits on what the reader will take from a file. Each one, when hit, gives a warning,
a notice on screen or a load problem naming it; none is silent. README's Security
section lists them with their values."""

# A file larger than this is reported as a problem instead of read.
MAX_FILE_BYTES = 16 * 1024 * 1024
# A metadata block larger than this is skipped (with a warning); the body still loads.
MAX_METADATA_BYTES = 1024 * 1024
# Values in one metadata mapping after YAML aliases are expanded: stops "billion laughs".
MAX_METADATA_VALUES = 10_000
# Nesting depth of metadata mappings and lists (and parts of a dotted TOML key).
MAX_METADATA_DEPTH = 50
# Keys, values and separators written in a metadata block, counted before it is parsed.
# Parsing costs about 5 us a value (PyYAML's objects, tomllib in Python): a 1 MB block
# of `[1,1,1,...]` would take 2 s and 200 MB only to be refused for MAX_METADATA_VALUES.
# Generous: a block within MAX_METADATA_VALUES writes at most about twice as many.
MAX_METADATA_ITEMS = 4 * MAX_METADATA_VALUES
# Digits of a metadata number: Python's own limit for turning an int into text. A longer
# number is kept as the text the file wrote (with a warning); as an int, every str() of
# it later would raise, and converting it costs time quadratic in its length.
MAX_NUMBER_DIGITS = 4_300
# Titles longer than this are cut (with a warning): a title is one line in a list.
MAX_TITLE_CHARS = 500
# Block nesting markdown-it follows (lists in quotes in lists...). Deeper blocks are not
# parsed: the loader warns, and the article panel shows their source as plain text.
MAX_MARKDOWN_NESTING = 20
# How much of a body is read as markdown: whole lines, as long as they hold no more than
# MAX_MARKDOWN_MARKS lines and block marks together (reader.markdown.BLOCK_MARKS: the
# marks of table cells, quotes and list items, each weighing about what a line of release
# notes costs), and no more than MAX_MARKDOWN_CHARS characters. Parsing costs about 20 us
# and 1.5 KB a mark while it runs (the tokens), so a 16 MB file of one-word bullets or of
# lines of nested lists would take seconds and gigabytes; past the limit the body is
# plain text: no initiatives are read from it and the panel shows it unformatted. Real
# long pages are far under it: Node's 956 KB changelog holds 22,700 marks, its fs.md
# 13,200. (Characters alone cost little: inline markup has its own budget below.)
MAX_MARKDOWN_CHARS = 4_000_000
MAX_MARKDOWN_MARKS = 50_000
# Marks of inline markup (`*`, `_`, `[`, `<`...) markdown-it-py reads in one body, for its
# initiatives and again for its words: it takes about 5 us a mark, and a 200 KB bullet of
# nothing else cost a second. A text that would pass it is kept as written. A 200 KB page
# of release notes holds about 25,000, and the compiled parser reads most paragraphs
# without counting.
MAX_INLINE_MARKS = 40_000
# Screen lines one document view lays out (an article, the metadata pane). Beyond it a
# notice says the rest is not shown; `reader show ID` prints any article whole.
MAX_SHOWN_LINES = 50_000
