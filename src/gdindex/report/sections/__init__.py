"""The content of the published report, as `gdindex.report.document` blocks: one
module per section family, each a builder of `Section`s from a `View`.

- `formats`: labels in both languages and number formats;
- `view`: `View`, what the sections share, and the figure block of a chart;
- `overview`: method summary and indicator tree; `ranking`: ranked table, ranking
  chart, pillar heatmap; `quadrants`; `trends`; `groups`; `profiles`: unit
  profiles; `notes`: data notes and manifest;
- `assemble`: `report_document`, every section in order.

Nothing here computes the index: the numbers are the result's, selected, sorted and
formatted; the charts come from `gdindex.report.charts`. This package re-exports
`View` and `report_document` for `gdindex.report.publish`.
"""

from gdindex.report.sections.assemble import report_document
from gdindex.report.sections.view import View

__all__ = ["View", "report_document"]
