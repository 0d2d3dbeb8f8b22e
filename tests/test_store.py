"""The revision store, on SQLite and on PostgreSQL: revisions are immutable, a publish writes
exactly the reviewed diff, storage grows with the change, and a stale base is refused."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

import polars as pl
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from headcount import bootstrap, dataset, diff, fingerprint, ingest
from headcount.outcomes import Published, Refused
from headcount.schema import SchemaMismatch, StoreNotInitialised
from headcount.store import Revision, Store
from tests.csvtools import CURATED, read_rows, to_csv, with_cell
from validation import parse
from validation.tables import TABLES


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    assert isinstance(bootstrap.initialise(store_url).seeded, Published)
    store = Store(store_url)
    yield store
    store.engine.dispose()


def published(outcome: Published | Refused) -> Revision:
    assert isinstance(outcome, Published), outcome
    return outcome.revision


def upload(name: str, data: bytes) -> list[parse.ParsedFile]:
    return [parse.parse(name, data)]


def stored_rows(store: Store, name: str) -> int:
    with store.engine.connect() as connection:
        count = sa.select(sa.func.count()).select_from(store.rows[name])
        return int(connection.execute(count).scalar_one())


def test_new_store_is_seeded_with_the_curated_tables(store):
    assert store.latest_id() == 1
    revision = store.revision(1)
    tables = store.read(1)
    for name in TABLES:
        assert tables[name].height == len(read_rows(name))
        assert revision.counts[name] == len(read_rows(name))
        assert revision.hashes[name] == fingerprint.of(TABLES[name], tables[name])
    curated = parse.parse_path(str(CURATED / "observations.csv")).frame
    assert curated is not None
    assert sorted(tables["observations"].get_column("value")) == sorted(curated.get_column("value"))


def test_publish_writes_exactly_the_reviewed_diff(store):
    data, _ = with_cell("observations", 5, "value", "4242")
    proposal = ingest.prepare(upload("observations.csv", data), store, "replace")
    assert proposal.ok, proposal.problems
    change = proposal.changes["observations"]
    assert change.counts() == {"added": 0, "changed": 1, "removed": 0}
    assert change.changes.row(0, named=True)["new"] == "4242"
    before = stored_rows(store, "observations")
    revision = published(ingest.publish(proposal, store, "ana", "one value", acknowledge=True))
    assert revision.id == 2 and revision.parent_id == 1
    assert stored_rows(store, "observations") == before + 1  # the change, not a copy
    after = store.read(2)["observations"]
    assert (
        diff.diff_table(TABLES["observations"], store.read(1)["observations"], after).counts()
        == change.counts()
    )
    assert store.read(1)["observations"].height == after.height  # revision 1 is unchanged


def test_upsert_adds_and_updates_by_key_and_keeps_the_rest(store):
    rows = read_rows("events")
    new = {**rows[0], "title": "A new event title"}
    changed = {**rows[1], "detail": "Corrected detail"}
    proposal = ingest.prepare(upload("events.csv", to_csv([new, changed])), store, "upsert")
    assert proposal.ok, proposal.problems
    assert proposal.changes["events"].counts() == {"added": 1, "changed": 1, "removed": 0}
    ingest.publish(proposal, store, "ana", "events", acknowledge=True)
    assert store.read()["events"].height == len(rows) + 1


def test_replace_that_would_strand_published_rows_is_refused(store):
    rows = [r for r in read_rows("sources") if r["source_id"] != "f1-paymentsdive"]
    proposal = ingest.prepare(upload("sources.csv", to_csv(rows)), store, "replace")
    assert not proposal.ok
    stranded = proposal.problems.to_dicts()
    assert stranded and all(p["value"] == "f1-paymentsdive" for p in stranded)
    citing = {
        f"{name}.csv (revision 1)"
        for name in ("observations", "events", "framings")
        for row in read_rows(name)
        if "f1-paymentsdive" in (row.get("source_id"), row.get("evidence_id"))
    }
    assert {p["file"] for p in stranded} == citing
    assert store.latest_id() == 1


def test_invalid_upload_changes_nothing(store):
    data, line = with_cell("observations", 2, "date", "31/12/2023")
    proposal = ingest.prepare(upload("observations.csv", data), store, "upsert")
    assert not proposal.ok
    assert proposal.problems.row(0, named=True)["line"] == line
    assert store.latest_id() == 1


def test_a_stale_base_is_refused_naming_who_published(store):
    first, _ = with_cell("observations", 1, "value", "1111")
    second, _ = with_cell("observations", 1, "value", "2222")
    mine = ingest.prepare(upload("observations.csv", first), store, "replace")
    theirs = ingest.prepare(upload("observations.csv", second), store, "replace")
    published(ingest.publish(theirs, store, "bob", "bob's fix", acknowledge=True))
    refused = ingest.publish(mine, store, "ana", "ana's fix", acknowledge=True)
    assert isinstance(refused, Refused) and refused.kind == "conflict"
    assert "revision 2 by bob" in refused.reason and "bob's fix" in refused.reason
    assert store.latest_id() == 2
    assert 2222.0 in store.read(2)["observations"].get_column("value").to_list()


def test_empty_change_is_refused(store):
    proposal = ingest.prepare(
        upload("events.csv", (CURATED / "events.csv").read_bytes()), store, "replace"
    )
    assert proposal.ok and proposal.empty
    assert ingest.publish(proposal, store, "ana", "nothing", acknowledge=True) == Refused(
        "Nothing changes: the upload equals the current revision.", "nothing_to_publish"
    )
    assert store.latest_id() == 1


def test_rollback_publishes_a_copy_of_an_old_revision(store):
    data, _ = with_cell("observations", 0, "value", "9999")
    ingest.publish(
        ingest.prepare(upload("observations.csv", data), store, "replace"),
        store,
        "ana",
        "x",
        acknowledge=True,
    )
    revision = published(ingest.rollback(store, 1, "ana", "undo"))
    assert revision.id == 3
    assert revision.hashes == store.revision(1).hashes
    assert [r.id for r in store.revisions()] == [1, 2, 3]  # nothing deleted
    assert 9999.0 in store.read(2)["observations"].get_column("value").to_list()


@pytest.mark.parametrize("revision", [99, 0, -1])
def test_reading_a_missing_revision_is_an_error(store, revision):
    with pytest.raises(KeyError, match=f"no revision {revision}"):
        store.read(revision)  # 0 is not "the latest"


def test_an_empty_database_is_refused_unchanged_until_init_creates_and_seeds_it(
    store_url, tmp_path
):
    with pytest.raises(StoreNotInitialised, match="uv run headcount init --store URL"):
        Store(store_url)
    assert list(tmp_path.iterdir()) == []  # not even a SQLite file
    probe = sa.create_engine(store_url)
    with probe.connect() as connection:
        assert sa.inspect(connection).get_table_names() == []  # nothing was created
    probe.dispose()
    with pytest.raises(StoreNotInitialised):  # the file exists now, but without tables
        Store(store_url)

    first = bootstrap.initialise(store_url)
    assert first.created_schema and isinstance(first.seeded, Published)
    assert first.seeded.revision.id == 1
    second = bootstrap.initialise(store_url)  # an initialised store is left as it is
    assert second == bootstrap.Initialised(created_schema=False, seeded=None)
    again = Store(store_url)
    assert again.latest_id() == 1
    assert again.read()["sources"].height == len(read_rows("sources"))
    again.engine.dispose()


def test_dates_and_numbers_survive_the_round_trip(store):
    tables = store.read()
    files = [parse.parse_path(str(path)) for path in dataset.curated_paths(CURATED)]
    curated = {file.table.name: file.frame for file in files if file.table is not None}
    for name, frame in curated.items():
        table = TABLES[name]
        ours = tables[name].select(table.column_names).sort(list(table.key))
        assert frame is not None, name
        theirs = frame.select(table.column_names).sort(list(table.key))
        assert ours.equals(theirs, null_equal=True), name
    assert tables["observations"].schema["date"] == pl.Date


NOTICES = """company,state,filed,workers,site,cause,source_id,note
Klarna,NY,2024-03-04,62,"New York, NY",technological innovation or automation,verge-fstech-2022-05,
Klarna,CA,2024-05-01,11,,,verge-fstech-2022-05,"second site, no cause on the form"
"""


def test_notices_are_published_and_read_back_with_their_dates_and_counts(store):
    proposal = ingest.prepare(upload("notices.csv", NOTICES.encode()), store, "upsert")
    assert proposal.ok, proposal.problems
    assert proposal.changes["notices"].counts() == {"added": 2, "changed": 0, "removed": 0}
    revision = published(ingest.publish(proposal, store, "ana", "two notices", acknowledge=True))
    seeded = len(read_rows("notices"))  # the curated notices: revision 1 holds them, unchanged
    assert store.read(1)["notices"].height == seeded
    assert store.read(revision.id)["notices"].height == seeded + 2
    notices = store.read(revision.id)["notices"].filter(pl.col("company") == "Klarna").sort("filed")
    assert notices.get_column("filed").to_list() == [dt.date(2024, 3, 4), dt.date(2024, 5, 1)]
    assert notices.get_column("workers").to_list() == [62, 11]
    assert notices.get_column("site").to_list() == ["New York, NY", None]
    assert notices.row(0, named=True)["cause"] == "technological innovation or automation"
    assert store.read_company("Klarna", revision.id)["notices"].height == 2
    assert store.read_company("IBM", revision.id)["notices"].height == 0
    assert store.check() == []


def test_an_event_keeps_the_day_of_the_claim_it_answers(store):
    # Klarna's curated claims of 2025-11-18 (853 agents' work, with its cause) are answered.
    text = (
        "company,date,kind,title,source_id,detail,attribution,answers\n"
        "Klarna,2025-12-01,other,A later word on the 853,cionews-853,,,2025-11-18\n"
    )
    answering = pl.col("answers").is_not_null()
    before = store.read(store.latest_id())["events"].filter(answering).height
    proposal = ingest.prepare(upload("events.csv", text.encode()), store, "upsert")
    assert proposal.ok, proposal.problems
    revision = published(ingest.publish(proposal, store, "ana", "an answer", acknowledge=True))
    events = store.read(revision.id)["events"]
    answered = events.filter(pl.col("title") == "A later word on the 853")
    assert answered.get_column("answers").to_list() == [dt.date(2025, 11, 18)]
    # The curated answers are kept beside the new one.
    assert events.filter(answering).height == before + 1
    assert store.check() == []


def test_text_with_quotes_commas_line_breaks_and_unicode_survives_bulk_writes(store):
    # Bulk writes (COPY on PostgreSQL, tuples on SQLite) must not mangle awkward text.
    awkward = 'He said "5,527", then\nleft; ünïcödé — 中文 \\N NULL \'); DROP TABLE revisions; --'
    tables = store.read()
    first = tables["observations"].row(0, named=True)
    edited = tables["observations"].with_columns(
        pl.when(
            (pl.col("company") == first["company"])
            & (pl.col("metric") == first["metric"])
            & (pl.col("date") == first["date"])
            & (pl.col("basis") == first["basis"])
            & (pl.col("source_id") == first["source_id"])
        )
        .then(pl.lit(awkward))
        .otherwise(pl.col("note"))
        .alias("note")
    )
    proposed = {**tables, "observations": edited}
    revision = published(
        store.publish(proposed, diff.diff(tables, proposed), 1, "ana", "awkward text")
    )
    back = store.read(revision.id)["observations"]
    assert awkward in back.get_column("note").to_list()
    assert back.sort(list(TABLES["observations"].key)).equals(
        edited.sort(list(TABLES["observations"].key))
    )
    assert revision.hashes["observations"] == fingerprint.of(TABLES["observations"], back)


def with_a_second_revision(store: Store) -> tuple[int, int]:
    data, _ = with_cell("observations", 0, "value", "9999")
    ingest.publish(
        ingest.prepare(upload("observations.csv", data), store, "replace"),
        store,
        "ana",
        "x",
        acknowledge=True,
    )
    return (1, 2)


def test_catalog_counted_by_the_database_equals_the_one_counted_from_the_rows(store):
    rows_per_company = Counter(row["company"] for row in read_rows("observations"))
    for revision in with_a_second_revision(store):
        rows = store.read(revision)
        whole = dataset.Dataset(**rows, revision=revision)
        counted = dataset.Catalog.from_counts(store.catalog(revision), revision)
        assert counted == whole.catalog
        # The best documented company comes first.
        assert counted.companies[0] == rows_per_company.most_common(1)[0][0]
        dates = rows["observations"].get_column("date")
        assert (counted.first, counted.last) == (dates.min(), dates.max())


def test_one_company_is_read_alone_with_every_source_and_framing(store):
    for revision in with_a_second_revision(store):
        whole = store.read(revision)
        for company in ("Klarna", "IBM", "No Such Company"):
            part = store.read_company(company, revision)
            for name in ("observations", "events"):
                expected = whole[name].filter(pl.col("company") == company)
                key = list(TABLES[name].key)
                assert part[name].sort(key).equals(expected.sort(key), null_equal=True)
            for name in ("sources", "framings"):
                assert part[name].height == whole[name].height


@pytest.mark.slow  # among the quick loop's costliest (--durations)
def test_changes_between_revisions_equal_the_diff_of_the_whole_revisions(store):
    with_a_second_revision(store)  # 2: one value changed
    events = read_rows("events")
    added = {**events[0], "title": "A new event title"}
    ingest.publish(
        ingest.prepare(upload("events.csv", to_csv([added])), store, "upsert"),
        store,
        "ana",
        "y",
        acknowledge=True,
    )  # 3: one event added
    ingest.rollback(store, 1, "ana", "undo")  # 4: equal to 1 again (the value reopened)
    sources = read_rows("sources")
    ingest.publish(
        ingest.prepare(
            upload("sources.csv", to_csv([{**sources[0], "title": "Retitled"}])),
            store,
            "upsert",
        ),
        store,
        "ana",
        "z",
        acknowledge=True,
    )  # 5: a source changed
    ids = [r.id for r in store.revisions()]
    assert ids == [1, 2, 3, 4, 5]
    for older in ids:
        for newer in ids:
            expected = diff.diff(store.read(older), store.read(newer))
            found = store.changes(older, newer)
            for name, table in TABLES.items():
                key = list(table.key)
                for part in ("added", "removed", "changed", "replaced"):
                    mine = getattr(found[name], part).sort(key)
                    theirs = getattr(expected[name], part).sort(key)
                    assert mine.equals(theirs, null_equal=True), (older, newer, name, part)
                assert (
                    found[name]
                    .changes.sort([*key, "column"])
                    .equals(expected[name].changes.sort([*key, "column"]), null_equal=True)
                )
    assert all(change.empty for change in store.changes(1, 4).values())
    assert store.changes(1, 2)["observations"].counts() == {
        "added": 0,
        "changed": 1,
        "removed": 0,
    }


def test_a_store_made_before_the_revision_key_index_gets_it_on_upgrade(store_url):
    bootstrap.initialise(store_url)
    first = Store(store_url)
    with first.engine.begin() as connection:
        connection.exec_driver_sql("DROP INDEX ix_rows_observations_revision_key")
        connection.exec_driver_sql(  # the index it replaced, which every write maintained
            "CREATE INDEX ix_rows_observations_key ON rows_observations (company, metric)"
        )
        connection.exec_driver_sql("DROP TABLE alembic_version")  # as before versions
    first.engine.dispose()
    with pytest.raises(SchemaMismatch, match="headcount upgrade"):
        Store(store_url)
    old = Store(store_url, as_is=True)
    assert old.upgrade()[0] is None
    old.engine.dispose()
    again = Store(store_url)
    names = {i["name"] for i in sa.inspect(again.engine).get_indexes("rows_observations")}
    assert "ix_rows_observations_revision_key" in names
    assert "ix_rows_observations_key" not in names
    assert again.check() == []
    again.engine.dispose()


def test_opening_a_store_changes_nothing_and_its_schema_is_what_the_code_describes(store_url):
    # Migrations and the tables the code queries (from the data contract) must agree: a column
    # added to validation/tables.py without a migration is caught here.
    bootstrap.initialise(store_url)
    store = Store(store_url)
    with store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), store.metadata) == []
    ddl: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith(("CREATE", "ALTER", "DROP")):
            ddl.append(statement)

    sa.event.listen(sa.Engine, "before_cursor_execute", seen)
    try:
        again = Store(store_url)
        assert again.latest_id() == store.latest_id()
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", seen)
    assert ddl == []
    store.engine.dispose()
    again.engine.dispose()
