"""Crashes and races, on SQLite and on PostgreSQL: a publish killed at any moment leaves the
old revision or the new one, whole; of eight publishers racing from one base, exactly one wins.
"""

from __future__ import annotations

import multiprocessing
import random
import time

from harness import THOROUGH
from headcount import bootstrap, cli
from headcount.store import Store
from tests.publisher import BULK_COMPANY, serve

# Sized by HEADCOUNT_THOROUGH (harness.THOROUGH): a few trials by default, more before a release.
KILL_TRIALS = 20 if THOROUGH else 8
RACERS = 8
RACE_ROUNDS = 20 if THOROUGH else 6
BULK_ROWS = 10_000  # enough that a kill usually lands inside the write


# Publishers are forked from a server that imported Polars and the store once: each started
# as a new Python would spend about 1.4 s of CPU on imports, 34 of them per run. A fork is a
# process of its own all the same, so SIGKILL ends it as it would end a publishing app.
FORKS = multiprocessing.get_context("forkserver")
FORKS.set_forkserver_preload(["polars", "sqlalchemy", "headcount.diff", "headcount.store"])


class Publisher:
    """tests/publisher.py in its own process, driven over a pipe."""

    def __init__(self, url: str) -> None:
        self.connection, theirs = FORKS.Pipe()
        self.process = FORKS.Process(target=serve, args=(url, theirs), daemon=True)
        self.process.start()
        theirs.close()

    def send(self, command: str) -> None:
        self.connection.send(command)

    def answer(self, timeout: float = 120) -> str:
        assert self.connection.poll(timeout), "the publisher did not answer"
        return self.connection.recv()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()

    def stop(self) -> None:
        if self.process.is_alive():
            self.send("exit")
            self.process.join(timeout=30)


def consistent(url: str) -> list[str]:
    store = Store(url)
    try:
        return store.check()
    finally:
        store.engine.dispose()


def test_a_publish_killed_at_any_moment_leaves_the_old_or_the_new_revision_whole(store_url):
    bootstrap.initialise(store_url)
    store = Store(store_url)
    # One uninterrupted publish first: how long a publish takes sets the window to kill in.
    timer = Publisher(store_url)
    assert timer.answer() == "started"
    timer.send(f"prepare-bulk {BULK_ROWS}")
    assert timer.answer().startswith("ready")
    start = time.perf_counter()
    timer.send("go")
    assert timer.answer().startswith("won")
    window = time.perf_counter() - start
    timer.stop()

    rng = random.Random(20261121)
    outcomes = {"old": 0, "new": 0}
    # Started together, so their connections are made while the first trials run.
    publishers = [Publisher(store_url) for _ in range(KILL_TRIALS)]
    for trial, publisher in enumerate(publishers):
        before = store.latest_id()
        assert before is not None
        expected_new = store.read(before)["observations"]
        assert publisher.answer() == "started"
        publisher.send(f"prepare-bulk {BULK_ROWS}")
        assert publisher.answer() == f"ready {before}"
        publisher.send("go")
        time.sleep(rng.uniform(0, window * 1.2))
        publisher.kill()

        problems = consistent(store_url)
        assert problems == [], f"trial {trial}: {problems}"
        latest = store.latest_id()
        assert latest in (before, before + 1), (trial, before, latest)
        outcomes["old" if latest == before else "new"] += 1
        observations = store.read(latest)["observations"]
        bulk = observations.filter(observations["company"] == BULK_COMPANY)
        had = expected_new.filter(expected_new["company"] == BULK_COMPANY).height
        # Never a mix: all of the bulk rows or none of them.
        assert bulk.height in (0, BULK_ROWS), (trial, bulk.height)
        if latest == before:
            assert bulk.height == had
    print(f"kill trials on {store.dialect}: {outcomes} (window {window:.2f} s)")
    assert cli.main(["check-store", "--store", store_url]) == cli.EXIT_OK
    store.engine.dispose()


def test_of_eight_publishers_racing_from_one_base_exactly_one_wins_each_round(store_url):
    bootstrap.initialise(store_url)
    store = Store(store_url)
    racers = [Publisher(store_url) for _ in range(RACERS)]
    try:
        for racer in racers:
            assert racer.answer() == "started"
        for round_ in range(RACE_ROUNDS):
            base = store.latest_id()
            assert base is not None
            for number, racer in enumerate(racers):
                racer.send(f"prepare r{round_}-p{number}")
            assert {racer.answer() for racer in racers} == {f"ready {base}"}
            for racer in racers:
                racer.send("go")
            answers = [racer.answer() for racer in racers]
            won = [a for a in answers if a.startswith("won")]
            refused = [a for a in answers if a.startswith("refused")]
            assert won == [f"won {base + 1}"], answers
            assert len(refused) == RACERS - 1, answers
            assert all(f"prepared against revision {base}" in a for a in refused), refused
            assert store.latest_id() == base + 1
            winner = answers.index(won[0])
            notes = store.read(base + 1)["observations"].get_column("note").to_list()
            assert f"published by r{round_}-p{winner}" in notes
            assert not any(
                f"published by r{round_}-p{n}" in notes for n in range(RACERS) if n != winner
            )
    finally:
        for racer in racers:
            racer.stop()
    assert store.latest_id() == 1 + RACE_ROUNDS
    assert consistent(store_url) == []
    store.engine.dispose()
