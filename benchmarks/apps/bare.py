"""The floor for page benchmarks: a bare Streamlit page with one Plotly chart of the size of
the arc chart (BENCH_TRACES traces, BENCH_POINTS points in all) and a company switch."""

from __future__ import annotations

import os

import numpy as np
import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="bare", layout="wide")
traces = int(os.environ.get("BENCH_TRACES", "1"))
points = int(os.environ.get("BENCH_POINTS", "100"))
with st.sidebar:
    company = st.selectbox("Company", ["Company A", "Company B"])
rng = np.random.default_rng(0 if company == "Company A" else 1)
per_trace = max(1, points // traces)
figure = go.Figure(
    [
        go.Scatter(x=np.arange(per_trace), y=rng.normal(size=per_trace), mode="lines+markers")
        for _ in range(traces)
    ]
)
st.plotly_chart(figure)
