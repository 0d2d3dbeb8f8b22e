"""The peer for upload validation: the same checks written the way a pandas user would, with
pandas and Pandera's pandas backend.

It reads every cell as text, parses dates and numbers by the same rules, runs a Pandera schema
with the same column checks, then the cross-table rules (units per metric, unique keys,
sources that resolve, no future dates), and returns one problem frame with the file line of
each problem. It exists only to be timed beside ``validation``; the app never uses it.
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pandera.pandas as pa

from validation import models, vocabulary
from validation.parse import PLAIN_NUMBER

PLAIN_TEXT = ("company", "basis", "source_id", "note")
KEY = ["company", "metric", "date", "basis", "source_id"]


def _schema() -> pa.DataFrameSchema:
    plain = pa.Check(lambda s: ~s.str.contains(models.MARKUP, regex=True), name="plain_text")
    return pa.DataFrameSchema(
        {
            "company": pa.Column(str, plain),
            "metric": pa.Column(str, pa.Check.isin(vocabulary.METRICS)),
            "date": pa.Column("datetime64[ns]"),
            "period": pa.Column(str, pa.Check.isin(vocabulary.PERIODS)),
            "value": pa.Column(
                float,
                [
                    pa.Check.ge(0),
                    pa.Check.le(models.MAX_VALUE),
                    pa.Check(lambda s: pd.Series(pd.notna(s) & (s.abs() != float("inf")))),
                ],
            ),
            "unit": pa.Column(str, pa.Check.isin(models.ALL_UNITS)),
            "basis": pa.Column(str, plain),
            "claim_type": pa.Column(str, pa.Check.isin(vocabulary.CLAIM_TYPES)),
            "source_id": pa.Column(str, plain),
            "note": pa.Column(str, plain, nullable=True),
        }
    )


SCHEMA = _schema()


def validate(name: str, data: bytes, sources: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """Problems in an observations upload: file, line, column, value, problem."""
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    frame = frame.apply(lambda column: column.str.strip()).replace("", None)
    frame["_line"] = range(2, len(frame) + 2)
    found: list[pd.DataFrame] = []

    dates = pd.to_datetime(frame["date"], format="%Y-%m-%d", errors="coerce")
    bad_dates = frame["date"].notna() & dates.isna()
    found.append(_problems(name, frame[bad_dates], "date", "not a valid date"))
    plain = frame["value"].str.fullmatch(PLAIN_NUMBER.strip("^$")).fillna(False).astype(bool)
    bad_numbers = frame["value"].notna() & ~plain
    found.append(_problems(name, frame[bad_numbers], "value", "not a plain number"))
    typed = frame.assign(date=dates, value=pd.to_numeric(frame["value"].where(plain)))

    try:
        SCHEMA.validate(typed.drop(columns="_line"), lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases.dropna(subset=["index"])
        cases = cases[~cases["check"].isin(["not_nullable"]) | cases["failure_case"].notna()]
        lines = typed["_line"].reindex(cases["index"].astype(int)).to_numpy()
        found.append(
            pd.DataFrame(
                {
                    "file": name,
                    "line": lines,
                    "column": cases["column"].to_numpy(),
                    "value": cases["failure_case"].astype(str).to_numpy(),
                    "problem": cases["check"].astype(str).to_numpy(),
                }
            )
        )

    allowed = {(m, u) for m, units in vocabulary.METRIC_UNITS.items() for u in units}
    pairs = pd.Series(list(zip(typed["metric"], typed["unit"], strict=True)), index=typed.index)
    known = typed["metric"].isin(vocabulary.METRICS) & typed["unit"].isin(models.ALL_UNITS)
    found.append(_problems(name, typed[known & ~pairs.isin(allowed)], "unit", "unit not allowed"))

    keyed = typed.dropna(subset=KEY)
    found.append(
        _problems(name, keyed[keyed.duplicated(subset=KEY, keep="first")], KEY[-1], "duplicate")
    )
    dangling = typed["source_id"].notna() & ~typed["source_id"].isin(sources["source_id"])
    found.append(_problems(name, typed[dangling], "source_id", "unknown source"))
    future = (typed["date"] > pd.Timestamp(today)) & (typed["claim_type"] != "target")
    found.append(_problems(name, typed[future], "date", "date in the future"))
    return pd.concat(found, ignore_index=True)


def _problems(name: str, rows: pd.DataFrame, column: str, problem: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "file": name,
            "line": rows["_line"].to_numpy(),
            "column": column,
            "value": rows[column].astype(str).to_numpy(),
            "problem": problem,
        }
    )
