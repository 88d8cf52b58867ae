"""Write a folder of real-shaped markdown, deterministically: release notes and docs pages.

    python bench/generate_markdown.py --out /tmp/realmd [--files 1100] [--seed 1]

Shaped after a Node-style blog of release notes (1,107 files, 19 MB, 68k list items
whose inline text is parsed one by one): `---` YAML front matter, headings, long bullet
lists whose items carry links, inline code, bold, commit hashes and nested items, `<br>`
lines and fenced checksums; a third of the files are docs pages with tables, fenced code,
autolinks, GitHub alerts, ordered lists, Hugo shortcodes and Liquid tags. About 16 KB a
file; 1,100 files make 17.8 MB. The corpus of bench/run.py's MB/s figure.

    python bench/generate_markdown.py --out /tmp/mdx --files 400 --mdx

writes MDX docs pages instead (mdx_page: Docusaurus and Astro's imports, tabs, `:::`
admonitions, components, JSX in code blocks), about 3.5 KB a file.

    python bench/generate_markdown.py --sites --out /tmp/sites [--files 600] [--footnotes]

writes instead the small pages of static sites (1-10 KB, 4 KB on average): a third each
Jekyll posts (`---` YAML: a date with time and zone, `[a, b]` lists, quoted strings),
Hugo pages (`---` YAML: ISO dates, booleans, numbers, `- item` lists, a nested map;
one in five in `+++` TOML) and Zola posts (`+++` TOML with `[taxonomies]` and
`[extra]` tables); one page in ten has something the quick readers leave to PyYAML or
tomllib (a folded `>-` excerpt, a multi-line list), as real sites do. The corpus of
bench/small_pages.py. With --footnotes, every page has footnotes (with_footnotes).

    python bench/generate_markdown.py --mkdocs --out /tmp/mkdocs [--files 400]

writes instead MkDocs / Material for MkDocs docs pages under `docs/` (about 3 KB): YAML
front matter (`title`, `description`, `tags`), `!!!` and `???` admonitions with titles,
lists and code in them, `=== "Tab"` content tabs, attribute lists, snippet lines and
abbreviations at the page's end; one page in three a reference page with definition
lists (which markdown-it-py reads whole).

    python bench/generate_markdown.py --cjk --out /tmp/cjk [--files 400]

writes instead Japanese (half), Chinese and Korean (a tenth) blog posts, news articles
and docs pages (about 8 KB; 400 make 3.1 MB): front matter, headings, prose of real
words drawn with weight 1/rank (kanji, kana and hangul, full-width punctuation, ASCII
terms and numbers among them), links, lists, tables, fenced code.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

AREAS = (
    "assert", "buffer", "build", "child_process", "crypto", "deps", "doc", "esm", "fs",
    "http", "http2", "lib", "module", "net", "os", "path", "process", "readline", "repl",
    "src", "stream", "test", "tls", "tools", "url", "util", "v8", "vm", "worker", "zlib",
)  # fmt: skip
WORDS = (
    "add", "support", "for", "the", "new", "option", "when", "calling", "update", "fix",
    "memory", "leak", "in", "handle", "remove", "deprecated", "api", "improve",
    "performance", "of", "parser", "refactor", "internal", "state", "avoid", "crash", "on",
    "invalid", "input", "use", "primordials", "validate", "arguments", "expose", "flag",
    "document", "behaviour", "upgrade", "dependency", "to", "latest", "version", "clarify",
    "error", "message",
)  # fmt: skip
PEOPLE = (
    "addaleax", "targos", "jasnell", "richardlau", "aduh95", "joyeecheung", "ronag",
    "mcollina", "BridgeAR", "Trott", "legendecas", "RafaelGSS", "anonrig", "cjihrig",
)  # fmt: skip
GITHUB = "https://github.com/nodejs/node"


def phrase(rng: random.Random, lo: int, hi: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi)))


def commit_item(rng: random.Random) -> str:
    sha = f"{rng.getrandbits(40):010x}"
    pr = rng.randint(10000, 50000)
    area = rng.choice(AREAS)
    extra = rng.random()
    text = phrase(rng, 4, 12)
    if extra < 0.3:
        text += f" in `{rng.choice(AREAS)}.{rng.choice(WORDS)}()`"
    elif extra < 0.4:
        text = f"**(SEMVER-MAJOR)** {text}"
    return (
        f"* \\[[`{sha}`]({GITHUB}/commit/{sha})] - **{area}**: {text} "
        f"(@{rng.choice(PEOPLE)}) [#{pr}]({GITHUB}/pull/{pr})"
    )


def release_notes(rng: random.Random) -> str:
    major, minor, patch = rng.randint(4, 22), rng.randint(0, 20), rng.randint(0, 9)
    version = f"{major}.{minor}.{patch}"
    year = rng.randint(2015, 2025)
    month, day, hour = rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23)
    parts = [
        "---",
        f"date: {year}-{month:02d}-{day:02d}T{hour:02d}:00:00.000Z",
        f"version: {version}",
        "category: release",
        f"title: Node v{version} (Current)",
        f"slug: node-v{major}-{minor}-{patch}",
        f"layout: blog-post.hbs\nauthor: {rng.choice(PEOPLE)}",
        "---",
        "",
        "### Notable Changes",
        "",
    ]
    for _ in range(rng.randint(2, 6)):
        parts.append(f"#### {phrase(rng, 2, 5).capitalize()}")
        parts.append("")
        text = phrase(rng, 20, 60).capitalize()
        parts.append(f"{text}. See [the docs](https://nodejs.org/api/{rng.choice(AREAS)}.html).")
        parts.append("")
        name, area, call = rng.choice(WORDS), rng.choice(AREAS), rng.choice(WORDS)
        parts.append(f"```js\nconst {{ {name} }} = require('node:{area}');\n{call}();\n```")
        parts.append("")
        person, pr = rng.choice(PEOPLE), rng.randint(10000, 50000)
        parts.append(f"Contributed by {person} in [#{pr}]({GITHUB}/pull/1).")
        parts.append("")
    parts += ["### Commits", ""]
    for _ in range(rng.randint(20, 140)):
        parts.append(commit_item(rng))
        if rng.random() < 0.05:
            parts.append("  * " + phrase(rng, 3, 8))
    dist = f"https://nodejs.org/dist/v{version}"
    parts += ["", f"Windows 32-bit Installer: {dist}/node-x86.msi<br>"]
    for platform in ("macOS 64-bit", "Linux 64-bit", "SmartOS", "ARMv7", "Source Code"):
        parts.append(f"{platform}: {dist}/node.tar.gz<br>")
    parts += ["", "Other release files: https://nodejs.org/dist/<br>", "", "### SHASUMS", ""]
    parts.append("```")
    for _ in range(rng.randint(10, 30)):
        parts.append(f"{rng.getrandbits(256):064x}  node-v{version}.tar.gz")
    parts.append("```")
    return "\n".join(parts) + "\n"


def table(rng: random.Random, columns: int, rows: tuple[int, int]) -> list[str]:
    """A table's lines: `columns` words in its head, then between `rows` (least, most)
    rows of code or phrases."""
    lines = ["| " + " | ".join(rng.choice(WORDS).capitalize() for _ in range(columns)) + " |"]
    lines.append("|" + "---|" * columns)
    for _ in range(rng.randint(*rows)):
        cells = (
            f"`{rng.choice(WORDS)}`" if rng.random() < 0.3 else phrase(rng, 1, 4)
            for _ in range(columns)
        )
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def docs_page(rng: random.Random) -> str:
    title = phrase(rng, 2, 5).capitalize()
    year, month, day = rng.randint(15, 25), rng.randint(1, 9), rng.randint(0, 9)
    parts = [
        "---",
        f'title: "{title}"',
        f"date: 20{year}-0{month}-1{day}",
        f"tags: [docs, {rng.choice(AREAS)}]",
        f"weight: {rng.randint(1, 100)}",
        "---",
        "",
    ]
    for _ in range(rng.randint(3, 9)):
        parts += [f"## {phrase(rng, 2, 4).capitalize()}", ""]
        text = phrase(rng, 30, 90).capitalize()
        link, path = rng.choice(AREAS), rng.choice(AREAS)
        autolink, flag = rng.choice(AREAS), rng.choice(WORDS)
        parts.append(
            f"{text}, see [{link}](../{path}/) and "
            f"<https://example.org/{autolink}>. Use `--{flag}` with _care_."
        )
        parts.append("")
        kind = rng.random()
        if kind < 0.35:
            parts += [*table(rng, rng.randint(3, 5), (4, 20)), ""]
        elif kind < 0.55:
            for number in range(rng.randint(3, 10)):
                text = phrase(rng, 5, 15)
                parts.append(f"{number + 1}. {text} [link](https://example.org/{number})")
            parts.append("")
        elif kind < 0.7:
            parts += ["> [!NOTE]", "> " + phrase(rng, 10, 25), ""]
        elif kind < 0.8:
            parts += ["{{< note >}}", phrase(rng, 10, 30), "{{< /note >}}", ""]
            parts += ["{% highlight js %}", "let x = 1;", "{% endhighlight %}", ""]
        else:
            for _ in range(rng.randint(3, 12)):
                word, text, anchor = rng.choice(WORDS), phrase(rng, 4, 14), rng.choice(WORDS)
                parts.append(f"- **{word}**: {text} ([details](#{anchor}))")
                if rng.random() < 0.2:
                    parts.append(f"  - {phrase(rng, 3, 8)}")
            parts.append("")
    return "\n".join(parts) + "\n"


COMPONENTS = ("Tabs", "TabItem", "Card", "CardGrid", "Aside", "Steps", "CodeBlock", "Badge")
LANGUAGES = ("bash", "js", "jsx", "ts", "python", "yaml", "json")


def mdx_code(rng: random.Random, indent: str = "") -> list[str]:
    """A fenced code block; a jsx one holds JSX lines, as component docs show them."""
    language = rng.choice(LANGUAGES)
    lines = [f"```{language}" + (' title="example"' if rng.random() < 0.3 else "")]
    name, area = rng.choice(WORDS), rng.choice(AREAS)
    if language == "jsx":
        component = rng.choice(COMPONENTS)
        lines += [
            f"import {component} from '@theme/{component}';",
            "",
            f"export function {name.capitalize()}() {{",
            f'  return <{component} label="{area}">{{props.{name}}}</{component}>;',
            "}",
        ]
    elif language == "bash":
        lines += [f"npm install --save {area}-{name}", f"npx {area} --{name}"]
    else:
        lines += [f"const {{ {name} }} = require('{area}');", f"{name}({{ {area}: true }});"]
    return [indent + line if line else line for line in [*lines, "```"]]


def mdx_tabs(rng: random.Random) -> list[str]:
    """Docusaurus tabs: the markdown in each tab item set off by blank lines."""
    parts = [f'<Tabs groupId="{rng.choice(AREAS)}">']
    for number in range(rng.randint(2, 4)):
        default = " default" if number == 0 else ""
        label = rng.choice(WORDS).capitalize()
        parts += [f'  <TabItem value="{label.lower()}" label="{label}"{default}>', ""]
        if rng.random() < 0.5:
            parts += mdx_code(rng, "  ")
        else:
            parts.append(f"  {phrase(rng, 8, 20).capitalize()} with `{rng.choice(WORDS)}`.")
        parts += ["", "  </TabItem>"]
    return [*parts, "</Tabs>"]


def mdx_page(rng: random.Random) -> str:
    """A docs page as Docusaurus and Astro (Starlight) write them in MDX: front matter,
    imports, components, `:::` admonitions, tabs, fenced code (JSX too), tables, lists,
    `{/* comments */}` and `{expressions}`."""
    title = phrase(rng, 2, 5).capitalize()
    parts = [
        "---",
        f"title: {title}",
        f"sidebar_position: {rng.randint(1, 20)}",
        f"description: {phrase(rng, 6, 12).capitalize()}.",
        f"tags: [{rng.choice(AREAS)}, {rng.choice(AREAS)}]",
        "---",
        "",
    ]
    if rng.random() < 0.5:
        parts += ["import Tabs from '@theme/Tabs';", "import TabItem from '@theme/TabItem';"]
    else:
        parts.append("import { Tabs, TabItem, Card, Aside } from '@astrojs/starlight/components';")
    if rng.random() < 0.3:
        parts.append(f'export const since = "v{rng.randint(1, 9)}.{rng.randint(0, 20)}";')
    parts.append("")
    if rng.random() < 0.3:
        parts += [f"{{/* {phrase(rng, 4, 10)} */}}", ""]
    parts += [f"{phrase(rng, 20, 50).capitalize()}, see [the guide](../{rng.choice(AREAS)}/).", ""]
    for _ in range(rng.randint(3, 8)):
        parts += [f"## {phrase(rng, 2, 4).capitalize()}", ""]
        text = phrase(rng, 25, 70).capitalize()
        parts.append(f"{text}: run `{rng.choice(WORDS)}` with **{rng.choice(WORDS)}** set.")
        parts.append("")
        kind = rng.random()
        if kind < 0.2:
            admonition = rng.choice(("note", "tip", "info", "warning", "danger", "caution"))
            title = f"[{phrase(rng, 1, 3).capitalize()}]" if rng.random() < 0.3 else ""
            parts += [f":::{admonition}{title}", f"{phrase(rng, 10, 30).capitalize()}.", ":::", ""]
        elif kind < 0.35:
            parts += [*mdx_tabs(rng), ""]
        elif kind < 0.5:
            parts += [*mdx_code(rng), ""]
        elif kind < 0.65:
            parts += [*table(rng, rng.randint(2, 4), (3, 12)), ""]
        elif kind < 0.8:
            for _ in range(rng.randint(3, 10)):
                word, text = rng.choice(WORDS), phrase(rng, 4, 14)
                parts.append(f"- **{word}**: {text} ([details](#{rng.choice(WORDS)}))")
            parts.append("")
        elif kind < 0.9:
            card = rng.choice(("Card", "Aside"))
            parts += [f'<{card} title="{phrase(rng, 1, 3)}">', phrase(rng, 8, 20), f"</{card}>", ""]
        else:
            key = rng.choice(WORDS)
            parts += [f"Press <kbd>Ctrl</kbd>+<kbd>{key[0].upper()}</kbd> to {phrase(rng, 3, 8)}."]
            parts += [f"Available since {{since}} in {{frontMatter.{key}}}.", ""]
    return "\n".join(parts) + "\n"


def generate(out: Path, files: int, seed: int = 1, mdx: bool = False) -> int:
    """Write the files; their total size in bytes. `mdx`: MDX docs pages only (mdx_page)."""
    rng = random.Random(seed)
    total = 0
    for number in range(files):
        if mdx:
            folder, text = out / "docs" / rng.choice(AREAS), mdx_page(rng)
        elif number % 3 == 2:
            folder, text = out / "docs" / rng.choice(AREAS), docs_page(rng)
        else:
            folder, text = out / "blog" / "release", release_notes(rng)
        folder.mkdir(parents=True, exist_ok=True)
        suffix = ".mdx" if mdx else ".md"
        path = folder / f"{number:05d}-{rng.getrandbits(32):08x}{suffix}"
        path.write_text(text, "utf-8")
        total += len(text.encode())
    return total


TOPICS = (
    "Speedwatch", "Bike marking", "Crime map", "Neighbourhood watch", "Rural beats",
    "Witness forms", "Street lighting", "Scam calls", "Youth outreach", "Drone patrols",
)  # fmt: skip
AUTHORS = ("Priya Natarajan", "Tomás Ferreira", "Ana Silva", "Kwame Mensah", "Li Wei")


def page_body(rng: random.Random, size: int) -> str:
    """About `size` bytes of a site page's markdown: paragraphs, headings, a list."""
    parts: list[str] = []
    while sum(map(len, parts)) < size:
        kind = rng.random()
        if kind < 0.15:
            parts.append(f"## {phrase(rng, 2, 5).capitalize()}\n")
        elif kind < 0.3:
            items = (f"- {phrase(rng, 4, 12)}" for _ in range(rng.randint(2, 6)))
            parts.append("\n".join(items) + "\n")
        elif kind < 0.35:
            parts.append(
                f"{{{{< note >}}}}\n{phrase(rng, 8, 20).capitalize()}.\n{{{{< /note >}}}}\n"
            )
        else:
            link = rng.choice(AREAS)
            text = phrase(rng, 30, 80).capitalize()
            parts.append(f"{text}, see [the {link} page](/docs/{link}/) and **{link}**.\n")
    return "\n".join(parts)


