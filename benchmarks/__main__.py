"""`python -m benchmarks [--quick] [--only NAME ...]`: run the benchmarks, print the table,
write benchmarks/results/latest.json (or --output)."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import sys
from pathlib import Path

from benchmarks import rig
from benchmarks.measure import Figure

SUITES = ("upload", "pages", "review", "scale", "load", "api")
RESULTS = Path(__file__).parent / "results"


def machine() -> dict[str, object]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    }


def table(figures: list[Figure]) -> str:
    lines = [
        f"{'figure':44} {'value':>10} {'peer':>10} {'ratio':>7}  {'target':28} met",
        "-" * 108,
    ]
    for figure in figures:
        peer = "" if figure.peer_value is None else f"{figure.peer_value:10.3f}"
        ratio = "" if figure.ratio is None else f"{figure.ratio:7.2f}"
        met = {True: "yes", False: "NO", None: "-"}[figure.met]
        lines.append(
            f"{figure.name[:44]:44} {figure.value:10.3f} {peer:>10} {ratio:>7}  "
            f"{figure.target[:28]:28} {met}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, one run: a smoke test")
    parser.add_argument("--only", nargs="+", choices=SUITES, default=list(SUITES))
    parser.add_argument(
        "--output", type=Path, help="default: results/latest.json (results/quick.json with --quick)"
    )
    args = parser.parse_args(argv)
    args.output = args.output or RESULTS / ("quick.json" if args.quick else "latest.json")
    figures: list[Figure] = []
    # Pages and review share one app server, their bare pages and one browser (benchmarks/rig.py).
    with rig.shared():
        for suite in args.only:
            print(f"running {suite} ...", file=sys.stderr, flush=True)
            module = importlib.import_module(f"benchmarks.{suite}")
            figures += module.run(args.quick)
    print(table(figures))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(
            {
                "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "quick": args.quick,
                "machine": machine(),
                "figures": [figure.as_dict() for figure in figures],
            },
            indent=2,
        )
        + "\n"
    )
    print(f"\nwritten to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
