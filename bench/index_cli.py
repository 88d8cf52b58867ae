"""`reader search WORD PATH --json` as a whole process, beside `grep -rli WORD PATH`.

    python bench/index_cli.py --corpus /tmp/c100k [--cache DIR] [--runs 5] [--limit 20]
        [--before OLD_CHECKOUT [--before-cache OLD_DIR]] WORD [WORD...]

For each word, --runs rounds, each running one after the other: `grep -rli WORD PATH`,
then `python -m reader search WORD PATH --json` (with `--limit N` if given), then the same
command from OLD_CHECKOUT (PYTHONPATH=OLD_CHECKOUT: another commit's reader, measured in
the same minutes; with the cache OLD_DIR if given: where the two remember their walks'
digests differently, each would find the other's in a shared index and compare every file
with it). Prints the median wall time of each, reader's ratio to grep, the median
CPU time (user and system, of the process and the helpers it waited for: steadier than
the wall time on a busy machine), the bytes each printed, and the machine's load average
(`os.getloadavg`, 1 minute) before and after: other work on the machine slows every
column. The cache must already hold the folder (a first `reader search` builds it) for
the warm figures; the Python bytecode is written first, as an installed package has it.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import reader


def cpu_of_children() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def wall(
    command: list[str], env: dict[str, str], cwd: Path | None = None
) -> tuple[float, float, int]:
    """Wall time, CPU time (the process and the helpers it waited for), bytes printed."""
    cpu = cpu_of_children()
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, check=True)
    return time.perf_counter() - start, cpu_of_children() - cpu, len(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--before", type=Path, metavar="OLD_CHECKOUT")
    parser.add_argument("--before-cache", type=Path, metavar="OLD_DIR")
    parser.add_argument("words", nargs="+")
    args = parser.parse_args()
    args.corpus = args.corpus.resolve()  # the commands run in each checkout
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if args.cache is not None:
        env["READER_CACHE_DIR"] = str(args.cache.resolve())
    checkouts = {"now": Path(reader.__file__).resolve().parent.parent}
    if args.before is not None:
        checkouts["before"] = args.before.resolve()
    for checkout in checkouts.values():
        compileall.compile_dir(checkout / "reader", quiet=1)
    command = [sys.executable, "-m", "reader", "search"]
    options = ["--json"] + ([] if args.limit is None else ["--limit", str(args.limit)])
    for word in args.words:
        load_before = os.getloadavg()[0]
        times: dict[str, list[float]] = {"grep": [], **{name: [] for name in checkouts}}
        cpus: dict[str, list[float]] = {name: [] for name in times}
        sizes: dict[str, int] = {}
        for _round in range(args.runs):
            grep_command = ["grep", "-rli", word, str(args.corpus)]
            taken, cpu, sizes["grep"] = wall(grep_command, env)
            times["grep"].append(taken)
            cpus["grep"].append(cpu)
            for name, checkout in checkouts.items():
                run_env = {**env, "PYTHONPATH": str(checkout)}
                if name == "before" and args.before_cache is not None:
                    run_env["READER_CACHE_DIR"] = str(args.before_cache.resolve())
                search = [*command, word, str(args.corpus), *options]
                # In the checkout: `python -m` puts the working folder first on the
                # path, before PYTHONPATH (from elsewhere, it ran that folder's reader).
                taken, cpu, sizes[name] = wall(search, run_env, cwd=checkout)
                times[name].append(taken)
                cpus[name].append(cpu)
        grep = statistics.median(times["grep"])
        shown = [
            f"grep -rli {grep:.2f} s, CPU {statistics.median(cpus['grep']):.2f} s "
            f"({sizes['grep']:,} bytes)"
        ]
        for name in checkouts:
            median = statistics.median(times[name])
            shown.append(
                f"reader {name} {median:.2f} s, {median / grep:.2f}x, CPU "
                f"{statistics.median(cpus[name]):.2f} s ({sizes[name]:,} bytes)"
            )
        limit = "" if args.limit is None else f" --limit {args.limit}"
        print(
            f"{word}{limit}, medians of {args.runs}, load {load_before:.1f}-"
            f"{os.getloadavg()[0]:.1f}: " + "; ".join(shown)
        )
        for name, taken_all in times.items():
            print(f"    {name}: " + " ".join(f"{taken:.2f}" for taken in taken_all))


if __name__ == "__main__":
    main()
