"""Generate the messy Excel sample ``data/samples/guangdong/workbook/indicators.xlsx``.

Run from anywhere::

    .venv/bin/python scripts/make_guangdong_workbook.py

The workbook looks like a table an analyst receives from a statistics office, so
that ``specs/guangdong_workbook.yaml`` can show how ``gdindex`` reads one:

* sheet 1 ``说明`` holds only notes; the data are on sheet 2 ``指标数据``;
* a title row sits above the header; the headers are Chinese, with units in
  brackets, one with a stray trailing space and line break;
* city codes are stored as numbers (440100), years as numbers;
* the resident population is given in persons, as numbers displayed with thousands
  separators, and the 5G base stations as a raw count (座), partly typed as text with
  thousands separators (``"76,879"``): the spec divides the count by the population;
* two rates are typed as text with a percent sign (``"32.71%"``), one column has
  cells typed as text with surrounding spaces, one city's row of another column is
  typed in full-width digits (``"８２．００"``);
* a few cells are empty (holes) and one cell holds ``—`` (not available).

The values are those of the illustrative sample (``indicators.csv`` and
``context.csv`` in ``data/samples/guangdong/``, made by ``make_guangdong_sample.py``);
only the holes (chosen by a seeded generator, ``numpy.random.default_rng(20240601)``)
and the counts (per-10k values times the population, rounded) are new. The workbook's
creation time is fixed, so running the script twice gives byte-identical files.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import xlsxwriter

SEED = 20240601
ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "guangdong"
OUT = SAMPLE / "workbook" / "indicators.xlsx"
CREATED = dt.datetime(2024, 6, 1, 9, 0, 0)

TITLE = "广东省21个地级以上市数字经济主要指标（2021—2023年，示例数据）"
SHEET = "指标数据"

# (header as written in the workbook, indicator id in indicators.csv, how it is typed)
# kinds: number | percent_text (text "32.71%") | spaced_text (text " 29.00 ")
#        | fullwidth_row (numbers, one city typed in full-width digits) | count
COLUMNS = [
    ("5G基站数（座）", "fiveg_bs_per_10k", "count"),
    ("每百人5G套餐用户数（户/百人）", "fiveg_users_per_100", "number"),
    ("千兆宽带用户占比", "gigabit_broadband_share", "percent_text"),
    ("网民普及率（%） \n", "internet_penetration_rate", "number"),
    ("电子信息制造业增加值占工业增加值比重（%）", "ei_mfg_va_share", "number"),
    ("软件业务收入与地区生产总值之比（%）", "software_revenue_to_gdp", "spaced_text"),
    ("每万人高新技术企业数（家/万人）", "high_tech_enterprises_per_10k", "number"),
    ("数字经济领域研发投入强度（%）", "digital_rnd_intensity", "number"),
    ("行政审批事项网上办理率", "gov_approval_online_rate", "percent_text"),
    ("网络购物普及率（%）", "online_shopping_penetration", "fullwidth_row"),
]
FULLWIDTH_CITY = "445100"  # 潮州: its online-shopping row is typed in full-width digits
DASH_CELL = ("441400", 2022, "internet_penetration_rate")  # 梅州 2022: "—"
N_HOLES = 5

NOTES = [
    ["说明"],
    [TITLE],
    [],
    ["数据在工作表“指标数据”中：第1行为标题，第2行为表头，第3行起每行一个城市一年。"],
    [
        "5G基站数为年末累计数（座），常住人口为年末常住人口（人）；计算指数时按每万人折算。"
    ],
    ["空白单元格表示未获取到数据；“—”表示该年度不适用或未统计。"],
    ["部分单元格为文本格式（如“32.71%”“76,879”），保留了原始填报样式。"],
    [],
    [
        "本工作簿为示例数据，由 scripts/make_guangdong_workbook.py 生成，不代表任何城市的实际情况。"
    ],
    [
        "This workbook is illustrative sample data (see README.md beside it); do not quote."
    ],
]


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _fullwidth(text: str) -> str:
    return text.translate(
        {ord(c): 0xFF10 + int(c) for c in "0123456789"} | {46: 0xFF0E}
    )


def _rows() -> tuple[list[str], list[list[object]]]:
    city_rows = _read(SAMPLE / "cities.csv")
    cities = {c["code"]: c["name_zh"] for c in city_rows}
    prd = {c["code"] for c in city_rows if c["prd"] == "珠三角"}
    context = {(r["city_code"], r["year"]): r for r in _read(SAMPLE / "context.csv")}
    data = _read(SAMPLE / "indicators.csv")
    rng = np.random.default_rng(SEED)
    # holes: distinct (row, column) cells outside the count column and the dash cell
    dash_row = next(
        i
        for i, r in enumerate(data)
        if (r["city_code"], int(r["year"])) == DASH_CELL[:2]
    )
    dash_col = [c[1] for c in COLUMNS].index(DASH_CELL[2])
    candidates = [
        (i, j)
        for i in range(len(data))
        for j in range(1, len(COLUMNS))
        if (i, j) != (dash_row, dash_col)
    ]
    picked = rng.choice(len(candidates), size=N_HOLES, replace=False)
    holes = {candidates[int(k)] for k in picked}

    header = ["城市代码", "城市", "年份", "年末常住人口（人）"] + [
        h for h, _, _ in COLUMNS
    ]
    rows: list[list[object]] = []
    for i, rec in enumerate(data):
        code, year = rec["city_code"], rec["year"]
        pop_wan = float(context[(code, year)]["population_resident"])  # 万人
        row: list[object] = [int(code), cities[code], int(year), round(pop_wan * 10000)]
        for j, (_, ind, kind) in enumerate(COLUMNS):
            text = rec[ind]
            if (i, j) in holes or text == "":
                row.append(None)
            elif (i, j) == (dash_row, dash_col):
                row.append("—")
            elif kind == "count":
                count = round(float(text) * pop_wan)  # per 10k residents × 万人
                # the PRD cities' counts were typed as text with separators
                row.append(f"{count:,}" if code in prd else count)
            elif kind == "percent_text":
                row.append(f"{float(text):.2f}%")
            elif kind == "spaced_text" and i % 4 == 0:
                row.append(f" {float(text):.2f} ")
            elif kind == "fullwidth_row" and code == FULLWIDTH_CITY:
                row.append(_fullwidth(f"{float(text):.2f}"))
            else:
                row.append(float(text))
        rows.append(row)
    return header, rows


def write(path: Path = OUT) -> None:
    """Write the workbook to `path`."""
    header, rows = _rows()
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path))
    book.set_properties(
        {
            "title": TITLE,
            "author": "gdindex sample generator",
            "comments": "Illustrative sample data",
            "created": CREATED,
        }
    )
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    title = book.add_format({"bold": True, "font_size": 14})
    thousands = book.add_format({"num_format": "#,##0"})

    notes = book.add_worksheet("说明")
    notes.set_column(0, 0, 90)
    for r, line in enumerate(NOTES):
        for c, value in enumerate(line):
            notes.write_string(r, c, value, title if r == 0 else None)

    sheet = book.add_worksheet(SHEET)
    sheet.merge_range(0, 0, 0, len(header) - 1, TITLE, title)
    sheet.set_row(1, 48)
    sheet.set_column(0, 2, 10)
    sheet.set_column(3, len(header) - 1, 16)
    sheet.freeze_panes(2, 3)
    for c, name in enumerate(header):
        sheet.write_string(1, c, name, bold)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            elif c == 3:
                sheet.write_number(r, c, value, thousands)
            else:
                sheet.write_number(r, c, value)
    book.close()
    print(f"wrote {len(rows)} rows × {len(header)} columns to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    write()
