"""The controlled vocabulary of the data contract: metrics, units, periods, claim types, kinds.

Adding a metric to the catalogue means adding it here with the units it may be given in;
validation, templates and pages all read this one place.
"""

from __future__ import annotations

CURRENCIES: tuple[str, ...] = ("USD", "SEK", "EUR")

METRIC_UNITS: dict[str, tuple[str, ...]] = {
    "headcount": ("employees", "fte"),
    "ai_workload_fte": ("fte",),
    "revenue": CURRENCIES,
    "revenue_per_employee": tuple(f"{currency}/employee" for currency in CURRENCIES),
    "valuation": CURRENCIES,
}
METRICS: tuple[str, ...] = tuple(METRIC_UNITS)

METRIC_LABELS: dict[str, str] = {
    "headcount": "Headcount",
    "ai_workload_fte": "AI workload (FTE)",
    "revenue": "Revenue",
    "revenue_per_employee": "Revenue per employee",
    "valuation": "Valuation",
}

PERIODS: tuple[str, ...] = ("instant", "quarter", "half_year", "year", "trailing_12m")

CLAIM_TYPES: tuple[str, ...] = (
    "filing",
    "company_report",
    "executive_statement",
    "press_estimate",
    "analyst_estimate",
    "target",
)

EVENT_KINDS: tuple[str, ...] = (
    "hiring_freeze",
    "layoff",
    "ai_deployment",
    "rehiring",
    "funding_round",
    "ipo",
    "tooling_change",
    "target_announced",
    "other",
)

RELIABILITY: tuple[str, ...] = ("primary", "secondary", "low")

URL_SCHEMES: tuple[str, ...] = ("http", "https")
