"""Rich rendering of an uncertainty and sensitivity analysis (`gdindex sensitivity`).

It formats a `SensitivityResult` only: a title naming the index, the node and the
period; the runs done and failed (with the reasons); the inputs; every unit by its
nominal rank with its median rank, 5–95 % interval, full range and largest move; for
`sobol`, each input's first-order and total index with its bootstrap interval and, in
plain words, what share of the rank uncertainty it explains. Labels are Chinese or
English; tables fit 80 columns (unit names are cut with an ellipsis there).
"""

from __future__ import annotations

import math
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from gdindex.analysis.sensitivity import SensitivityResult
from gdindex.errors import text_in
from gdindex.report.terminal import unit_label

LABELS = {
    "ua": {"zh": "不确定性分析", "en": "Uncertainty analysis"},
    "sobol": {"zh": "敏感性分析（Sobol）", "en": "Sensitivity analysis (Sobol)"},
    "period": {"zh": "时期", "en": "period"},
    "runs": {
        "zh": "运行 {runs} 次：成功 {done} 次，失败 {failed} 次",
        "en": "{runs} runs: {done} done, {failed} failed",
    },
    "failed": {"zh": "失败原因", "en": "Why runs failed"},
    "reason": {"zh": "原因", "en": "Reason"},
    "count": {"zh": "次数", "en": "Runs"},
    "inputs": {"zh": "不确定输入", "en": "Uncertain inputs"},
    "input": {"zh": "输入", "en": "Input"},
    "kind": {"zh": "类型", "en": "Kind"},
    "alternatives": {"zh": "备选方案", "en": "Alternatives"},
    "set": {"zh": "规格取值", "en": "spec value"},
    "weights": {"zh": "权重组", "en": "weight sets"},
    "exclude": {"zh": "剔除指标", "en": "leave one out"},
    "ranks": {"zh": "排名区间", "en": "Rank intervals"},
    "nominal": {"zh": "名义排名", "en": "Nominal"},
    "unit": {"zh": "地区", "en": "Unit"},
    "median": {"zh": "中位数", "en": "Median"},
    "interval": {"zh": "5–95%", "en": "5–95 %"},
    "range": {"zh": "最好–最差", "en": "Best–worst"},
    "move": {"zh": "最大变动", "en": "Max move"},
    "indices": {
        "zh": "Sobol 指数（输出：平均排名绝对变动）",
        "en": "Sobol indices (output: mean |rank change|)",
    },
    "S1": {"zh": "一阶 S1", "en": "First order S1"},
    "ST": {"zh": "总效应 ST", "en": "Total ST"},
    "share": {"zh": "占比", "en": "Share"},
    "explains": {
        "zh": "「{input}」单独解释排名不确定性的 {s1}，连同交互作用共 {st}"
        "（占全部总效应的 {share}）。",
        "en": "'{input}' alone explains {s1} of the rank uncertainty, {st} with its "
        "interactions ({share} of all total effects).",
    },
    "noisy": {
        "zh": "N = {n} 时估计仍有抽样误差：{inputs} 的总效应低于一阶效应或指数为负，"
        "这只能来自抽样误差；请增大 --n（表中区间显示其波动范围）。",
        "en": "At N = {n} the estimates still carry sampling error: {inputs} "
        "show a total index below the first-order one, or a negative index, which "
        "only sampling error gives; raise --n (the table's intervals show the "
        "spread).",
    },
    "none": {"zh": "无", "en": "none"},
    "notes": {"zh": "说明", "en": "Notes"},
    "more": {"zh": "另有 {n} 个单位未列出", "en": "{n} more units not shown"},
}


def t(key: str, lang: str) -> str:
    """A UI label in `lang`."""
    return LABELS[key][lang]


def _int(value: Any) -> str:
    return "–" if value is None else str(int(value))