def _when(rng: random.Random) -> tuple[int, int, int, int, int]:
    return (
        rng.randint(2015, 2025), rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23),
        rng.choice((0, 15, 30, 45)),
    )  # fmt: skip


def jekyll_page(rng: random.Random, odd: bool) -> tuple[str, str]:
    year, month, day, hour, minute = _when(rng)
    topic = rng.choice(TOPICS)
    slug = f"{topic.lower().replace(' ', '-')}-{rng.getrandbits(24):06x}"
    lines = [
        "---",
        "layout: post",
        f'title: "{topic}: {phrase(rng, 3, 7)}"',
        f"date: {year}-{month:02d}-{day:02d} {hour:02d}:{minute:02d}:00 +0{rng.randint(0, 2)}00",
        f"author: {rng.choice(AUTHORS)}",
        f"categories: [{rng.choice(AREAS)}]",
        f"tags: [{', '.join(rng.sample(WORDS, rng.randint(1, 4)))}]",
        f"image: /assets/img/{slug}.jpg",
        f"comments: {rng.choice(('true', 'false'))}",
    ]
    if odd:
        lines.append(f"excerpt: >-\n  {phrase(rng, 8, 16)}\n  {phrase(rng, 8, 16)}")
    else:
        lines.append(f'excerpt: "{phrase(rng, 8, 20)}"')
    lines.append("---")
    name = f"_posts/{year}-{month:02d}-{day:02d}-{slug}.md"
    return name, "\n".join(lines) + "\n\n" + page_body(rng, rng.randint(800, 9000))


