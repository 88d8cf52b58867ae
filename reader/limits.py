"""Limits on what the reader will take from a file. Each one, when hit, gives a warning
or a load problem naming it; none is silent. Documented in README's Security section."""

# A file larger than this is reported as a problem instead of read.
MAX_FILE_BYTES = 16 * 1024 * 1024
# A metadata block larger than this is skipped (with a warning); the body still loads.
MAX_METADATA_BYTES = 1024 * 1024
# Values in one metadata mapping after YAML aliases are expanded: stops "billion laughs".
MAX_METADATA_VALUES = 50_000
# Nesting depth of metadata mappings and lists.
MAX_METADATA_DEPTH = 50
# Titles longer than this are cut (with a warning): a title is one line in a list.
MAX_TITLE_CHARS = 500
# Block nesting markdown-it follows (lists in quotes in lists...); deeper is flattened.
MAX_MARKDOWN_NESTING = 20
