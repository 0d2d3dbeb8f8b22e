"""Who may publish. With [auth] in secrets: signed-in users whose e-mail or domain is listed
under [analysts]. Without it: only a client on this machine (loopback). Nobody in an embed
view, the only kind of page other sites may frame."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import streamlit as st

HOW_TO_CONFIGURE = (
    "To let analysts publish from other machines, configure sign-in: add an [auth] section "
    "(redirect_uri, cookie_secret, client_id, client_secret, server_metadata_url) and an "
    "[analysts] section (emails = [...] and/or domains = [...]) to .streamlit/secrets.toml, "
    "as the README describes."
)


@dataclass(frozen=True)
class Access:
    allowed: bool
    who: str
    reason: str
    sign_in: bool = False  # offering a sign-in button would help


def _secrets(section: str) -> Mapping[str, object]:
    try:
        value = st.secrets.get(section)
    except FileNotFoundError:
        return {}
    return value if isinstance(value, Mapping) else {}


def sign_in_configured() -> bool:
    return bool(_secrets("auth"))


# Headers that only a proxy, load balancer or CDN adds. Any of them means the browser is
# somewhere else, even though the connection comes from this machine.
PROXY_HEADERS = frozenset(
    {
        "forwarded",
        "via",
        "x-real-ip",
        "x-client-ip",
        "x-cluster-client-ip",
        "x-original-forwarded-for",
        "x-originating-ip",
        "x-remote-ip",
        "x-remote-addr",
        "x-proxyuser-ip",
        "client-ip",
        "true-client-ip",
        "cf-connecting-ip",
        "cf-connecting-ipv6",
        "fastly-client-ip",
        "akamai-origin-hop",
        "forwarded-for",
        "x-host",
        "x-coming-from",
        "coming-from",
        "incap-client-ip",
        "proxy-client-ip",
        "wl-proxy-client-ip",
        "x-cloud-trace-context",  # Google's load balancers
    }
)
# Families of them (issue 25.10 found Forwarded-For, X-ARR-ClientIP, Fly-Client-IP and
# X-Original-Host missing): Azure's ARR and Front Door, Fly.io, Vercel, Netlify, CloudFront,
# Akamai, Fastly, Sucuri, and the generic original-/proxy-/client- names.
PROXY_PREFIXES = (
    "x-forwarded",
    "x-envoy-",
    "x-amzn-",
    "cf-",
    "x-appengine-",
    "x-arr-",
    "x-azure-",
    "x-fd-",
    "fly-",
    "x-original-",
    "x-vercel-",
    "x-nf-",
    "cloudfront-",
    "akamai-",
    "x-akamai-",
    "fastly-",
    "x-sucuri-",
    "x-proxy",
    "x-remote-",
    "x-client-",
    "x-real-",
    "x-cluster-",
)
LOOPBACK_NAMES = frozenset({"localhost"})
LISTEN_ON_LOOPBACK = (
    "Publishing without sign-in needs a server that only this machine can reach: this one "
    "listens on {where}. Restart it with --server.address 127.0.0.1 and open "
    "http://localhost:{port} or http://127.0.0.1:{port}."
)


def is_loopback(address: str | None) -> bool:
    """127.0.0.0/8 or ::1, also in the IPv4-mapped form (::ffff:127.0.0.1) a dual-stack
    server reports, which Python 3.11 does not call loopback; "localhost" by name only."""
    if not address:
        return False
    text = address.strip().lower()
    if text in LOOPBACK_NAMES:
        return True
    try:
        parsed = ipaddress.ip_address(text.removeprefix("[").removesuffix("]"))
    except ValueError:
        return False
    mapped = getattr(parsed, "ipv4_mapped", None)
    return (mapped or parsed).is_loopback


def _host_and_port(value: str) -> tuple[str, int | None]:
    """ "localhost:8501" -> ("localhost", 8501); "[::1]:8501" -> ("::1", 8501)."""
    parsed = urlsplit(f"//{value.strip()}")
    try:
        return parsed.hostname or "", parsed.port
    except ValueError:  # a port that is not a number
        return "", None


def _server_port() -> int:
    return int(st.get_option("server.port"))


def server_on_loopback() -> bool:
    """The server accepts connections only from this machine (server.address)."""
    return is_loopback(str(st.get_option("server.address") or ""))


def proxied(headers: Mapping[str, str]) -> bool:
    """Any header that a proxy, load balancer or CDN adds."""
    return any(
        name.lower() in PROXY_HEADERS or name.lower().startswith(PROXY_PREFIXES) for name in headers
    )


def _loopback_with_port(host: str | None, port: int | None, server_port: int) -> bool:
    return is_loopback(host) and port == server_port


def local_request(
    headers: Mapping[str, str], peer: str | None, server_address: str, server_port: int
) -> bool:
    """A browser on this machine talking to a server only this machine can reach.

    Every part must hold, so none has to be trusted alone: the server listens on loopback
    (the default `streamlit run` listens on all interfaces, where anyone may connect); the
    connection comes from loopback (``peer`` None is how Streamlit reports it); the Host header
    names this machine by a loopback name or address with the server's own port (a name such
    as evil.example resolving to 127.0.0.1, DNS rebinding, or a TCP forwarder on this machine,
    which a remote browser reaches under another name or port, all fail this); the Origin,
    if the browser sends one, is the same; and no proxy, load balancer or CDN header."""
    if not is_loopback(server_address) or proxied(headers):
        return False
    if peer is not None and not is_loopback(peer):
        return False
    lower = {name.lower(): value for name, value in headers.items()}
    if not _loopback_with_port(*_host_and_port(lower.get("host", "")), server_port):
        return False
    origin = lower.get("origin")
    if origin is None:
        return True
    parsed = urlsplit(origin)
    try:
        origin_port = parsed.port or {"http": 80, "https": 443}.get(parsed.scheme)
    except ValueError:  # a port that is not a number
        return False
    return _loopback_with_port(parsed.hostname, origin_port, server_port)


def _is_local_client() -> bool:
    return local_request(
        st.context.headers or {},
        st.context.ip_address,
        str(st.get_option("server.address") or ""),
        _server_port(),
    )


def _refusal() -> str:
    peer = st.context.ip_address
    if not server_on_loopback() and (peer is None or is_loopback(peer)):
        # This machine's own browser, refused only because of how the server was started.
        where = str(st.get_option("server.address") or "all network interfaces")
        if where in ("0.0.0.0", "::"):
            where = "all network interfaces"
        return LISTEN_ON_LOOPBACK.format(where=where, port=_server_port()) + " " + HOW_TO_CONFIGURE
    return f"Sign-in is not configured, so only this machine may publish. {HOW_TO_CONFIGURE}"


def _listed(setting: object) -> list[object]:
    """A secrets list (emails, domains); a single string is one entry, anything else none."""
    if isinstance(setting, str):
        return [setting]
    if isinstance(setting, list | tuple):
        return list(setting)
    return []


ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _folded(text: str) -> str:
    """ASCII letters in lower case, every other character as it is: Unicode's case rules would
    turn a Kelvin sign into "k" and another address into the analyst's (issue 25.8)."""
    return text.strip().translate(ASCII_LOWER)


