"""Who may publish. With [auth] in secrets: signed-in users whose e-mail or domain is listed
under [analysts]. Without it: only a client on this machine (loopback)."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass

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


PROXY_HEADERS = ("X-Forwarded-For", "X-Real-Ip", "Forwarded")


def _is_local_client() -> bool:
    """A browser on this machine. Streamlit reports loopback clients as ip_address None; a
    request that came through a reverse proxy is never local, even though the proxy itself
    connects from loopback."""
    headers = st.context.headers or {}
    if any(headers.get(name) for name in PROXY_HEADERS):
        return False
    address = st.context.ip_address
    if address is None:
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def is_analyst(email: str, analysts: Mapping[str, object]) -> bool:
    email = email.strip().lower()
    emails = {str(e).strip().lower() for e in analysts.get("emails", []) or []}  # type: ignore[union-attr]
    domains = {str(d).strip().lower().lstrip("@") for d in analysts.get("domains", []) or []}  # type: ignore[union-attr]
    return email in emails or ("@" in email and email.rsplit("@", 1)[1] in domains)


def analyst() -> Access:
    if sign_in_configured():
        if not st.user.get("is_logged_in", False):
            return Access(False, "", "Sign in to publish.", sign_in=True)
        email = str(st.user.get("email") or "")
        if is_analyst(email, _secrets("analysts")):
            return Access(True, email, f"Signed in as {email} (analyst).")
        return Access(False, email, f"Signed in as {email}, which is not on the analysts list.")
    if _is_local_client():
        return Access(
            True, "local analyst", "Publishing from this machine (no sign-in configured)."
        )
    return Access(
        False,
        "",
        f"Sign-in is not configured, so only this machine may publish. {HOW_TO_CONFIGURE}",
    )


def viewing_requires_sign_in() -> bool:
    return bool(_secrets("access").get("require_sign_in", False))
