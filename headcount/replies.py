"""An answer of the data API (headcount/api.py, headcount/feeds.py) before it becomes an HTTP
response: kept apart so that both build answers without importing each other."""

from __future__ import annotations

import json
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    media_type: str
    headers: dict[str, str] = field(default_factory=dict)


def refuse(message: str, status: int = 400) -> Reply:
    """A refusal as JSON that says what is wrong: ``{"error": ...}``."""
    body = json.dumps({"error": message}, ensure_ascii=False).encode("utf-8")
    return Reply(status, body, "application/json")
