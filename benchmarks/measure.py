"""How figures are taken: medians of alternated runs, peak memory in a child process, and the
record each benchmark returns (a figure beside its peer or floor, the ratio and the target)."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class Figure:
    """One measured figure, always beside the peer or floor it is judged against."""

    name: str
    value: float
    unit: str
    peer: str = ""
    peer_value: float | None = None
    target: str = ""
    met: bool | None = None
    detail: str = ""
    runs: int = 1

    @property
    def ratio(self) -> float | None:
        if self.peer_value is None or self.peer_value == 0:
            return None
        return self.value / self.peer_value

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "ratio": self.ratio}


class Seconds(float):
    """What a candidate returns that times its own step: the span it measured, which leaves
    out what it does around it (opening a browser page, say), where the wall time of the
    whole call would count that too."""


def alternate(candidates: dict[str, Callable[[], object]], runs: int) -> dict[str, list[float]]:
    """Run each candidate ``runs`` times, interleaved (a, b, a, b ...) so that drift in the
    machine's speed falls on all of them alike; seconds per run: the Seconds a candidate
    returns, else the wall time of its call."""
    times: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(runs):
        for name, run in candidates.items():
            start = time.perf_counter()
            result = run()
            wall = time.perf_counter() - start
            times[name].append(float(result) if isinstance(result, Seconds) else wall)
    return times


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def peak_rss_growth(module: str, *args: str) -> int:
    """Bytes by which a child's peak memory grew while it ran ``module``'s measured step.

    The child reports its own peak before and after the step (ru_maxrss), so imports and
    interpreter start-up are not counted, only what the step itself needed at its peak."""
    output = subprocess.run(
        [sys.executable, "-m", module, *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(json.loads(output.strip().splitlines()[-1])["peak_growth_bytes"])


def report_peak(step: Callable[[], object]) -> None:
    """Run ``step`` and print its peak memory growth as JSON (the child side of the above).

    Linux keeps a process's peak resident size (VmHWM); writing 5 to clear_refs resets it to
    the current size, so the peak read afterwards belongs to the step alone."""
    Path("/proc/self/clear_refs").write_text("5")
    before = _status("VmRSS")
    step()
    print(json.dumps({"peak_growth_bytes": max(_status("VmHWM"), before) - before}))


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024  # reported in kB
    raise KeyError(field)
