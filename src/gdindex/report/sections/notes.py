"""The closing sections: data notes (preparation steps, cell flags, missing values,
warnings) and the manifest (spec and input files with their SHA-256, periods,
overrides; the full manifest as JSON).
"""

from __future__ import annotations

import json
from typing import Any

import polars as pl

from gdindex.report.document import (
    Block,
    Bullets,
    Cell,
    Code,
    Details,
    Para,
    Section,
    Table,
)
from gdindex.report.sections.formats import _t
from gdindex.report.sections.view import View
from gdindex.report.terminal import method_name


def _notes_section(v: View) -> Section:
    r, lang = v.result, v.lang
    blocks: list[Block] = []
    prep = r.preparation
    names = v.names
    nodes = {n.id: n for n in r.nodes}
    if prep.height == 0:
        blocks.append(
            Para(
                "未做数据预处理：没有单元格经过分母折算、插补、筛选或异常值处理。"
                if lang == "zh"
                else "No data preparation: no cell was denominated, imputed, screened "
                "or treated.",
            )
        )
    else:
        rows: list[list[str | Cell]] = []
        for row in prep.iter_rows(named=True):
            where = []
            for cell in (row["where"] or "").split("; "):
                if cell:
                    unit, _, rest = cell.partition(" ")
                    where.append(f"{names.get(unit, unit)} {rest}".strip())
            ind = row["indicator"]
            rows.append(
                [
                    method_name(row["step"], lang),
                    v.node_name(nodes[ind]) if ind in nodes else (ind or "—"),
                    row["method"] or "",
                    row["period"] or "",
                    str(row["cells"]),
                    Cell(
                        "; ".join(where) + (" …" if row["cells"] > len(where) else ""),
                        "wrap",
                    ),
                ]
            )
        blocks.append(
            Table(
                [
                    _t("step", lang),
                    _t("indicator", lang),
                    _t("methods", lang),
                    _t("period", lang),
                    _t("cells", lang),
                    _t("where", lang),
                ],
                rows,
                numeric=[False, False, False, False, True, False],
                caption=_t("preparation", lang),
                cls="wide",
            )
        )
    table = r.indicator_table()
    flags = (
        table.filter(pl.col("flag").is_not_null())
        .with_columns(pl.col("flag").str.split(";"))
        .explode("flag")
        .group_by("flag")
        .agg(cells=pl.len(), indicators=pl.col("indicator").n_unique())
        .sort("flag")
    )
    if flags.height:
        blocks.append(
            Table(
                [_t("flag", lang), _t("cells", lang), _t("indicator", lang)],
                [
                    [f["flag"], str(f["cells"]), str(f["indicators"])]
                    for f in flags.iter_rows(named=True)
                ],
                numeric=[False, True, True],
                caption=_t("flags", lang),
            )
        )
    missing = table.group_by("period", maintain_order=True).agg(
        cells=pl.len(),
        raw=pl.col("raw").is_null().sum(),
        final=pl.col("normalised").is_null().sum(),
    )
    blocks.append(
        Table(
            [
                _t("period", lang),
                "单元格" if lang == "zh" else "Cells",
                "原始缺失" if lang == "zh" else "Missing raw",
                "标准化后缺失" if lang == "zh" else "Missing after normalising",
            ],
            [
                [str(m["period"]), str(m["cells"]), str(m["raw"]), str(m["final"])]
                for m in missing.iter_rows(named=True)
            ],
            numeric=[False, True, True, True],
            caption=_t("missing", lang),
        )
    )
    warnings = [i.in_lang(lang) for i in r.issues if i.severity == "warning"]
    if warnings:
        colon = "：" if lang == "zh" else ": "
        blocks.append(Para(f"{_t('warnings', lang)} ({len(warnings)})", "strong"))
        blocks.append(
            Bullets(
                [
                    f"{i.where}{colon}{i.message}" + (f" — {i.hint}" if i.hint else "")
                    for i in warnings
                ]
            )
        )
    else:
        blocks.append(
            Para(
                "计算过程中没有提示。"
                if lang == "zh"
                else "No warnings were raised while computing."
            )
        )
    return Section("notes", _t("notes", lang), blocks)


def _manifest_section(meta: dict[str, Any], lang: str) -> Section:
    zh = lang == "zh"
    note = (
        "本报告所依据的规格文件、输入文件（含 SHA-256 校验值）与方法；"
        "完整清单见下方 JSON。"
        if zh
        else "The spec and input files (with their SHA-256) and the methods this "
        "report was computed from; the full manifest is the JSON below."
    )
    spec = meta.get("spec", {})
    rows: list[list[str | Cell]] = [
        [Cell("gdindex", "strong"), str(meta.get("gdindex_version", ""))],
        [
            Cell("规格文件" if zh else "Spec", "strong"),
            f"{spec.get('file') or spec.get('id', '')}  "
            f"sha256 {spec.get('sha256', '')}",
        ],
    ]
    for item in meta.get("inputs", []):
        rows.append(
            [
                Cell(f"{'输入' if zh else 'Input'} {item.get('role', '')}", "strong"),
                f"{item.get('path', '')} ({item.get('rows', '')} "
                f"{'行' if zh else 'rows'})  sha256 {item.get('sha256', '')}",
            ]
        )
    rows.append(
        [
            Cell("时期" if zh else "Periods", "strong"),
            ", ".join(str(p) for p in meta.get("periods", [])),
        ]
    )
    if spec.get("overrides"):
        rows.append(
            [Cell(_t("overrides", lang), "strong"), "; ".join(spec["overrides"])]
        )
    rows.append(
        [Cell(_t("warnings", lang), "strong"), str(len(meta.get("warnings", [])))]
    )
    if "created" in meta:
        rows.append([Cell("生成时间" if zh else "Created", "strong"), meta["created"]])
    text = json.dumps(meta, ensure_ascii=False, indent=2)
    return Section(
        "manifest",
        _t("manifest", lang),
        [
            Para(note, "note"),
            Table([_t("item", lang), _t("value", lang)], rows, cls="wide"),
            Details("manifest.json", [Code(text, "json")]),
        ],
    )