def hugo_page(rng: random.Random, odd: bool) -> tuple[str, str]:
    year, month, day, hour, minute = _when(rng)
    topic = rng.choice(TOPICS)
    section = rng.choice(AREAS)
    slug = f"{topic.lower().replace(' ', '-')}-{rng.getrandbits(24):06x}"
    stamp = f"{year}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:00+01:00"
    tags = rng.sample(WORDS, rng.randint(1, 4))
    if rng.random() < 0.2:  # Hugo's TOML front matter
        lines = [
            "+++",
            f'title = "{topic} {phrase(rng, 2, 5)}"',
            f"date = {stamp}",
            f"draft = {rng.choice(('true', 'false'))}",
            f"weight = {rng.randint(1, 100)}",
            f"tags = [{', '.join(f'{tag!r}'.replace(chr(39), chr(34)) for tag in tags)}]",
            f'description = "{phrase(rng, 8, 20)}"',
            "+++",
        ]
    else:
        lines = [
            "---",
            f'title: "{topic} {phrase(rng, 2, 5)}"',
            f"linkTitle: {topic}",
            f"date: {stamp}",
            f"lastmod: {year}-{month:02d}-{day:02d}",
            f"draft: {rng.choice(('true', 'false'))}",
            f"weight: {rng.randint(1, 100)}",
            f'description: "{phrase(rng, 8, 20)}"',
            f'categories: ["{section}"]',
            "tags:",
            *(f"  - {tag}" for tag in tags),
            "aliases:",
            f"  - /old/{slug}/",
            "params:",
            f"  author: {rng.choice(AUTHORS)}",
            f"  toc: {rng.choice(('true', 'false'))}",
        ]
        if odd:
            lines.append(f"summary: |\n  {phrase(rng, 8, 16)}\n  {phrase(rng, 8, 16)}")
        lines.append("---")
    name = (
        f"content/{section}/{slug}/index.md"
        if rng.random() < 0.5
        else f"content/{section}/{slug}.md"
    )
    return name, "\n".join(lines) + "\n\n" + page_body(rng, rng.randint(800, 9000))


