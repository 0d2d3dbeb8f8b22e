"""The order the suite's tests are handed to pytest-xdist's workers (tests/conftest.py).

`--dist worksteal` first gives each worker one consecutive share of the collected tests (of
two, the first half to the first worker), and a worker that has run out then takes the back
half of another's queue. In file order the long tests fall wherever their files do, and a run
could end with one worker alone in a long test: replayed on two measured runs' durations, the
last worker finished 12-16 s after the mean on average and up to a minute after it.

Here each share gets about the same seconds, its costliest modules first and its quick tests
last, so that what a worker takes at the end is quick (the same replay: 1-2 s, at most 6).
Only the order changes: every collected test runs, a module's tests keep their order and stay
together (but for quick ones moved to even out the shares' counts: its module-scoped servers
start once per worker), and `-n 0` keeps the file order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

# Worker-seconds of each module's slow tests and of its other tests, from two full runs on two
# cores (2026-12-07, summed per module; a session fixture counts where a worker first used it).
# Stale figures only make the order less even; a module not listed costs what DEFAULT says.
SECONDS: dict[str, tuple[float, float]] = {
    "test_browser_overlap": (193, 0), "test_benchmarks": (173, 0), "test_hostile": (168, 0),
    "test_browser": (71, 0), "test_sign_in": (70, 0), "test_local_access": (66, 0),
    "test_crashes": (65, 0), "test_browser_excel": (64, 0), "test_bad_input": (57, 0),
    "test_links": (52, 0), "test_browser_cite": (47, 0), "test_analyst_pages": (3, 36),
    "test_browser_embed": (37, 0), "test_store": (26, 9), "test_browser_upload": (32, 0),
    "test_browser_links": (28, 0), "test_upload_memory": (27, 0),
    "test_browser_roundtrip_excel": (26, 0), "test_browser_rollback": (26, 0),
    "test_excel": (16, 9), "test_upgrade": (22, 0), "test_chart_validity": (21, 0),
    "test_site": (21, 0), "test_cli": (13, 7), "test_faults": (20, 0), "test_pages": (0, 20),
    "test_judge": (14, 0), "test_excel_hostile": (12, 2), "test_validation": (1, 12),
    "test_properties": (12, 0), "test_api": (0, 11), "test_pinned_pages": (6, 5),
    "test_roundtrips": (4, 7), "test_init": (5, 5), "test_embed": (2, 6),
    "test_store_file_gone": (7, 1), "test_models": (0, 8), "test_browser_frames": (8, 0),
    "test_charts": (5, 2), "test_api_http": (7, 0), "test_feeds": (3, 3), "test_claims": (6, 0),
    "test_claims_page": (0, 6), "test_sqlite_readers": (5, 1),
}  # fmt: skip
DEFAULT = (1.0, 0.2)  # seconds per slow test, per other test, of a module not listed

Item = TypeVar("Item")


def shares(count: int, workers: int) -> list[int]:
    """How many tests worksteal first sends each worker (xdist's WorkStealingScheduling)."""
    sizes = []
    for index in range(workers):
        sizes.append(count // (workers - index))
        count -= sizes[-1]
    return sizes


def balanced(
    items: Sequence[Item], modules: Sequence[str], slow: Sequence[bool], workers: int
) -> list[Item]:
    """``items`` (each of module ``modules[i]``, slow or not) in the order that gives each of
    ``workers`` workers' first shares about the same seconds, costliest module first."""
    if workers < 2 or not items:
        return list(items)
    members: dict[str, list[int]] = {}
    for index, module in enumerate(modules):
        members.setdefault(module, []).append(index)
    cost: dict[str, float] = {}
    for module, indices in members.items():
        slow_tests = sum(slow[i] for i in indices)
        quick_tests = len(indices) - slow_tests
        measured = SECONDS.get(module, (DEFAULT[0] * slow_tests, DEFAULT[1] * quick_tests))
        cost[module] = measured[0] * (slow_tests > 0) + measured[1] * (quick_tests > 0)
    groups: list[list[int]] = [[] for _ in range(workers)]
    totals = [0.0] * workers
    for module in sorted(members, key=lambda m: -cost[m]):  # stable: ties keep file order
        lightest = totals.index(min(totals))
        groups[lightest] += members[module]
        totals[lightest] += cost[module]
    # Each share must hold exactly as many tests as worksteal sends it: the fuller ones give
    # their last (cheapest) tests, in order, to the end of the others.
    sizes = shares(len(items), workers)
    spill: list[int] = []
    for group, size in zip(groups, sizes, strict=True):
        spill += group[size:]
        del group[size:]
    for group, size in zip(groups, sizes, strict=True):
        taken = size - len(group)
        group += spill[:taken]
        del spill[:taken]
    return [items[i] for group in groups for i in group]
