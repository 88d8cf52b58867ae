"""The CPU of the walk helpers of `reader search` (reader.loading.walk.main), beside another
checkout's, in the same run.

    python bench/walk_helper.py --corpus /tmp/c100k --cache DIR [--runs 15] [--parts 2]
        [--before OLD_CHECKOUT [--before-cache OLD_DIR]]

Each round runs, one after the other, each part's helper as `reader search` spawns it,
given that part alone (compared with the folder's index in the cache: READER_CACHE_DIR),
for this checkout and then for OLD_CHECKOUT (with the index in OLD_DIR, if its digests
are of another kind: two checkouts sharing an index would each find the other's digest,
and compare every file);
then, in this process with the collector off, each checkout's stat_files of each part and
its digest (the walk alone, without the helper's start and its reading of the index).
Prints the minimum and median of each: the helper's CPU time (user and system, from its
rusage) and wall time, and the walk's CPU time; whether the helper's digest matched the
one the index remembers (else it compared every file with the index: run `reader search`
of the folder with that checkout once first); and the machine's load average (1 minute)
before and after.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import marshal
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import reader


def cpu_of_children() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def helper(checkout: Path, root: Path, part: tuple[int, int], database: str) -> tuple[float, ...]:
    """One helper of `checkout`, as reader.loading.walk.Helpers spawns it, walking `part`:
    its CPU and wall time, and 1.0 if its walk's digest matched the index's (nothing
    compared). A helper that takes its parts from a queue on its stdin (`taken_parts`)
    is given that one part's; an older one is told its part's number."""
    code = f"import sys; sys.path.insert(0, {str(checkout)!r}); "
    code += "from reader.loading.walk import main; main()"
    queued = "def taken_parts(" in (checkout / "reader/loading/walk.py").read_text()
    told = [str(part[1])] if queued else [*map(str, part)]
    command = [sys.executable, "-I", "-S", "-c", code, str(root), *told, database]
    cpu = cpu_of_children()
    start = time.perf_counter()
    done = subprocess.run(
        command, input=bytes([part[0]]) if queued else b"", capture_output=True, check=True
    )
    taken = time.perf_counter() - start
    sent = marshal.loads(done.stdout)
    fields = sent["walks"][0][1] if queued else sent
    return cpu_of_children() - cpu, taken, float("known" not in fields)


def walk_module(checkout: Path, name: str) -> ModuleType:
    """reader.loading.walk of `checkout`, under another name (it imports the rest of the
    reader from this one: the file-name escaping)."""
    spec = importlib.util.spec_from_file_location(name, checkout / "reader/loading/walk.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def walk_cpu(module: ModuleType, root: Path, part: tuple[int, int]) -> float:
    """CPU time of the walk of a part and its digest, in this process."""
    start = time.process_time()
    shares: list[list[str]] = []
    states = module.stat_files(root, [], [], part=part, entered=[], shares=shares)
    module._digest(states, shares)
    return time.process_time() - start


def database_of(cache: Path, root: Path) -> str:
    os.environ["READER_CACHE_DIR"] = str(cache.resolve())
    from reader.paths import index_path

    database = index_path(root)
    if not database.is_file():
        raise SystemExit(f"{cache}: no index of {root} (run `reader search` of it first)")
    return str(database)


def shown(values: list[float]) -> str:
    return f"min {min(values) * 1000:.0f} ms, median {statistics.median(values) * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--parts", type=int, default=2)
    parser.add_argument("--before", type=Path, metavar="OLD_CHECKOUT")
    parser.add_argument("--before-cache", type=Path, metavar="OLD_DIR")
    args = parser.parse_args()
    root = args.corpus.resolve()
    checkouts = {"now": (Path(reader.__file__).resolve().parent.parent, args.cache)}
    if args.before is not None:
        checkouts["before"] = (args.before.resolve(), args.before_cache or args.cache)
    databases = {name: database_of(cache, root) for name, (_checkout, cache) in checkouts.items()}
    modules = {
        name: walk_module(checkout, f"walk_{name}") for name, (checkout, _) in checkouts.items()
    }
    parts = [(number, args.parts) for number in range(args.parts)]
    keys = [(name, part) for name in checkouts for part in parts]
    helpers: dict[tuple[str, tuple[int, int]], list[tuple[float, ...]]] = {key: [] for key in keys}
    walks: dict[tuple[str, tuple[int, int]], list[float]] = {key: [] for key in keys}
    load_before = os.getloadavg()[0]
    for _round in range(args.runs):
        for name, part in keys:
            checkout = checkouts[name][0]
            helpers[name, part].append(helper(checkout, root, part, databases[name]))
        gc.disable()
        for name, part in keys:
            walks[name, part].append(walk_cpu(modules[name], root, part))
        gc.enable()
    print(
        f"{root}, {args.runs} rounds, load {load_before:.1f}-{os.getloadavg()[0]:.1f} "
        f"(each helper's walk: part k of {args.parts})"
    )
    for name, part in keys:
        runs = helpers[name, part]
        matched = sum(run[2] for run in runs)
        print(
            f"  {name} part {part[0]}: helper CPU {shown([run[0] for run in runs])}; "
            f"wall {shown([run[1] for run in runs])}; digest matched {matched:.0f}/"
            f"{len(runs)}; walk in-process CPU {shown(walks[name, part])}"
        )


if __name__ == "__main__":
    main()