def zola_page(rng: random.Random, odd: bool) -> tuple[str, str]:
    year, month, day, _hour, _minute = _when(rng)
    topic = rng.choice(TOPICS)
    slug = f"{topic.lower().replace(' ', '-')}-{rng.getrandbits(24):06x}"
    tags = ", ".join(f'"{tag}"' for tag in rng.sample(WORDS, rng.randint(1, 4)))
    lines = [
        "+++",
        f'title = "{topic}: {phrase(rng, 3, 7)}"',
        f"date = {year}-{month:02d}-{day:02d}",
        f'path = "{year}/{month:02d}/{day:02d}/{slug}"',
        f'description = "{phrase(rng, 8, 20)}"',
        "",
        "[taxonomies]",
        f"tags = [\n  {tags},\n]" if odd else f"tags = [{tags}]",
        f'categories = ["{rng.choice(AREAS)}"]',
        "",
        "[extra]",
        f'author = "{rng.choice(AUTHORS)}"',
        f"toc = {rng.choice(('true', 'false'))}",
        "+++",
    ]
    return f"content/blog/{slug}.md", "\n".join(lines) + "\n\n" + page_body(
        rng, rng.randint(800, 9000)
    )


def with_footnotes(rng: random.Random, page: str) -> str:
    """`page` with footnotes as Zola and Jekyll posts write them: a reference after some
    paragraphs' and list items' last words, the definitions at the page's end, one in
    three of two paragraphs."""
    fence = "\n+++\n" if page.startswith("+++") else "\n---\n"
    front_end = page.index(fence) + len(fence)
    lines = page[front_end:].rstrip("\n").split("\n")
    ends = [index for index, line in enumerate(lines) if line.endswith(".") or line[:2] == "- "]
    labels: list[str] = []
    for index in [index for index in ends if rng.random() < 0.3] or ends[:1]:
        label = rng.choice((str(len(labels) + 1), f"{rng.choice(WORDS)}-{len(labels)}"))
        lines[index] += f"[^{label}]"
        labels.append(label)
    notes = []
    for label in labels:
        note = f"[^{label}]: {phrase(rng, 6, 20).capitalize()}, see [the notes](/notes/)."
        if rng.random() < 0.3:
            note += f"\n\n    {phrase(rng, 10, 30).capitalize()}."
        notes.append(note)
    return page[:front_end] + "\n".join(lines) + "\n\n" + "\n".join(notes) + "\n"


