"""Templates of any size for `gdindex init`: sizes checked, ids kept, pillars even."""

from __future__ import annotations

import pytest

from gdindex.errors import GdindexError
from gdindex.io.template import generic_tail, generic_value, layout


def test_default_is_the_hand_written_template() -> None:
    assert layout() is None


def test_sizes_and_ids() -> None:
    lay = layout(units=12, indicators=10, pillars=3)

    assert lay is not None
    assert len(lay.units) == 12 and lay.units[0].id == "U01"
    assert lay.indicators[0] == "ind01" and len(lay.indicators) == 10
    tail = generic_tail(lay)
    assert tail.count("    - id: pillar") == 3 and "ind10" in tail

    named = layout(indicators="gdp, rd")
    assert named is not None and named.indicators == ("gdp", "rd")
    assert named.pillars == 2


@pytest.mark.parametrize(
    ("kwargs", "said"),
    [
        ({"units": 1}, "only 1 unit: a ranking needs two"),
        ({"indicators": 0}, "no indicators"),
        ({"indicators": ["a", "a", "b", "b"]}, "ids given twice: a, b"),
        ({"pillars": 9}, "9 pillars for"),
    ],
)
def test_bad_sizes(kwargs: dict[str, object], said: str) -> None:
    with pytest.raises(GdindexError) as info:
        layout(**kwargs)  # type: ignore[arg-type]

    [issue] = info.value.issues  # no follow-on --pillars problem
    assert said in issue.message
    assert str(info.value).startswith("cannot make the template: ")


def test_values_order_units_differently_and_grow() -> None:
    first = [generic_value(0, u, 0, 5) for u in range(5)]
    second = [generic_value(1, u, 0, 5) for u in range(5)]

    assert first != second and len(set(first)) == 5
    assert float(generic_value(0, 0, 1, 5)) > float(generic_value(0, 0, 0, 5))
