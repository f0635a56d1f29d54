"""Reading inputs and writing outputs.

Reads the units table and the data tables (CSV in UTF-8, UTF-8 with BOM or
GB18030/GBK; Excel workbooks; Parquet; wide or long form), parses numeric text that
is unambiguous (`1,234.5`, `74.6%`, full-width digits) and reports every cell it
cannot read. Writes result files atomically. It never computes scores.

The modules, bottom up:

- `numeric`: decoding bytes, hashing files, parsing numeric text and periods;
- `headers`: header-row and missing-column checks shared by the readers;
- `excel`: one sheet of a workbook (`fastexcel` is imported lazily);
- `tables`: `read_table` for CSV, Excel and Parquet files; `InputFile`;
- `units`: the units table;
- `datatable`: one `data:` table, wide or long, into indicator columns;
- `dataset`: `Dataset` and `load_data`, aligning every table into arrays;
- `frames`: frames to CSV, Parquet or JSON files (`write_frame(s)`, whole or in
  `row_blocks`), JSON records;
- `write`: `write_set`, `write_atomic` (all files or none) and the output error.

This package re-exports the names the rest of gdindex uses.
"""

from gdindex.io.dataset import Dataset, load_data
from gdindex.io.frames import json_records, row_blocks, write_frame, write_frames
from gdindex.io.numeric import decode, parse_numbers
from gdindex.io.tables import InputFile, read_table
from gdindex.io.write import output_error, write_atomic, write_set

__all__ = [
    "Dataset",
    "InputFile",
    "decode",
    "json_records",
    "load_data",
    "output_error",
    "parse_numbers",
    "read_table",
    "row_blocks",
    "write_atomic",
    "write_frame",
    "write_frames",
    "write_set",
]
