"""Who may show the app's pages in a frame (issue 25.3, clickjacking): the app's own pages, and
anyone for an embed view.

A page on another site that frames /history can lure the local analyst's clicks onto a
rollback. Every response therefore forbids framing by other origins (CSP ``frame-ancestors
'self'``, and ``X-Frame-Options`` for older browsers), except the page of an embed view, whose
address asks for Streamlit's embed mode (``embed=true``). The rule here is Streamlit's client's
own (``isEmbed``: a parameter ``embed`` whose value is ``true``, both in any case): a page that
may be framed is always one the client reports as embedded (``st.context.is_embedded``), and an
embedded page never publishes (ui/access.py). So a framed page never publishes, whatever the
address asks.

Streamlit serves one HTML shell for every page, so the decision is made per request here, in
the ASGI layer, on the query string the browser asked for.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

NOT_FRAMED = {
    "Content-Security-Policy": "frame-ancestors 'self'",
    "X-Frame-Options": "SAMEORIGIN",
}


def embed_view(query_string: str) -> bool:
    """True when a page opened at this query string runs in Streamlit's embed mode."""
    pairs = parse_qsl(query_string, keep_blank_values=True)
    return any(key.lower() == "embed" and value.lower() == "true" for key, value in pairs)


class FramingPolicy:
    """ASGI middleware: adds the headers that forbid framing by other origins to every HTTP
    response but an embed view's."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or embed_view(scope.get("query_string", b"").decode("latin-1")):
            await self.app(scope, receive, send)
            return

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in NOT_FRAMED.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_policy)
