"""Publishing without sign-in, through the real server and Chromium (issue 12.3): only a
browser on this machine, talking to a server that only this machine can reach, by a loopback
name, with no proxy in between."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from harness import AppServer, chromium_path, free_port
from headcount.settings import ROOT
from headcount.store import STORE_ENV
from ui.access import is_loopback, local_request

pytestmark = pytest.mark.browser
LOCAL = "Publishing from this machine"
REFUSED = "only this machine may publish"
ALL_INTERFACES = "listens on all network interfaces"


PORT = 8501
BROWSER = {"Host": f"localhost:{PORT}", "Origin": f"http://localhost:{PORT}"}


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.1", True),
        ("::1", True),
        ("[::1]", True),
        ("::ffff:127.0.0.1", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("0.0.0.0", False),
        ("::", False),
        ("::ffff:10.0.0.1", False),
        ("10.0.0.1", False),
        ("localhost.evil.example", False),
        ("evil.example", False),
        ("", False),
        (None, False),
    ],
)
def test_what_counts_as_loopback(address, loopback):
    assert is_loopback(address) is loopback


@pytest.mark.parametrize(
    ("change", "local"),
    [
        ({}, True),
        ({"Host": f"127.0.0.1:{PORT}", "Origin": f"http://127.0.0.1:{PORT}"}, True),
        ({"Host": f"[::1]:{PORT}", "Origin": None}, True),
        ({"Host": f"evil.example:{PORT}"}, False),
        ({"Host": "localhost"}, False),  # no port: not how a browser reaches this server
        ({"Host": "localhost:9000"}, False),  # a forwarder's port
        ({"Host": ""}, False),
        ({"Origin": f"http://evil.example:{PORT}"}, False),
        ({"Origin": "http://localhost:9000"}, False),
        ({"Origin": "null"}, False),
        ({"Via": "1.1 proxy"}, False),
        ({"X-Forwarded-Proto": "https"}, False),
        ({"x-forwarded-for": "203.0.113.9"}, False),
        ({"Forwarded": "for=203.0.113.9"}, False),
        ({"X-Real-IP": "203.0.113.9"}, False),
        ({"CF-Ray": "8a1b"}, False),
        ({"Fastly-Client-IP": "203.0.113.9"}, False),
    ],
)
def test_a_request_is_local_only_when_every_part_says_so(change, local):
    headers = {**BROWSER, **change}
    headers = {name: value for name, value in headers.items() if value is not None}
    assert local_request(headers, None, "127.0.0.1", PORT) is local


@pytest.mark.parametrize(
    "header",
    [
        "Forwarded-For",
        "X-ARR-ClientIP",
        "X-ARR-SSL",
        "Fly-Client-IP",
        "X-Original-Host",
        "X-Original-URL",
        "X-Azure-ClientIP",
        "X-Vercel-Forwarded-For",
        "X-NF-Client-Connection-IP",
        "CloudFront-Viewer-Address",
        "X-Sucuri-ClientIP",
        "Incap-Client-IP",
        "WL-Proxy-Client-IP",
        "Proxy-Client-IP",
        "X-Host",
        "X-ProxyUser-Ip",
        "Akamai-Client-IP",
    ],
)
def test_headers_of_other_proxies_and_hosts_mean_the_browser_is_elsewhere(header):
    # Issue 25.10: headers that proxies and hosts add, which the first list missed.
    assert local_request({**BROWSER, header: "203.0.113.9"}, None, "127.0.0.1", PORT) is False


@pytest.mark.parametrize(
    ("peer", "server", "local"),
    [
        (None, "127.0.0.1", True),
        ("::ffff:127.0.0.1", "localhost", True),
        ("203.0.113.9", "127.0.0.1", False),
        (None, "0.0.0.0", False),
        (None, "", False),  # unset: Streamlit listens on every interface
        (None, "::", False),
        (None, "unix:///run/app.sock", False),
    ],
)
def test_the_peer_and_the_server_address_must_both_be_loopback(peer, server, local):
    assert local_request(BROWSER, peer, server, PORT) is local


def upload_page_says(page, url: str) -> str:
    page.goto(url)
    page.locator("[data-testid='stAlert']").first.wait_for(timeout=60_000)
    return page.locator("[data-testid='stMain']").inner_text()


@pytest.fixture(scope="module")
def everywhere(tmp_path_factory) -> Iterator[AppServer]:
    """The server as a bare `streamlit run` starts it: on all interfaces, dual-stack (IPv4
    clients then appear as ::ffff:127.0.0.1)."""
    store = tmp_path_factory.mktemp("everywhere") / "store.sqlite"
    server = AppServer(env={STORE_ENV: f"sqlite:///{store}"}, args=("--server.address", "::"))
    yield server
    server.stop()


class Forwarder:
    """A raw TCP proxy on 127.0.0.1: copies bytes both ways and adds no header, as `socat` or
    an SSH tunnel would. It reaches the server over ::1, the address Streamlit reports as a
    local client."""

    def __init__(self, target_port: int) -> None:
        self.port = free_port()
        self.target_port = target_port
        self.loop = asyncio.new_event_loop()
        started = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(started,), daemon=True)
        self.thread.start()
        assert started.wait(10)

    def _run(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(
            asyncio.start_server(self._client, "127.0.0.1", self.port)
        )
        started.set()
        self.loop.run_forever()
        self.loop.close()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(
            "::1", self.target_port, family=socket.AF_INET6
        )
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _close(self) -> None:
        self.server.close()
        tasks = asyncio.all_tasks() - {asyncio.current_task()}
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def test_localhost_and_127_0_0_1_may_publish_from_a_loopback_server(page, app_server):
    # The harness starts the server as the README does: no flags, loopback from config.toml.
    port = app_server.port
    assert LOCAL in upload_page_says(page, f"http://localhost:{port}/upload")
    assert LOCAL in upload_page_says(page, f"http://127.0.0.1:{port}/upload")


RESOLVED = """
import sys
from harness import CHROMIUM_ARGS
from playwright.sync_api import sync_playwright
path, url = sys.argv[1:]
rule = "--host-resolver-rules=MAP evil.example 127.0.0.1"
with sync_playwright() as playwright:
    chromium = playwright.chromium.launch(executable_path=path, args=[*CHROMIUM_ARGS, rule])
    page = chromium.new_page()
    page.goto(url)
    page.locator("[data-testid='stAlert']").first.wait_for(timeout=60_000)
    print(page.locator("[data-testid='stMain']").inner_text())
    chromium.close()
