"""The controlled vocabulary of the data contract: metrics, units, periods, claim types, kinds.

Adding a metric to the catalogue means adding it here with the units it may be given in;
validation, templates and pages all read this one place. Every code has its label for people
here too: no page, chart or export shows a code such as ``press_estimate`` as a word.
"""

from __future__ import annotations

CURRENCIES: tuple[str, ...] = ("USD", "SEK", "EUR")

METRIC_UNITS: dict[str, tuple[str, ...]] = {
    "headcount": ("employees", "fte"),
    "ai_workload_fte": ("fte",),
    "revenue": CURRENCIES,
    "revenue_per_employee": tuple(f"{currency}/employee" for currency in CURRENCIES),
    "valuation": CURRENCIES,
    # Net result for the period (profit after tax; a loss is negative).
    "net_income": CURRENCIES,
    # Average pay per employee as the company states it (its basis says what pay includes).
    "compensation_per_employee": tuple(f"{currency}/employee" for currency in CURRENCIES),
    # People working for the company through outsourcing providers, not on its payroll.
    "outsourced_agents": ("people",),
    # Consumers the company counts as active under its own (changing) definition.
    "active_consumers": ("consumers",),
    # Staff of one team or function (a support org), never to be read as the company's total.
    "team_headcount": ("employees",),
    # Roles an executive says AI could replace within a horizon: a forecast, not cuts made.
    "roles_ai_could_replace": ("roles",),
}
METRICS: tuple[str, ...] = tuple(METRIC_UNITS)
# Every unit some metric may be given in (which metric takes which: METRIC_UNITS).
UNITS: tuple[str, ...] = tuple(sorted({u for units in METRIC_UNITS.values() for u in units}))
# Metrics whose values may be below zero (a loss); every other value is a count or an amount.
SIGNED_METRICS: tuple[str, ...] = ("net_income",)

METRIC_LABELS: dict[str, str] = {
    "headcount": "Headcount",
    "ai_workload_fte": "AI workload (FTE)",
    "revenue": "Revenue",
    "revenue_per_employee": "Revenue per employee",
    "valuation": "Valuation",
    "net_income": "Net income (loss)",
    "compensation_per_employee": "Pay per employee",
    "outsourced_agents": "Outsourced agents",
    "active_consumers": "Active consumers",
    "team_headcount": "Team headcount (one function)",
    "roles_ai_could_replace": "Roles AI could replace (forecast)",
}

PERIOD_LABELS: dict[str, str] = {
    "instant": "point in time",
    "quarter": "quarter",
    "half_year": "half year",
    "year": "year",
    "trailing_12m": "trailing 12 months",
    # A ratio the source gives without its window (annual, annualised or trailing): say so.
    "unstated": "period not stated by the source",
}
PERIODS: tuple[str, ...] = tuple(PERIOD_LABELS)

CLAIM_TYPE_LABELS: dict[str, str] = {
    "filing": "filing",
    "company_report": "company report",
    "executive_statement": "executive statement",
    "press_estimate": "press estimate",
    "analyst_estimate": "analyst estimate",
    "target": "target",
}
CLAIM_TYPES: tuple[str, ...] = tuple(CLAIM_TYPE_LABELS)

EVENT_KIND_LABELS: dict[str, str] = {
    "hiring_freeze": "Hiring freeze",
    "layoff": "Layoff",
    "ai_deployment": "AI deployed",
    "rehiring": "Humans back",
    "funding_round": "Funding round",
    "ipo": "IPO",
    "tooling_change": "Tools cut",
    "target_announced": "Target set",
    "other": "Other",
}
EVENT_KINDS: tuple[str, ...] = tuple(EVENT_KIND_LABELS)

# A grade of the source, said in words: "low" alone does not tell a reader what is low.
RELIABILITY_LABELS: dict[str, str] = {
    "primary": "primary source (the company or its filing)",
    "secondary": "secondary source (a news report of it)",
    "low": "low-reliability source (aggregator, blog or unverified summary)",
}
RELIABILITY: tuple[str, ...] = tuple(RELIABILITY_LABELS)

# Why an AI-workforce statement or event is about AI at all: its cause as the source gives it.
# The cited source's quote holds the words that justify the class.
ATTRIBUTION_LABELS: dict[str, str] = {
    "ai_does_work": "AI does the work",
    "ai_named_reason": "AI named as a reason",
    "cuts_fund_ai": "cuts to fund AI",
    "ai_disputed": "AI denied or disputed",
    "forecast": "forecast",
}
ATTRIBUTIONS: tuple[str, ...] = tuple(ATTRIBUTION_LABELS)

# Where a WARN notice can be filed: the states, the District of Columbia and Puerto Rico, by
# their two-letter postal codes (a code is how every state's WARN list names it).
US_STATES: tuple[str, ...] = (
    "AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "HI", "IA", "ID", "IL",
    "IN", "KS", "KY", "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE",
    "NH", "NJ", "NM", "NV", "NY", "OH", "OK", "OR", "PA", "PR", "RI", "SC", "SD", "TN", "TX",
    "UT", "VA", "VT", "WA", "WI", "WV", "WY",
)  # fmt: skip
