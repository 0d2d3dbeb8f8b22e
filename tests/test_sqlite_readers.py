"""Anonymous readers must not starve publishing on SQLite (issue 25.4): reads never take the
write lock. Every reader of the store (the pages, the data API, the CLI) reads through a
Store; while one of them is in the middle of a read, a publish can take the write lock and
other readers can read. Counts, not times."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from headcount import bootstrap, ingest, reads, sqlite
from headcount.outcomes import Published
from headcount.settings import BUSY_ENV
from headcount.store import Store
from tests.csvtools import read_rows, to_csv
from validation import parse

READERS = 4
PUBLISHES = 3


@pytest.fixture
def url(tmp_path, monkeypatch) -> Iterator[str]:
    # A short lock wait: whoever queues behind a lock that is never released is refused as
    # busy after it (60 s by default) instead of the test hanging.
    monkeypatch.setenv(BUSY_ENV, "0.5")
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    assert isinstance(bootstrap.initialise(url).seeded, Published)
    yield url


def one_event_published(store: Store, title: str) -> object:
    rows = [{**read_rows("events")[0], "title": title}]
    proposal = ingest.prepare([parse.parse("events.csv", to_csv(rows))], store, "upsert")
    assert proposal.ok, proposal.problems
    return ingest.publish(proposal, store, "ana", title)


def test_a_read_in_progress_holds_no_write_lock(url):
    reader, other, publisher = Store(url), Store(url), Store(url)
    with reader.engine.connect() as reading:
        assert reads.latest_id(reading, reader.tables) == 1  # its transaction is open
        assert other.latest_id() == 1  # another reader reads meanwhile
        with sqlite.write_transaction(publisher.engine) as writing:
            # ...and a publish takes the write lock (before: "database is locked")
            assert reads.latest_id(writing, publisher.tables) == 1
            writing.rollback()
    for store in (reader, other, publisher):
        store.engine.dispose()


@pytest.mark.slow  # measured: among the costliest of the quick loop
def test_publishes_go_through_while_readers_poll(url):
    stop = threading.Event()
    polls: Counter[int] = Counter()
    failures: list[BaseException] = []

    def poll(number: int) -> None:
        store = Store(url)
        try:
            while not stop.is_set():  # what the data API and the pages ask on each request
                store.latest_id()
                store.revisions()
                polls[number] += 1
        except BaseException as error:  # reported below, not lost in the thread
            failures.append(error)
        finally:
            store.engine.dispose()

    threads = [threading.Thread(target=poll, args=(n,)) for n in range(READERS)]
    for thread in threads:
        thread.start()
    publisher = Store(url)
    outcomes = []
    try:
        for round in range(PUBLISHES):
            seen = Counter(polls)
            while not failures and any(polls[n] <= seen[n] for n in range(READERS)):
                stop.wait(0.01)  # until every reader has polled since the last publish
            outcomes.append(one_event_published(publisher, f"A new event, round {round}"))
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        publisher.engine.dispose()
    assert failures == []
    assert [type(o) for o in outcomes] == [Published] * PUBLISHES, outcomes
    assert Store(url).latest_id() == 1 + PUBLISHES


def test_two_publishes_still_take_the_write_lock_one_at_a_time(url):
    # Reads no longer lock; writes still do, from their start (the base check relies on it).
    first, second = Store(url), Store(url)
    with (
        sqlite.write_transaction(first.engine),
        pytest.raises(sa.exc.OperationalError, match="database is locked"),
        sqlite.write_transaction(second.engine),
    ):
        pass
    for store in (first, second):
        store.engine.dispose()