"""


def test_a_name_that_resolves_to_this_machine_may_not_publish(browser, app_server):
    """A page on evil.example whose name resolves to 127.0.0.1 (DNS rebinding, a hosts-file
    entry) talks to the server with Host: evil.example. The resolver rule needs a Chromium of
    its own, launched in a process of its own (Playwright's sync API runs one per process)."""
    path = chromium_path()
    assert path is not None
    url = f"http://evil.example:{app_server.port}/upload"
    shown = subprocess.run(
        [sys.executable, "-c", RESOLVED, path, url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert "Upload and publish" in shown  # the page did open through that name
    assert LOCAL not in shown
    assert REFUSED in shown


@pytest.mark.parametrize(
    "header",
    [
        {"Forwarded": "for=203.0.113.9"},
        {"CF-Connecting-IP": "203.0.113.9"},
        {"True-Client-IP": "203.0.113.9"},
        {"X-Client-IP": "203.0.113.9"},
        {"X-Forwarded-Host": "dashboard.example"},
    ],
)
def test_any_proxy_header_means_the_browser_is_elsewhere(browser, app_server, header):
    context = browser.new_context(extra_http_headers=header)
    try:
        shown = upload_page_says(context.new_page(), f"{app_server.url}/upload")
    finally:
        context.close()
    assert LOCAL not in shown
    assert REFUSED in shown


def test_this_machine_is_recognised_but_refused_when_the_server_listens_everywhere(
    page, everywhere
):
    shown = upload_page_says(page, f"http://127.0.0.1:{everywhere.port}/upload")
    assert LOCAL not in shown
    # Recognised as this machine (::ffff:127.0.0.1), so told how to start the server instead.
    assert ALL_INTERFACES in shown
    assert "--server.address 127.0.0.1" in shown


def test_a_raw_tcp_proxy_to_a_server_on_all_interfaces_cannot_publish(page, everywhere):
    forwarder = Forwarder(everywhere.port)
    try:
        shown = upload_page_says(page, f"http://127.0.0.1:{forwarder.port}/upload")
    finally:
        forwarder.stop()
    assert LOCAL not in shown
    assert ALL_INTERFACES in shown
