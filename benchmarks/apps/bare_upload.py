"""The floor for the review benchmark (benchmarks/review.py): a bare Streamlit page where the
chosen CSV is read with Polars and shown whole by st.dataframe, nothing checked."""

from __future__ import annotations

import polars as pl
import streamlit as st

st.set_page_config(page_title="bare upload", layout="wide")
upload = st.file_uploader("CSV file")
if upload is not None:
    st.dataframe(pl.read_csv(upload.getvalue()), hide_index=True, width="stretch")