def generate_sites(out: Path, files: int, seed: int = 1, footnotes: bool = False) -> int:
    """Write the small pages of three sites under `out` (with `footnotes`, every page
    with footnotes); their total size in bytes."""
    rng = random.Random(seed)
    total = 0
    makers = (("jekyll", jekyll_page), ("hugo", hugo_page), ("zola", zola_page))
    for number in range(files):
        site, make = makers[number % 3]
        name, text = make(rng, rng.random() < 0.1)
        if footnotes:
            text = with_footnotes(rng, text)
        path = out / site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        total += len(text.encode())
    return total


# --- MkDocs pages (--mkdocs) ------------------------------------------------------------

ADMONITION_KINDS = ("note", "tip", "warning", "info", "danger", "example", "question", "success")


def mkdocs_block(rng: random.Random) -> str:
    """One block of a Material for MkDocs page."""
    roll = rng.random()
    if roll < 0.3:
        return sentence_lines(rng, rng.randint(2, 5))
    if roll < 0.45:
        marker = rng.choice(("!!!", "!!!", "???", "???+"))
        title = f' "{phrase(rng, 2, 5).capitalize()}"' if rng.random() < 0.6 else ""
        body = [f"    {line}" for line in sentence_lines(rng, rng.randint(1, 3)).split("\n")]
        if rng.random() < 0.4:
            body += ["", *(f"    - {phrase(rng, 3, 8)}" for _ in range(rng.randint(2, 4)))]
        if rng.random() < 0.2:
            body += ["", "    ```bash", f"    {rng.choice(WORDS)} --{rng.choice(WORDS)}", "    ```"]
        return f"{marker} {rng.choice(ADMONITION_KINDS)}{title}\n" + "\n".join(body)
    if roll < 0.55:
        tabs = []
        for label in rng.sample(("pip", "uv", "conda", "Linux", "macOS", "Windows"), 2):
            command = f"{rng.choice(WORDS)} install {rng.choice(WORDS)}"
            tabs.append(f'=== "{label}"\n\n    ```bash\n    {command}\n    ```')
        return "\n\n".join(tabs)
    if roll < 0.7:
        items = [
            f"- {phrase(rng, 4, 12).capitalize()} `{rng.choice(WORDS)}`"
            for _ in range(rng.randint(2, 6))
        ]
        return "\n".join(items)
    if roll < 0.8:
        return f"```python\nimport {rng.choice(WORDS)}\n{rng.choice(WORDS)}.run()\n```"
    if roll < 0.88:
        return f"[{phrase(rng, 1, 3).capitalize()}]({rng.choice(WORDS)}.md){{ .md-button }}"
    if roll < 0.94:
        return f'--8<-- "includes/{rng.choice(WORDS)}.md"'
    rows = [f"| `{rng.choice(WORDS)}` | {phrase(rng, 2, 6)} |" for _ in range(rng.randint(2, 5))]
    return "| Name | Meaning |\n|---|---|\n" + "\n".join(rows)


