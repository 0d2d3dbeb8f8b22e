"""The one settings object: what each environment variable sets, and what a bad value gives."""

from __future__ import annotations

from pathlib import Path

from headcount.settings import ROOT, from_environment


def test_nothing_configured_is_the_embedded_store_and_the_shipped_data() -> None:
    settings = from_environment({})
    assert settings.store_url == f"sqlite:///{ROOT / 'var' / 'headcount.sqlite'}"
    assert settings.store_is_default
    assert settings.curated_dir == ROOT / "data" / "curated"
    assert settings.max_upload_mb == 200.0
    assert settings.sqlite_busy_seconds == 60.0


def test_each_variable_sets_its_setting() -> None:
    settings = from_environment(
        {
            "HEADCOUNT_STORE_URL": "postgresql+psycopg://db/headcount",
            "HEADCOUNT_CURATED_DIR": "/srv/curated",
            "HEADCOUNT_MAX_UPLOAD_MB": "5",
            "HEADCOUNT_SQLITE_BUSY_SECONDS": "2.5",
        }
    )
    assert settings.store_url == "postgresql+psycopg://db/headcount"
    assert not settings.store_is_default
    assert settings.curated_dir == Path("/srv/curated")
    assert settings.max_upload_mb == 5.0
    assert settings.sqlite_busy_seconds == 2.5


def test_a_number_that_is_not_one_falls_back_to_the_default() -> None:
    settings = from_environment(
        {"HEADCOUNT_MAX_UPLOAD_MB": "lots", "HEADCOUNT_SQLITE_BUSY_SECONDS": ""}
    )
    assert settings.max_upload_mb == 200.0
    assert settings.sqlite_busy_seconds == 60.0