def _num(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"


def _span(lo: str, hi: str) -> str:
    return "–" if lo == "–" else f"{lo}–{hi}"


def _fix(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.2f}"


def _pct(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{100 * value:.0f} %"


def title(result: SensitivityResult, lang: str) -> str:
    """`Uncertainty analysis · <index> · <node> · period <p>`."""
    index = result.spec.name.get(lang)
    node = next(n for n, _ in result.spec.tree.walk() if n.id == result.target)
    node_name = node.name.get(lang) if node.name else node.id
    if node_name == index:
        node_name = ""
    what = t(result.method, lang)
    parts = [what, index, node_name, f"{t('period', lang)} {result.period}"]
    return " · ".join(p for p in parts if p)


def runs_line(result: SensitivityResult, lang: str) -> str:
    """`1000 runs: 998 done, 2 failed`."""
    failed = result.n_failed
    return t("runs", lang).format(
        runs=result.n_runs, done=result.n_runs - failed, failed=failed
    )


def failure_table(result: SensitivityResult, lang: str) -> Table | None:
    """The reasons runs failed, most frequent first (None when none failed)."""
    if not result.failed:
        return None
    table = Table(title=t("failed", lang), title_justify="left", expand=False)
    table.add_column(t("reason", lang), overflow="fold", max_width=64)
    table.add_column(t("count", lang), justify="right")
    for reason, count in result.failed.items():
        table.add_row(text_in(reason, lang), str(count))
    return table


def inputs_table(result: SensitivityResult, lang: str) -> Table:
    """Each input with its kind and alternatives."""
    table = Table(title=t("inputs", lang), title_justify="left")
    table.add_column(t("input", lang), no_wrap=True)
    table.add_column(t("kind", lang), no_wrap=True)
    table.add_column(t("alternatives", lang), overflow="fold", max_width=48)
    for inp in result.inputs:
        labels = inp.labels
        if lang == "zh" and inp.kind == "weights":  # "set 3" is the library's label
            labels = [_zh_weight_set(label) for label in labels]
        sep = "；" if lang == "zh" else "; "
        more = f"{sep}… ({len(labels)})" if len(labels) > 4 else ""
        text = sep.join(labels[:4]) + more
        table.add_row(inp.id, t(inp.kind, lang), text)
    return table


def _zh_weight_set(label: str) -> str:
    """`set 3` (a weight set's label) as `第 3 组`; any other label unchanged."""
    head, _, number = label.partition(" ")
    return f"第 {number} 组" if head == "set" and number.isdigit() else label


def rank_table(result: SensitivityResult, lang: str, top: int | None = None) -> Table:
    """Units by nominal rank: median, 5–95 % interval, best–worst, largest move."""
    names = {}
    if result.units is not None:
        names = {row["unit"]: unit_label(row, lang) for row in result.units.to_dicts()}
    table = Table(title=t("ranks", lang), title_justify="left")
    table.add_column(t("nominal", lang), justify="right")
    table.add_column(t("unit", lang), no_wrap=True, overflow="ellipsis", max_width=24)
    table.add_column(t("median", lang), justify="right")
    table.add_column(t("interval", lang), justify="right", no_wrap=True)
    table.add_column(t("range", lang), justify="right", no_wrap=True)
    table.add_column(t("move", lang), justify="right", no_wrap=True)
    rows = result.rank_stats.sort("nominal", nulls_last=True).to_dicts()
    shown = rows if top is None else rows[:top]
    for row in shown:
        nominal = row["nominal"]
        move = Text("–")
        if nominal is not None and row["min"] is not None:
            up, down = nominal - row["min"], row["max"] - nominal
            if up or down:
                move = (
                    Text(f"▲{up}", style="green")
                    if up >= down
                    else Text(f"▼{down}", style="red")
                )
            else:
                move = Text("0")
        table.add_row(
            _int(nominal),
            names.get(row["unit"], row["unit"]) or row["unit"],
            _num(row["median"]),
            _span(_num(row["q05"]), _num(row["q95"])),
            _span(_int(row["min"]), _int(row["max"])),
            move,
        )
    if top is not None and len(rows) > top:
        table.caption = t("more", lang).format(n=len(rows) - top)
    return table


def indices_table(result: SensitivityResult, lang: str) -> Table | None:
    """Each input's S1 and ST with their 5–95 % bootstrap intervals and share."""
    if result.indices is None:
        return None
    table = Table(title=t("indices", lang), title_justify="left")
    table.add_column(t("input", lang), no_wrap=True)
    table.add_column(t("S1", lang), justify="right", no_wrap=True)
    table.add_column(t("ST", lang), justify="right", no_wrap=True)
    table.add_column(t("share", lang), justify="right")
    shares = _shares(result)
    for row, share in zip(result.indices.to_dicts(), shares, strict=True):
        table.add_row(
            row["input"],
            f"{_fix(row['S1'])} [{_fix(row['S1_q05'])}, {_fix(row['S1_q95'])}]",
            f"{_fix(row['ST'])} [{_fix(row['ST_q05'])}, {_fix(row['ST_q95'])}]",
            _pct(share),
        )
    return table


def _shares(result: SensitivityResult) -> list[float | None]:
    """Each input's total index over the sum of all total indices."""
    assert result.indices is not None
    st = [max(0.0, v) if v is not None else 0.0 for v in result.indices["ST"]]
    total = sum(st)
    return [v / total if total > 0 else None for v in st]


def explanations(result: SensitivityResult, lang: str) -> list[str]:
    """One sentence per input, the largest total index first."""
    if result.indices is None:
        return []
    rows = list(zip(result.indices.to_dicts(), _shares(result), strict=True))
    rows.sort(key=lambda rs: -(rs[0]["ST"] or 0.0))
    out = [
        t("explains", lang).format(
            input=row["input"],
            s1=_pct(max(0.0, row["S1"] or 0.0)),
            st=_pct(max(0.0, row["ST"] or 0.0)),
            share=_pct(share),
        )
        for row, share in rows
    ]
    noisy = [  # 0 ≤ S1 ≤ ST holds for the true indices; estimates can break it
        row["input"]
        for row, _ in rows
        if row["S1"] is not None
        and row["ST"] is not None
        and (row["ST"] < row["S1"] or row["S1"] < 0 or row["ST"] < 0)
    ]
    if noisy:
        sep = "、" if lang == "zh" else ", "
        quote = "「{}」" if lang == "zh" else "'{}'"
        names = sep.join(quote.format(name) for name in noisy)
        out.append(t("noisy", lang).format(n=result.n, inputs=names))
    return out


def render_sensitivity(
    result: SensitivityResult,
    console: Console,
    lang: str = "zh",
    top: int | None = None,
) -> None:
    """Print the whole analysis."""
    console.print(title(result, lang), style="bold")
    console.print(runs_line(result, lang))
    failures = failure_table(result, lang)
    if failures is not None:
        console.print(failures)
    console.print(inputs_table(result, lang))
    console.print(rank_table(result, lang, top))
    indices = indices_table(result, lang)
    if indices is not None:
        console.print(indices)
        for line in explanations(result, lang):
            console.print(f"• {line}")
    if result.notes:
        console.print(f"{t('notes', lang)}:", style="yellow")
        for note in result.notes:
            console.print(f"  {text_in(note, lang)}", style="yellow")