def sentence_lines(rng: random.Random, count: int) -> str:
    return "\n".join(phrase(rng, 8, 14).capitalize() + "." for _ in range(count))


def mkdocs_page(rng: random.Random, reference: bool) -> str:
    title = phrase(rng, 2, 5).capitalize()
    tags = "".join(f"\n  - {rng.choice(WORDS)}" for _ in range(rng.randint(1, 3)))
    lines = [
        "---",
        f"title: {title}",
        f"description: {phrase(rng, 6, 14).capitalize()}.",
        f"tags:{tags}",
        "---",
        "",
        f"# {title}",
        "",
    ]
    blocks = []
    for section in range(rng.randint(2, 4)):
        blocks.append(
            f"## {phrase(rng, 2, 5).capitalize()}"
            + (f" {{ #s{section} }}" if rng.random() < 0.3 else "")
        )
        blocks.extend(mkdocs_block(rng) for _ in range(rng.randint(2, 5)))
        if reference:
            for _ in range(rng.randint(2, 4)):
                blocks.append(f"`{rng.choice(WORDS)}`\n:   {phrase(rng, 6, 16).capitalize()}.")
    words = rng.sample(("API", "CLI", "CSV", "HTML", "JSON", "URL", "YAML"), 2)
    blocks.append("\n".join(f"*[{word}]: {phrase(rng, 2, 4)}" for word in words))
    return "\n".join(lines) + "\n\n".join(blocks) + "\n"


def generate_mkdocs(out: Path, files: int, seed: int = 1) -> int:
    """Write `files` MkDocs pages under `out/docs` (and its `mkdocs.yml`); their size."""
    rng = random.Random(seed)
    (out / "docs").mkdir(parents=True, exist_ok=True)
    (out / "mkdocs.yml").write_text("site_name: Bench\ntheme:\n  name: material\n", "utf-8")
    total = 0
    for number in range(files):
        text = mkdocs_page(rng, number % 3 == 2)
        path = out / "docs" / f"section-{number % 10}" / f"page-{number}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        total += len(text.encode())
    return total


# --- CJK pages (--cjk) ------------------------------------------------------------------

