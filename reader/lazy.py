"""Names a package gives that are imported when first used: `reader` and
`reader.loading` import nothing heavy as they load (the walk helpers of `reader search`
import both, reader.loading.walk)."""

from __future__ import annotations

import importlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


def lazy_names(package: str, homes: dict[str, str]) -> Callable[[str], Any]:
    """The module `__getattr__` of `package`: each name of `homes` got from its module
    there (name -> module), imported when the name is first asked for."""

    def name_from_home(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(home), name)

    return name_from_home
