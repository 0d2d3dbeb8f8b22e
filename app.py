"""Entry point of `streamlit run app.py`: the dashboard's pages and its read-only data API.

Streamlit runs this file as ``__main__`` for every rerun of a page: that draws the shell and the
page (ui/shell.py). `streamlit run` also finds the ``app`` below and serves it with uvicorn,
importing this file as a module: the same server then answers the data API's routes
(/api/..., headcount/api.py) beside the pages, from one process, and every response says
who may frame it (headcount/framing.py).
"""

from __future__ import annotations

import streamlit as st

if __name__ == "__main__":
    from ui.shell import run

    run()
else:
    from starlette.middleware import Middleware

    from headcount.api import routes
    from headcount.framing import FramingPolicy

    # Only embed views may be framed by other sites (headcount/framing.py).
    app = st.App(__file__, routes=routes(), middleware=[Middleware(FramingPolicy)])
