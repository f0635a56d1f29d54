"""Preparation (DESIGN §4.1): denominate → impute → screen → treat, in raw units.

Every step works on `values[unit, period, indicator]` before the direction is applied
(the normalisers apply it), so a treatment sees the data as they were published.
Each changed cell gets a flag bit; `flag_texts` turns the bits into the `flag`
column of indicators.csv (`denominated;imputed:group_mean;winsorised`). Each step
adds a summary row (step, indicator, method, cells, examples) for reports.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gdindex.errors import IssueLog, examples, plural
from gdindex.methods.impute import impute_linear, impute_locf
from gdindex.methods.treat import passes, winsorise
from gdindex.spec import IndexSpec, Period

DENOMINATED = 1
IMPUTED = 2
SCREENED = 4
WINSORISED = 8
LOG = 16

STEPS = ("denominate", "impute", "screen", "treat")


@dataclass(frozen=True)
class StepSummary:
    """What one step did to one indicator (or, for the screen, to the units)."""

    step: str
    indicator: str | None
    method: str
    cells: int
    where: list[str]  # "unit period" of the first cells touched
    period: Period | None = None  # a treatment of one period's column


@dataclass
class Prepared:
    """The stages of preparation and the flag bits of every cell."""

    denominated: np.ndarray
    imputed: np.ndarray
    screened: np.ndarray
    treated: np.ndarray
    flags: np.ndarray  # uint8 bits, same shape as the values
    impute_methods: list[str]  # per indicator, for `imputed:<how>`
    steps: list[StepSummary] = field(default_factory=list)
    screened_out: list[tuple[str, Period]] = field(default_factory=list)

    def flag_texts(self) -> np.ndarray:
        """The `flag` text of every cell (None when untouched), shape of `values`."""
        out = np.full(self.flags.shape, None, dtype=object)
        for i, how in enumerate(self.impute_methods):
            column = self.flags[:, :, i]
            for bits in np.unique(column):
                if bits:
                    out[:, :, i][column == bits] = _flag_text(int(bits), how)
        return out

    def flag_codes(self) -> tuple[np.ndarray, dict[int, str]]:
        """Cell codes `32·indicator + bits` and the flag text of each code present
        (untouched cells, code with bits 0, have no entry): for vectorised output."""
        n_ind = self.flags.shape[2]
        codes = self.flags.astype(np.int64) + 32 * np.arange(n_ind, dtype=np.int64)
        texts = {
            int(c): _flag_text(int(c) % 32, self.impute_methods[int(c) // 32])
            for c in np.unique(codes)
            if int(c) % 32
        }
        return codes, texts

    def counts(self) -> dict[str, int]:
        """Cells touched by each step."""
        totals = dict.fromkeys(STEPS, 0)
        for s in self.steps:
            totals[s.step] += s.cells
        return totals


def _flag_text(bits: int, how: str) -> str:
    if bits & SCREENED:
        return "screened"
    parts = []
    if bits & DENOMINATED:
        parts.append("denominated")
    if bits & IMPUTED:
        parts.append(f"imputed:{how}")
    if bits & WINSORISED:
        parts.append("winsorised")
    if bits & LOG:
        parts.append("log")
    return ";".join(parts)


_Groups = tuple[np.ndarray, list[Any]]
"""Group labels as codes: `[unit, period]` indices into the labels (-1: none)."""


def _fill_by_period(
    x: np.ndarray, groups: _Groups | None, stat: str
) -> tuple[np.ndarray, list[tuple[str | None, int]]]:
    """Fill missing cells of [unit, period] with the mean/median of the period
    (within the unit's group that period when `groups`, `[unit, period]` labels as
    `_codes` gives them, is given). Returns the filled array and the (group, period
    index) blocks that had nothing to fill from."""
    out = x.copy()
    empty: list[tuple[str | None, int]] = []
    func = np.mean if stat == "mean" else np.median
    missing = np.isnan(x)
    for j in np.flatnonzero(missing.any(axis=0)):
        col = out[:, j]
        if groups is None:
            blocks: list[tuple[str | None, np.ndarray]] = [
                (None, np.ones(x.shape[0], dtype=bool))
            ]
        else:
            codes, labels = groups
            here = codes[:, j]
            blocks = [(labels[k], here == k) for k in np.unique(here[here >= 0])]
        for label, rows in blocks:
            need = rows & missing[:, j]
            if not need.any():
                continue
            seen = x[rows & ~missing[:, j], j]
            if seen.size == 0:
                empty.append((label, int(j)))
                continue
            col[need] = float(func(seen))
    empty.sort(key=lambda e: (str(e[0]), e[1]))
    return out, empty


def _codes(labels: Any, periods: int) -> _Groups:
    """`_Groups` of one units-table column: `[unit, period]` labels, or one label
    per unit (the same in every period)."""
    grid = np.array(labels, dtype=object)
    if grid.ndim == 1:
        grid = np.repeat(grid[:, None], periods, axis=1)
    index: dict[Any, int] = {}
    flat = [-1 if g is None else index.setdefault(g, len(index)) for g in grid.flat]
    return np.asarray(flat, dtype=np.int64).reshape(grid.shape), list(index)


def _period_times(periods: Sequence[Period]) -> np.ndarray:
    if all(isinstance(p, int) for p in periods):
        return np.asarray(periods, dtype=np.float64)
    return np.arange(len(periods), dtype=np.float64)


def _where(
    units: Sequence[str], periods: Sequence[Period], mask: np.ndarray, n: int = 3
) -> list[str]:
    u, t = np.nonzero(mask)
    pairs = zip(u[:n].tolist(), t[:n].tolist(), strict=True)
    return [f"{units[a]} {periods[b]}" for a, b in pairs]


def prepare(
    values: np.ndarray,
    spec: IndexSpec,
    units: Sequence[str],
    periods: Sequence[Period],
    log: IssueLog,
    *,
    denominators: dict[str, np.ndarray] | None = None,
    groups: dict[str, Any] | None = None,
) -> Prepared:
    """Run denomination, imputation, the units screen and outlier treatment.

    Args:
        values: raw `values[unit, period, indicator]` in `spec.indicators` order.
        spec: the spec (methods per indicator, `screen`).
        units, periods: the axes of `values`.
        log: collects warnings and errors (values ≤ 0 under `log`, …).
        denominators: `[unit, period]` arrays by column name.
        groups: group label of every unit, by units-table column: `[unit,
            period]` (a unit may change group) or one label per unit.

    Returns:
        Every stage and the flag bits; the input array is not modified.
    """
    run = _Run(spec, units, periods, np.zeros(values.shape, dtype=np.uint8), [], log)
    den = _denominate(values, run, denominators)
    imp, methods = _impute(den, run, groups)
    scr, out = _screen(den, imp, run)
    trt = _treat(scr, run)
    return Prepared(den, imp, scr, trt, run.flags, methods, run.steps, out)


@dataclass
class _Run:
    """What every step reads and adds to: the axes, flag bits, summaries, issues."""

    spec: IndexSpec
    units: Sequence[str]
    periods: Sequence[Period]
    flags: np.ndarray
    steps: list[StepSummary]
    log: IssueLog

    def unpack(
        self,
    ) -> tuple[
        IndexSpec,
        Sequence[str],
        Sequence[Period],
        np.ndarray,
        list[StepSummary],
        IssueLog,
    ]:
        return self.spec, self.units, self.periods, self.flags, self.steps, self.log


def _denominate(
    values: np.ndarray,
    run: _Run,
    denominators: dict[str, np.ndarray] | None,
) -> np.ndarray:
    """`value / denominator · scale`; a zero, negative or missing denominator:
    missing, with a warning naming the cells."""
    spec, units, periods, flags, steps, log = run.unpack()
    out = values
    for i, ind in enumerate(spec.indicators):
        if ind.denominator is None:
            continue
        d = (denominators or {}).get(ind.denominator)
        if d is None:
            continue  # reported by the data loader
        if out is values:
            out = values.copy()
        x = values[:, :, i]
        present = ~np.isnan(x)
        with np.errstate(invalid="ignore"):
            zero, negative = present & (d == 0), present & (d < 0)
        missing = present & np.isnan(d)
        bad = zero | negative | missing
        # A negative population or GDP would flip the value's sign: never a rate.
        for mask, what, what_zh in (
            (negative, "negative", "为负"),
            (zero | missing, "0 or missing", "为 0 或缺失"),
        ):
            if mask.any():
                shown = [
                    f"{units[u]} {periods[t]} ({ind.denominator} = {d[u, t]:g})"
                    for u, t in zip(*np.nonzero(mask), strict=True)
                ]
                log.warn(
                    f"indicator '{ind.id}'",
                    f"denominator '{ind.denominator}' is {what} for "
                    f"{plural(int(mask.sum()), 'value')}: {examples(shown)}; "
                    "they are left missing",
                    "fix the denominator (a sign or a typo?), or impute the indicator"
                    if what == "negative"
                    else "fill the denominator, or impute the indicator",
                    "bad-denominator",
                    message_zh=f"{int(mask.sum())} 个数值的分母 '{ind.denominator}' "
                    f"{what_zh}：{examples(shown, lang='zh')}；按缺失处理",
                    hint_zh="请更正分母（符号或笔误？），或对该指标做插补"
                    if what == "negative"
                    else "请补齐分母，或对该指标做插补",
                    where_zh=f"指标 '{ind.id}'",
                )
        with np.errstate(invalid="ignore", divide="ignore"):
            y = np.where(bad, np.nan, x / d * ind.scale)
        out[:, :, i] = y
        done = ~np.isnan(y)
        flags[:, :, i][done] |= DENOMINATED
        steps.append(
            StepSummary(
                "denominate",
                ind.id,
                f"÷ {ind.denominator}"
                + (f" × {ind.scale:g}" if ind.scale != 1 else ""),
                int(done.sum()),
                _where(units, periods, done),
            )
        )
    return out


def _impute(
    values: np.ndarray,
    run: _Run,
    groups: dict[str, Any] | None,
) -> tuple[np.ndarray, list[str]]:
    spec, units, periods, flags, steps, log = run.unpack()
    out = values
    methods: list[str] = []
    times = _period_times(periods)
    declared = spec.units.groups if spec.units else []
    first_group = declared[0].column if declared else None
    coded: dict[str | None, _Groups] = {}
    for i, ind in enumerate(spec.indicators):
        p = spec.impute_for(ind)
        methods.append(p.method)
        x = values[:, :, i]
        missing = np.isnan(x)
        if p.method == "none" or not missing.any():
            continue
        empty: list[tuple[str | None, int]] = []
        if p.method in ("mean", "median"):
            y, empty = _fill_by_period(x, None, p.method)
        elif p.method in ("group_mean", "group_median"):
            column = p.group or first_group
            labels = (groups or {}).get(column or "")
            if labels is None:
                continue  # the spec check reported the missing group
            if column not in coded:
                coded[column] = _codes(labels, x.shape[1])
            stat = p.method.removeprefix("group_")
            y, empty = _fill_by_period(x, coded[column], stat)
        elif p.method == "locf":
            y = impute_locf(x, p.max_gap)
        else:
            y = impute_linear(x, times, p.max_gap)
        filled = missing & ~np.isnan(y)
        if out is values:
            out = values.copy()
        out[:, :, i] = y
        flags[:, :, i][filled] |= IMPUTED
        steps.append(
            StepSummary(
                "impute",
                ind.id,
                p.method,
                int(filled.sum()),
                _where(units, periods, filled),
            )
        )
        left = int((missing & ~filled).sum())
        if left:
            why = (
                f"; nothing to impute from in {examples(_readable(empty, periods))}"
                if empty
                else ""
            )
            why_zh = (
                "；以下范围内没有可用于插补的数据："
                + examples(_readable(empty, periods, "zh"), lang="zh")
                if empty
                else ""
            )
            log.warn(
                f"indicator '{ind.id}'",
                f"{plural(left, 'missing value')} could not be imputed by "
                f"{p.method}{why}",
                "they stay missing; the parent is computed from the other children",
                "not-imputed",
                message_zh=f"{left} 个缺失值无法用 {p.method} 插补{why_zh}",
                hint_zh="这些值仍为缺失；其上级节点将由其他子节点计算",
                where_zh=f"指标 '{ind.id}'",
            )
    return out, methods


def _readable(
    empty: list[tuple[str | None, int]], periods: Sequence[Period], lang: str = "en"
) -> list[str]:
    if lang == "zh":
        return [
            f"时期 {periods[j]}" if g is None else f"{periods[j]} 的分组 {g}"
            for g, j in empty
        ]
    return [
        f"period {periods[j]}" if g is None else f"group {g} in {periods[j]}"
        for g, j in empty
    ]


def _screen(
    observed: np.ndarray,
    values: np.ndarray,
    run: _Run,
) -> tuple[np.ndarray, list[tuple[str, Period]]]:
    """Set missing every cell of a (unit, period) whose coverage is too low."""
    spec, units, periods, flags, steps, log = run.unpack()
    screen = spec.screen
    if screen is None:
        return values, []
    used = {n.id for n, _ in spec.tree.walk() if n.is_leaf}
    cols = [i for i, ind in enumerate(spec.indicators) if ind.id in used]
    basis = observed if screen.coverage_of == "observed" else values
    coverage = (~np.isnan(basis[:, :, cols])).mean(axis=2)
    drop = coverage < screen.min_coverage - 1e-12
    out_list: list[tuple[str, Period]] = []
    if not drop.any():
        steps.append(StepSummary("screen", None, f"≥ {screen.min_coverage:g}", 0, []))
        return values, out_list
    for j, period in enumerate(periods):
        if drop[:, j].all():
            log.error(
                "screen.min_coverage",
                f"no unit has {screen.min_coverage:.0%} of the indicators in period "
                f"{period!r} (best: {coverage[:, j].max():.0%})",
                "lower min_coverage, or impute first",
                "screen-empty",
                message_zh=f"时期 {period!r} 中没有哪个地区的指标覆盖率达到 "
                f"{screen.min_coverage:.0%}（最高为 {coverage[:, j].max():.0%}）",
                hint_zh="请调低 min_coverage，或先做插补",
            )
    out = values.copy()
    u, t = np.nonzero(drop)
    out[u, t, :] = np.nan
    flags[u, t, :] |= SCREENED
    pairs = list(zip(u.tolist(), t.tolist(), strict=True))
    out_list = [(units[a], periods[b]) for a, b in pairs]
    shown = [f"{units[a]} {periods[b]} ({coverage[a, b]:.0%})" for a, b in pairs]
    steps.append(
        StepSummary(
            "screen",
            None,
            f"≥ {screen.min_coverage:g}",
            len(out_list) * values.shape[2],  # cells: every indicator of the row
            shown,
        )
    )
    log.warn(
        "screen",
        f"{plural(len(out_list), 'unit-period')} below {screen.min_coverage:.0%} "
        f"coverage {'is' if len(out_list) == 1 else 'are'} left out: {examples(shown)}",
        "they get no scores in those periods",
        "screened",
        message_zh=f"覆盖率低于 {screen.min_coverage:.0%} 的 {len(out_list)} 个"
        f"地区-时期未参与计算：{examples(shown, lang='zh')}",
        hint_zh="它们在这些时期没有得分",
    )
    return out, out_list


def _treat(
    values: np.ndarray,
    run: _Run,
) -> np.ndarray:
    spec, units, periods, flags, steps, log = run.unpack()
    out = values
    for i, ind in enumerate(spec.indicators):
        p = spec.treat_for(ind)
        if p.method == "none":
            continue
        x = values[:, :, i]
        if p.method == "log":
            bad = ~np.isnan(x) & (x <= 0)
            if bad.any():
                cells = _where(units, periods, bad)
                log.error(
                    f"indicator '{ind.id}' (treat: log)",
                    f"{plural(int(bad.sum()), 'value')} ≤ 0 "
                    f"{'has' if int(bad.sum()) == 1 else 'have'} no logarithm: "
                    f"{examples(cells)}",
                    "use treat: {method: winsorise}, whose log fallback shifts the "
                    "values, or fix the data",
                    "non-positive",
                    message_zh=f"{int(bad.sum())} 个 ≤ 0 的数值无法取对数："
                    f"{examples(cells, lang='zh')}",
                    hint_zh="请使用 treat: {method: winsorise}（其对数回退会先平移"
                    "数值），或更正数据",
                    where_zh=f"指标 '{ind.id}'（treat: log）",
                )
                continue
            if out is values:
                out = values.copy()
            out[:, :, i] = np.log(x)
            done = ~np.isnan(x)
            flags[:, :, i][done] |= LOG
            steps.append(
                StepSummary(
                    "treat",
                    ind.id,
                    "log",
                    int(done.sum()),
                    _where(units, periods, done),
                )
            )
            continue
        blocks: list[Any] = (
            [slice(None)] if p.scope == "panel" else [[j] for j in range(len(periods))]
        )
        for cols in blocks:
            col = x[:, cols]
            new, mask, how = winsorise(col.ravel(), p)
            if not how:
                continue
            if out is values:
                out = values.copy()
            out[:, cols, i] = new.reshape(col.shape)
            mask2 = mask.reshape(col.shape)
            bit = LOG if how == "log" else WINSORISED
            sub = flags[:, cols, i]
            sub[mask2] |= bit
            flags[:, cols, i] = sub
            full = np.zeros(x.shape, dtype=bool)
            full[:, cols] = mask2
            period = None if p.scope == "panel" else periods[cols[0]]
            label = "" if period is None else f" in {period}"
            label_zh = "" if period is None else f"（{period}）"
            steps.append(
                StepSummary(
                    "treat",
                    ind.id,
                    "winsorise" if how == "winsorised" else "log (fallback)",
                    int(mask2.sum()),
                    _where(units, periods, full),
                    period,
                )
            )
            if how == "winsorised" and not passes(new, p.skew, p.kurt):
                log.warn(
                    f"indicator '{ind.id}'",
                    "still skewed after winsorising "
                    + plural(int(mask2.sum()), "point")
                    + label,
                    "raise winmax or use fallback: log",
                    "still-skewed",
                    message_zh=f"缩尾处理 {int(mask2.sum())} 个数值后仍然偏斜"
                    + label_zh,
                    hint_zh="请调高 winmax，或使用 fallback: log",
                    where_zh=f"指标 '{ind.id}'",
                )
    return out