# Real words and phrases, commonest first (each list is drawn with weight 1/rank, as
# real text is): bigram statistics come out realistic, kanji and kana mixed as written.
JAPANESE = (
    "こと", "ため", "よう", "これ", "それ", "もの", "場合", "機能", "設定", "使用", "利用",
    "対応", "確認", "追加", "変更", "問題", "情報", "データ", "サーバー", "ファイル",
    "バージョン", "ユーザー", "システム", "今回", "以下", "必要", "可能", "方法", "処理",
    "実行", "表示", "作成", "開発", "環境", "記事", "紹介", "説明", "修正", "更新", "削除",
    "インストール", "コマンド", "エラー", "最新", "公開", "発表", "会社", "日本", "東京",
    "政府", "経済", "市場", "企業", "技術", "製品", "サービス", "価格", "円", "年", "月", "日",
    "時間", "今年", "昨年", "来年", "結果", "影響", "予定", "発生", "調査", "関係", "状況",
    "計画", "地域", "社会", "世界", "国内", "海外", "大学", "研究", "セキュリティ", "脆弱性",
    "パッケージ", "ライブラリ", "モジュール", "オプション", "パフォーマンス", "メモリ",
    "ネットワーク", "ブラウザ", "クラウド", "アプリ", "スマートフォン", "ソフトウェア",
    "ハードウェア", "プログラム", "ドキュメント", "テスト", "リリース", "アップデート", "検索",
    "索引", "記録", "管理", "運用", "導入", "採用", "提供", "開始", "終了", "改善", "向上",
    "高速化", "安定", "互換性", "仕様", "構成", "手順", "注意", "例", "首相", "大臣", "選挙",
    "国会", "警察", "事件", "事故", "地震", "台風", "天気", "気温", "電車", "駅", "空港",
    "病院", "学校", "子ども", "家族", "生活", "仕事", "食べる", "行く", "見る", "考える",
    "思う", "言う", "書く", "読む", "始める", "続ける", "新しい", "大きい", "小さい", "多い",
    "少ない", "早い", "高い", "安い", "難しい", "簡単", "大阪", "京都", "北海道", "沖縄",
    "名古屋", "横浜", "福岡", "東京都", "円安", "株価", "人工知能", "機械学習", "生成",
    "モデル", "半導体", "電気自動車", "再生可能エネルギー", "少子化", "高齢化", "働き方改革",
    "々", "〇",
)  # fmt: skip
JAPANESE_PARTICLES = (
    "の", "に", "は", "を", "が", "で", "と", "も", "から", "まで", "より", "や", "へ",
)  # fmt: skip
JAPANESE_ENDINGS = (
    "です", "ます", "しました", "しています", "されました", "となります", "できます", "でした",
    "と発表した", "を明らかにした", "とみられる", "する予定だ", "していく", "ください",
)  # fmt: skip
CHINESE = (
    "的", "是", "在", "了", "和", "我们", "这个", "一个", "可以", "使用", "功能", "设置",
    "用户", "数据", "文件", "版本", "系统", "服务器", "问题", "需要", "支持", "更新", "修复",
    "添加", "删除", "配置", "安装", "命令", "错误", "性能", "优化", "安全", "漏洞", "发布",
    "新闻", "记者", "报道", "政府", "经济", "市场", "企业", "公司", "技术", "产品", "服务",
    "价格", "中国", "北京", "上海", "深圳", "广州", "香港", "台湾", "今年", "去年", "明年",
    "月", "日", "年", "时间", "结果", "影响", "计划", "发展", "社会", "世界", "国际", "国内",
    "研究", "大学", "学生", "老师", "医院", "交通", "地铁", "机场", "天气", "气温", "地震",
    "台风", "人工智能", "机器学习", "大模型", "芯片", "半导体", "新能源", "电动汽车", "互联网",
    "平台", "应用", "手机", "软件", "硬件", "程序", "文档", "测试", "接口", "模块", "依赖",
    "内存", "网络", "浏览器", "云计算", "开源", "社区", "项目", "代码", "仓库", "分支", "提交",
    "检索", "索引", "搜索", "文章", "标题", "内容", "链接", "图片", "视频", "评论", "提高",
    "改进", "稳定", "兼容", "规范", "结构", "步骤", "注意", "例如", "因为", "所以", "但是",
    "如果", "已经", "正在", "将会", "表示", "认为", "指出", "强调", "增长", "下降", "百分之",
    "亿元", "万人", "部门", "会议", "政策", "改革", "合作", "消费者", "投资", "金融", "银行",
    "股市", "房地产", "就业", "教育", "文化", "体育",
)  # fmt: skip
KOREAN = (
    "있다", "하다", "것", "수", "그", "이", "없다", "되다", "사람", "우리", "한국", "서울",
    "정부", "경제", "시장", "기업", "기술", "제품", "서비스", "가격", "사용자", "데이터",
    "파일", "버전", "설정", "기능", "업데이트", "보안", "취약점", "서버", "검색", "색인",
    "문서", "개발", "환경", "설치", "명령어", "오류", "성능", "개선", "발표했다", "밝혔다",
    "예정이다", "합니다", "입니다", "있습니다", "했습니다", "됩니다",
)  # fmt: skip
ASCII_TERMS = (
    "API", "Python", "Node.js", "GitHub", "Linux", "Windows", "macOS", "iPhone", "AI",
    "CPU", "GPU", "HTTP", "JSON", "YAML", "Docker", "Kubernetes", "Rust", "Go", "v2",
    "OpenAI", "Google", "Apple", "Microsoft", "SNS", "IT", "USB", "5G", "CEO",
)  # fmt: skip
CJK_LANGUAGES = {"ja": JAPANESE, "zh": CHINESE, "ko": KOREAN}
SEE_ALSO = {
    "ja": ("詳しくは", "を参照してください。"),
    "zh": ("详见", "。"),
    "ko": ("자세한 내용은 ", "을 참조하세요."),
}


def _zipf(words: tuple[str, ...]) -> tuple[tuple[str, ...], list[float]]:
    return words, [1 / rank for rank in range(1, len(words) + 1)]


def cjk_words(rng: random.Random, language: str, count: int) -> str:
    """`count` words of `language` as its text runs them: Japanese and Chinese without
    spaces (particles between Japanese words), Korean with spaces between words; now and
    then an ASCII term or a number."""
    words, weights = _zipf(CJK_LANGUAGES[language])
    drawn = rng.choices(words, weights, k=count)
    pieces: list[str] = []
    for word in drawn:
        roll = rng.random()
        if roll < 0.05:
            pieces.append(
                f" {rng.choice(ASCII_TERMS)} " if language != "ko" else rng.choice(ASCII_TERMS)
            )
        elif roll < 0.08:
            pieces.append(str(rng.randint(1, 2025)) + ("年" if language != "ko" else "년"))
        pieces.append(word)
        if language == "ja" and rng.random() < 0.6:
            pieces.append(rng.choice(JAPANESE_PARTICLES))
        elif language != "ko" and rng.random() < 0.02:
            pieces.append("・")  # 東京・京都
    return (" " if language == "ko" else "").join(pieces).replace("  ", " ").strip()


