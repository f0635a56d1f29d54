"""Text on charts: widths, wrapped labels, labels that do not collide."""

from __future__ import annotations

from gdindex.report.charts import placement


def test_place_labels_avoids_overlaps() -> None:
    # Ten points packed in a 40 px square: every label must still get its own box.
    points = [
        (100.0 + (i % 5) * 8, 100.0 + (i // 5) * 8, f"城市{i}") for i in range(10)
    ]

    placed = placement.place_labels(points, 400.0, 300.0, size=11.0)

    boxes = [
        (x, y - 6.6, x + placement.text_width(t, 11.0), y + 6.6)
        for (x, y, _, _), (_, _, t) in zip(placed, points, strict=True)
    ]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap_w = min(a[2], b[2]) - max(a[0], b[0])
            overlap_h = min(a[3], b[3]) - max(a[1], b[1])
            assert overlap_w <= 0 or overlap_h <= 0
    assert any(moved for *_, moved in placed)  # some needed a leader line


def test_place_labels_puts_a_lone_label_right_of_its_point() -> None:
    [(x, y, align, moved)] = placement.place_labels([(50.0, 50.0, "A")], 200, 100)

    assert x > 50 and y == 50 and align == "left" and not moved


def test_text_width_counts_cjk_as_full_width() -> None:
    assert placement.text_width("深圳", 10) == 20
    assert 0 < placement.text_width("ab", 10) < 20


def test_wrap_label_breaks_at_spaces_within_the_width() -> None:
    assert placement.wrap_label("Innovation & entrepreneurship", 80) == (
        "Innovation &\nentrepreneurship"
    )
    assert placement.wrap_label("基础", 10) == "基础"  # no spaces: never broken
    assert "\\n" in placement.MULTILINE and placement.MULTILINE.startswith("split(")


def test_two_almost_equal_points_get_separate_labels() -> None:
    # 清远 and 韶关: almost the same score and growth
    pts = [(300.0, 200.0, "清远"), (299.0, 201.5, "韶关"), (240.0, 201.0, "揭阳")]

    placed = placement.place_labels(pts, 820, 480, 11.5)

    h = 11.5 * 1.2
    boxes = [
        (x, y - h / 2, x + placement.text_width(t, 11.5), y + h / 2)
        for (x, y, _, _), (_, _, t) in zip(placed, pts, strict=True)
    ]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            w = min(a[2], b[2]) - max(a[0], b[0])
            hh = min(a[3], b[3]) - max(a[1], b[1])
            assert not (w > 0 and hh > 0), (a, b)
