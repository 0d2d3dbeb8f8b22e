"""Numbers as readers write them: no exponent notation, the sign before the currency symbol,
no '.0' on counts."""

from __future__ import annotations

import pytest

from headcount.formatting import quantity


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (118_000_000, "consumers", "118M consumers"),
        (-273_000_000, "USD", "-$273M"),
        (2_000, "people", "2,000 people"),
        (3_422.0, "employees", "3,422 employees"),
        (853.0, "fte", "853 FTE"),
        (203_000, "USD/employee", "$203k per employee"),
        (45_600_000_000, "USD", "$45.6B"),
    ],
)
def test_quantities_read_as_people_write_them(value, unit, shown):
    assert quantity(value, unit) == shown
