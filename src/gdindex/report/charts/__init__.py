"""Charts of a computed index: Vega-Lite (altair) specs and their static SVG.

- `frames`: what the charts select from a result (names, pillars, groupings,
  ranked units, score rows);
- `placement`: text widths, wrapped labels, scatter labels that do not collide;
- `plots`: the chart of each report section and their shared look;
- `svg`: `to_svg`, byte-stable SVG rendered with vl-convert (imported lazily), and
  `render_into`, which hands a report's charts to `renderer`, a vl-convert process
  beside this one, to render while the report is built.

The modules import each other by their full path; nothing is re-exported here.
"""
