"""Entry point of `streamlit run app.py`: the dashboard's pages and its read-only data API.

Streamlit runs this file as ``__main__`` for every rerun of a page: that draws the shell and the
page (ui/shell.py). `streamlit run` also finds the ``app`` below and serves it with uvicorn,
importing this file as a module: the same server then answers the data API's routes
(/api/..., headcount/api.py) beside the pages, from one process. Both reach the data through
the process's one site (headcount/site.py), found by `ui.server.site` from the
environment and Streamlit's secrets: the pages and the API always read the same store. Every
response says who may frame it (headcount/framing.py).
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
    from ui.server import site

    # Only embed views may be framed by other sites (headcount/framing.py).
    app = st.App(__file__, routes=routes(site), middleware=[Middleware(FramingPolicy)])