def is_analyst(email: str, analysts: Mapping[str, object]) -> bool:
    email = _folded(email)
    emails = {_folded(str(e)) for e in _listed(analysts.get("emails"))}
    domains = {_folded(str(d)).lstrip("@") for d in _listed(analysts.get("domains"))}
    return email in emails or ("@" in email and email.rsplit("@", 1)[1] in domains)


def email_verified(claim: object) -> bool:
    """The OIDC `email_verified` claim: true only when the provider says so. Absent, false or
    anything else is unverified (some providers send the string "true")."""
    return claim is True or (isinstance(claim, str) and claim.strip().lower() == "true")


EMBEDDED = (
    "This page is open as an embedded view (its address has embed=true), which other sites may "
    "show in a frame of theirs, so nothing can be published or rolled back here. Open the page "
    "without embed=true to publish."
)


def analyst() -> Access:
    if st.context.is_embedded:
        # Other sites may frame an embed view (headcount/framing.py): a click there may be
        # someone else's lure, so no role counts, whoever is signed in (issue 25.3).
        return Access(False, "", EMBEDDED)
    if sign_in_configured():
        if not st.user.get("is_logged_in", False):
            return Access(False, "", "Sign in to publish.", sign_in=True)
        email = str(st.user.get("email") or "")
        if not email_verified(st.user.get("email_verified")):
            # Otherwise anyone could register an address of an analysts' domain with a
            # provider that does not check it, and publish as that domain.
            return Access(
                False,
                email,
                f"Signed in as {email}, but the sign-in provider does not say this e-mail "
                "address is verified, so it may not publish. Verify the address with the "
                "provider, then sign out and in again.",
            )
        if is_analyst(email, _secrets("analysts")):
            return Access(True, email, f"Signed in as {email} (analyst).")
        return Access(False, email, f"Signed in as {email}, which is not on the analysts list.")
    if _is_local_client():
        return Access(
            True, "local analyst", "Publishing from this machine (no sign-in configured)."
        )
    return Access(False, "", _refusal())


def viewing_requires_sign_in() -> bool:
    return bool(_secrets("access").get("require_sign_in", False))
