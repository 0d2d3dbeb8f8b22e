"""Sign-in end to end: a real OIDC provider on loopback (oidc-provider-mock), the app with an
[auth] section and an analysts list, and Chromium clicking through the provider's login page.
An analyst can publish; a signed-in non-analyst cannot, nor can an address of the analysts'
domain that the provider has not verified."""

from __future__ import annotations

import pytest

from harness import wait_for_run
from headcount.store import STORE_ENV
from tests.conftest import ARTIFACTS, AppServer, free_port
from tests.csvtools import with_cell

pytestmark = pytest.mark.browser
UPLOAD = '[data-testid="stFileUploader"] input[type="file"]'
ANALYST, OUTSIDER = "ana@example.org", "eve@example.com"
# Of the analysts' domain, but the provider says (or does not say) the address is unverified.
UNVERIFIED, UNSTATED = "mallory@example.org", "trent@example.org"


@pytest.fixture(scope="module")
def provider():
    from oidc_provider_mock import User, run_server_in_thread

    users = [
        User(sub=email, claims={"email": email, "name": email, "email_verified": True})
        for email in (ANALYST, OUTSIDER)
    ]
    users.append(
        User(sub=UNVERIFIED, claims={"email": UNVERIFIED, "name": "m", "email_verified": False})
    )
    users.append(User(sub=UNSTATED, claims={"email": UNSTATED, "name": "t"}))
    with run_server_in_thread(port=free_port(), user_claims=users) as server:
        yield f"http://127.0.0.1:{server.server_port}"


@pytest.fixture(scope="module")
def signed_server(provider, tmp_path_factory, browser):
    folder = tmp_path_factory.mktemp("signin")
    port = free_port()
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "test-only-cookie-secret-0123456789"\n'
        'client_id = "headcount-dashboard"\n'
        'client_secret = "test-only-client-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
        "\n[analysts]\n"
        f'emails = ["{ANALYST}"]\n'
        'domains = ["example.org"]\n',
        encoding="utf-8",
    )
    server = AppServer(
        env={
            STORE_ENV: f"sqlite:///{folder / 'store.sqlite'}",
            "AUTHLIB_INSECURE_TRANSPORT": "1",  # the provider speaks plain http on loopback
        },
        args=("--secrets.files", str(secrets)),
        port=port,
    )
    yield server
    server.stop()


def sign_in(browser, server: AppServer, email: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{server.url}/upload")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name=email).click()  # the provider's predefined-user button
    page.wait_for_url(f"{server.url}/**", timeout=60_000)
    page.goto(f"{server.url}/upload")
    page.get_by_text(f"Signed in as {email}").wait_for(timeout=60_000)
    return context, page


def upload_change(page, tmp_path, value: str) -> None:
    data, _ = with_cell("observations", 3, "value", value)
    path = tmp_path / "observations.csv"
    path.write_bytes(data)
    page.locator(UPLOAD).set_input_files(str(path))
    page.get_by_text("What changes against revision").wait_for(timeout=60_000)
    page.get_by_label("Note for the revision (required)").fill("signed-in change")
    page.get_by_label("Note for the revision (required)").press("Enter")


def test_signed_out_visitor_is_asked_to_sign_in(browser, signed_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{signed_server.url}/upload")
    page.get_by_text("Sign in to publish.").wait_for(timeout=60_000)
    page.get_by_role("button", name="Sign in").wait_for(timeout=30_000)
    context.close()


def test_signed_in_outsider_cannot_publish_or_have_files_checked(browser, signed_server):
    context, page = sign_in(browser, signed_server, OUTSIDER)
    page.get_by_text("not on the analysts list").wait_for(timeout=30_000)
    page.get_by_text("Checking and publishing files needs the analyst role").wait_for(
        timeout=30_000
    )
    assert page.locator(UPLOAD).count() == 0
    page.screenshot(path=str(ARTIFACTS / "sign-in-outsider.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("email", [UNVERIFIED, UNSTATED])
def test_an_unverified_address_of_the_analysts_domain_cannot_publish(browser, signed_server, email):
    context, page = sign_in(browser, signed_server, email)
    page.get_by_text("does not say this e-mail address is verified").wait_for(timeout=30_000)
    # Not an analyst, so no file is even checked (issue 12.2): nothing to publish from.
    page.get_by_text("Checking and publishing files needs the analyst role").wait_for(
        timeout=30_000
    )
    assert page.locator(UPLOAD).count() == 0
    context.close()


def test_signed_in_analyst_publishes_under_their_name(browser, signed_server, tmp_path):
    context, page = sign_in(browser, signed_server, ANALYST)
    page.get_by_text(f"Signed in as {ANALYST} (analyst)").wait_for(timeout=30_000)
    upload_change(page, tmp_path, "4002")
    page.get_by_text("I have checked these warnings").click()  # 4002 is in no quote
    page.get_by_role("button", name="Publish revision 2").click()
    page.get_by_text("Published revision 2").wait_for(timeout=60_000)
    page.goto(f"{signed_server.url}/history")
    # The grid draws on a canvas; its accessible cells are attached but not "visible".
    page.locator("td", has_text=ANALYST).first.wait_for(state="attached", timeout=60_000)
    context.close()


SECRETS = ("test-only-cookie-secret-0123456789", "test-only-client-secret")


def test_no_secret_or_token_reaches_a_page_or_the_log(browser, signed_server):
    context, page = sign_in(browser, signed_server, ANALYST)
    cookies = [c["value"] for c in context.cookies() if len(c["value"]) > 20]
    seen = []
    for path in ("", "explorer", "sources", "upload", "history"):
        page.goto(f"{signed_server.url}/{path}")
        page.locator("[data-testid='stMain']").wait_for(timeout=60_000)
        wait_for_run(page)  # the whole page, as its run left it
        seen.append(page.content())
    context.close()
    log = signed_server.log.read_text(errors="replace")
    for text in (*seen, log):
        for secret in (*SECRETS, *cookies):
            assert secret not in text
        assert "eyJ" not in text  # no JSON web token (id or access token) in clear
