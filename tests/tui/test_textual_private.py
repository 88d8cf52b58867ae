"""The private Textual names the reader uses: each named, each checked, no others.

reader/tui/textual_private.py holds every private Textual name the reader needs (Textual
has no public way to get them). These tests fail, by name, when a Textual upgrade moves
one; and when code elsewhere in the reader starts using another private name (a private
module, attribute or handler of Textual's), which would break unnoticed on an upgrade.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import textual

import reader
from reader.tui import textual_private
from reader.tui.textual_private import FUNCTIONAL_KEYS, PRIVATE_NAMES, character_key

READER = Path(reader.__file__).parent
ALLOWED = READER / "tui" / "textual_private.py"


@pytest.mark.parametrize(("module", "name"), PRIVATE_NAMES, ids=[n for _m, n in PRIVATE_NAMES])
def test_each_private_name_is_still_there(module: str, name: str) -> None:
    assert hasattr(importlib.import_module(module), name), f"{module}.{name} is gone"


def test_the_private_names_do_what_the_reader_relies_on() -> None:
    # The kitty protocol's key codes, by the names Textual gives the keys.
    assert FUNCTIONAL_KEYS["57376u"] == "f13"
    assert "media_play" in FUNCTIONAL_KEYS.values()
    # The name of the key that types a character, as keymaps and bindings write it.
    assert [character_key(char) for char in "?/a]"] == [
        "question_mark",
        "slash",
        "a",
        "right_square_bracket",
    ]
    assert set(textual_private.__all__) == {"FUNCTIONAL_KEYS", "PRIVATE_NAMES", "character_key"}


def private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def class_names(node: ast.ClassDef) -> set[str]:
    """The names a class defines: its methods, its class attributes, and the attributes
    its methods set on self."""
    names: set[str] = set()
    for item in node.body:
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(item.name)
        elif isinstance(item, ast.Assign | ast.AnnAssign):
            targets = item.targets if isinstance(item, ast.Assign) else [item.target]
            names.update(target.id for target in targets if isinstance(target, ast.Name))
    for item in ast.walk(node):
        stored = isinstance(item, ast.Attribute) and isinstance(item.ctx, ast.Store)
        if stored and isinstance(item.value, ast.Name) and item.value.id == "self":
            names.add(item.attr)
    return names


class TextualNames:
    """Textual's private names: those its modules and classes define, and the private
    attributes each of its classes sets on its instances (`self._bindings = ...`)."""

    def __init__(self) -> None:
        self.all: set[str] = set()
        self.by_class: dict[tuple[str, str], set[str]] = {}
        root = Path(textual.__file__).parent
        for path in root.rglob("*.py"):
            module = "textual." + ".".join(path.relative_to(root).with_suffix("").parts)
            module = module.removesuffix(".__init__")
            for node in ast.parse(path.read_text("utf-8")).body:
                if isinstance(node, ast.ClassDef):
                    names = self.by_class.setdefault((module, node.name), class_names(node))
                    self.all.update(name for name in names if private(name))
                elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    if private(node.name):
                        self.all.add(node.name)
                elif isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name) and private(target.id):
                            self.all.add(target.id)

    def of_bases(self, cls: type) -> set[str]:
        """The private names of the Textual classes `cls` derives from."""
        names: set[str] = set()
        for base in cls.__mro__:
            names |= self.by_class.get((base.__module__, base.__name__), set())
        return {name for name in names if private(name)}


def reader_classes() -> Iterator[type]:
    """Every class the reader defines on top of a Textual one."""
    for info in pkgutil.walk_packages(reader.__path__, "reader."):
        if info.name.endswith("__main__"):
            continue  # runs the reader
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            ours = inspect.isclass(value) and value.__module__ == module.__name__
            if ours and any(base.__module__.startswith("textual") for base in value.__mro__):
                yield value


def class_overrides(textual_names: TextualNames) -> Iterator[str]:
    """Private names of Textual's that a reader class defines again: a handler such as
    `_on_key`, a method, or an attribute its methods set (`self._cursor = ...`)."""
    for cls in reader_classes():
        theirs = textual_names.of_bases(cls)
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
        ours = class_names(tree.body[0])  # type: ignore[arg-type]
        ours = {name for name in ours if private(name)}
        for name in sorted(ours & theirs):
            yield f"{cls.__module__}.{cls.__name__}: {name}"


def private_uses(path: Path, textual_names: set[str]) -> Iterator[str]:
    """Where `path` uses one of Textual's private names: a private module or a private
    name imported, an attribute read that only Textual defines, a private attribute set
    on an object other than self (on a Textual event), or a Textual handler defined."""
    tree = ast.parse(path.read_text("utf-8"))
    ours = {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.ctx, ast.Store)
        and isinstance(node.value, ast.Name)
        and node.value.id in ("self", "cls")
    }
    ours |= {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    }
    where = path.relative_to(READER)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("textual"):
            if any(part.startswith("_") for part in (node.module or "").split(".")):
                yield f"{where}:{node.lineno}: from {node.module} import ..."
            for alias in node.names:
                if private(alias.name):
                    yield f"{where}:{node.lineno}: {alias.name} from {node.module}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("textual") and "._" in alias.name:
                    yield f"{where}:{node.lineno}: import {alias.name}"
        elif isinstance(node, ast.Attribute) and private(node.attr):
            owner = node.value
            on_self = isinstance(owner, ast.Name) and owner.id in ("self", "cls")
            of_os = isinstance(owner, ast.Name) and owner.id == "os"  # os._exit: not Textual's
            if isinstance(node.ctx, ast.Store) and not on_self:
                yield f"{where}:{node.lineno}: .{node.attr} = (on another object)"
            elif node.attr in textual_names and node.attr not in ours and not of_os:
                yield f"{where}:{node.lineno}: .{node.attr}"
        elif (
            isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.name.startswith("_on_")
            and node.name in textual_names
        ):
            # A Textual handler (`_on_key`) defined again, in a mixin too.
            yield f"{where}:{node.lineno}: def {node.name}"


def all_private_uses() -> list[str]:
    names = TextualNames()
    uses = [
        use
        for path in sorted(READER.rglob("*.py"))
        if path != ALLOWED
        for use in private_uses(path, names.all)
    ]
    return uses + list(class_overrides(names))


def test_no_other_private_textual_name_is_used() -> None:
    assert all_private_uses() == [], "private Textual names outside reader/tui/textual_private.py"