def cjk_sentence(rng: random.Random, language: str, lo: int = 6, hi: int = 18) -> str:
    """A sentence: clauses of words set off by 、, sometimes a 「quote」 or an （aside）,
    ending in 。 (Korean: ". ")."""
    clauses = [cjk_words(rng, language, rng.randint(lo, hi) // 2) for _ in range(rng.randint(1, 3))]
    comma, stop = {"ja": ("、", "。"), "zh": ("，", "。"), "ko": (", ", ". ")}[language]
    text = comma.join(clauses)
    roll = rng.random()
    if roll < 0.15:
        text += f"「{cjk_words(rng, language, rng.randint(1, 3))}」"
    elif roll < 0.25:
        text += f"（{rng.choice(ASCII_TERMS)}）"
    if language == "ja":
        text += rng.choice(JAPANESE_ENDINGS)
    return text + stop


def cjk_paragraph(rng: random.Random, language: str) -> str:
    text = "".join(cjk_sentence(rng, language) for _ in range(rng.randint(2, 7))).rstrip()
    if rng.random() < 0.4:
        link = rng.choice(AREAS)
        label = cjk_words(rng, language, rng.randint(1, 3))
        before, after = SEE_ALSO[language]
        text += f"{before}[{label}](https://example.com/{language}/{link}/){after}"
    if rng.random() < 0.3:
        text += f" `{rng.choice(WORDS)}` {cjk_words(rng, language, 2)}。"
    return text


def cjk_page(rng: random.Random, language: str) -> tuple[str, str]:
    """(kind, text) of a Japanese, Chinese or Korean blog post, news article or docs page:
    front matter, headings, paragraphs, lists, tables and code."""
    kind = rng.choice(("blog", "news", "docs"))
    year, month, day = rng.randint(2015, 2025), rng.randint(1, 12), rng.randint(1, 28)
    title = cjk_words(rng, language, rng.randint(3, 7))
    tags = ", ".join(cjk_words(rng, language, 1) for _ in range(rng.randint(1, 4)))
    parts = [
        "---",
        f'title: "{title}"',
        f"date: {year}-{month:02d}-{day:02d}",
        f"lang: {language}",
        f"tags: [{tags}]",
        f"description: {cjk_sentence(rng, language, 4, 10).rstrip()}",
        "---",
        "",
    ]
    for _ in range(rng.randint(3, 10)):
        parts += [f"## {cjk_words(rng, language, rng.randint(2, 5))}", ""]
        for _ in range(rng.randint(1, 3)):
            parts += [cjk_paragraph(rng, language), ""]
        roll = rng.random()
        if roll < 0.25:
            for number in range(rng.randint(3, 8)):
                marker = f"{number + 1}." if kind == "docs" else "-"
                parts.append(f"{marker} {cjk_sentence(rng, language, 3, 8)}".rstrip())
            parts.append("")
        elif roll < 0.4:
            columns = rng.randint(2, 4)
            parts.append(
                "| " + " | ".join(cjk_words(rng, language, 1) for _ in range(columns)) + " |"
            )
            parts.append("|" + "---|" * columns)
            for _ in range(rng.randint(2, 8)):
                cells = (
                    f"`{rng.choice(WORDS)}`" if rng.random() < 0.3 else cjk_words(rng, language, 2)
                    for _ in range(columns)
                )
                parts.append("| " + " | ".join(cells) + " |")
            parts.append("")
        elif roll < 0.55:
            name, area = rng.choice(WORDS), rng.choice(AREAS)
            comment = cjk_words(rng, language, 3)
            parts += [
                "```js",
                f"// {comment}",
                f"const {{ {name} }} = require('{area}');",
                "```",
                "",
            ]
        elif roll < 0.65:
            parts += [f"> {cjk_sentence(rng, language)}".rstrip(), ""]
    return kind, "\n".join(parts) + "\n"


def generate_cjk(out: Path, files: int, seed: int = 1) -> int:
    """Write Japanese, Chinese and Korean pages under `out/LANGUAGE/KIND/`; their total
    size in bytes. Half Japanese, two fifths Chinese, a tenth Korean."""
    rng = random.Random(seed)
    total = 0
    for number in range(files):
        roll = rng.random()
        language = "ja" if roll < 0.5 else "zh" if roll < 0.9 else "ko"
        kind, text = cjk_page(rng, language)
        path = out / language / kind / f"{number:05d}-{rng.getrandbits(32):08x}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        total += len(text.encode())
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--files", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mdx", action="store_true", help="MDX docs pages (Docusaurus, Astro)")
    parser.add_argument("--sites", action="store_true", help="small static-site pages")
    parser.add_argument("--cjk", action="store_true", help="Japanese, Chinese, Korean pages")
    parser.add_argument("--footnotes", action="store_true", help="with --sites: footnotes")
    parser.add_argument("--mkdocs", action="store_true", help="MkDocs / Material docs pages")
    args = parser.parse_args()
    if args.mkdocs:
        files = args.files or 400
        total = generate_mkdocs(args.out, files, args.seed)
    elif args.cjk:
        files = args.files or 400
        total = generate_cjk(args.out, files, args.seed)
    elif args.sites:
        files = args.files or 600
        total = generate_sites(args.out, files, args.seed, args.footnotes)
    else:
        files = args.files or 1100
        total = generate(args.out, files, args.seed, args.mdx)
    print(f"wrote {files:,} files, {total / 1e6:.1f} MB, to {args.out}")


if __name__ == "__main__":
    main()
