"""`gdindex init`: the scaffold validates, computes once filled, and is reproducible."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import polars as pl
import pytest

import gdindex
from gdindex.cli import app
from gdindex.errors import GdindexError, OutputError
from gdindex.io.scaffold import FILES, INDICATORS, UNITS, init_project, parse_periods
from gdindex.spec import load_spec
from tests.conftest import SCORE_COLUMNS, CliRunner

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def fill(data: Path) -> None:
    """Fill every empty cell of the data template with a number (no column constant,
    every value positive)."""
    table = rows(data)
    lines = [",".join(table[0])]
    for r, row in enumerate(table[1:], start=1):
        cells = [
            cell if cell or c < 2 else f"{10 + (r * (c + 3)) % 7 * 5 + r * 0.5:g}"
            for c, cell in enumerate(row)
        ]
        lines.append(",".join(cells))
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


# --- The files --- #


def test_creates_the_four_files_with_the_right_headers(tmp_path: Path) -> None:
    project = tmp_path / "new" / "proj"  # parents are created too

    written = init_project(project)

    assert [p.name for p in written] == list(FILES)
    assert sorted(p.name for p in project.iterdir()) == sorted(FILES)  # no temp left
    spec = load_spec(project / "index.yaml")
    data = rows(project / "data.csv")
    assert data[0] == ["unit", "period", *(ind.id for ind in spec.indicators)]
    units = rows(project / "units.csv")
    assert units[0] == ["unit", "name_zh", "name_en", "region"]
    assert len(units) - 1 == len(UNITS) == 5
    assert all(len(row) == 4 and all(row) for row in units[1:])


def test_data_has_one_empty_row_per_unit_and_period(tmp_path: Path) -> None:
    init_project(tmp_path, periods="2021,2022,2023")

    data = rows(tmp_path / "data.csv")[1:]
    unit_ids = [row[0] for row in rows(tmp_path / "units.csv")[1:]]
    assert [(row[0], row[1]) for row in data] == [
        (u, p) for u in unit_ids for p in ("2021", "2022", "2023")
    ]
    assert all(len(row) == 2 + len(INDICATORS) for row in data)
    assert {cell for row in data for cell in row[2:]} == {""}
    assert load_spec(tmp_path / "index.yaml").periods == [2021, 2022, 2023]


def test_spec_has_the_documented_keys(tmp_path: Path) -> None:
    init_project(tmp_path)

    spec = load_spec(tmp_path / "index.yaml")
    assert spec.id == "my-index"
    assert (spec.name.zh, spec.name.en) == ("我的指数", "My index")
    assert spec.units is not None and spec.units.file == "units.csv"
    assert spec.units.id == "unit"
    assert [g.column for g in spec.units.groups] == ["region"]
    assert [(t.file, t.format, t.unit, t.period) for t in spec.data] == [
        ("data.csv", "wide", "unit", "period")
    ]
    assert spec.periods == [2022, 2023]
    assert spec.defaults.normalise.method == "minmax"
    assert spec.defaults.normalise.scope == "panel"
    assert spec.defaults.aggregate.method == "arithmetic"
    assert spec.defaults.weights.method == "explicit"
    pillars = spec.tree.children or []
    assert len(pillars) == 2
    assert all(2 <= len(p.children or []) <= 3 for p in pillars)
    assert all(ind.name.zh and ind.name.en and ind.unit for ind in spec.indicators)
    assert {ind.direction for ind in spec.indicators} == {1, -1}


def test_spec_comments_explain_methods_and_commands(tmp_path: Path) -> None:
    init_project(tmp_path)

    text = (tmp_path / "index.yaml").read_text(encoding="utf-8")
    for needle in (
        "# weights: {method: entropy}",
        "#   method: ahp",
        "# normalise: {method: zscore",
        "# aggregate: {method: geometric",
        "gdindex validate index.yaml",
        "gdindex compute index.yaml --out out/",
        "gdindex weights index.yaml",
        "gdindex compare index.yaml --set",
        "熵权法",
        "层次分析法",
        "逆向指标",
    ):
        assert needle in text, needle
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    steps = ["data.csv", "gdindex validate index.yaml", "gdindex compute index.yaml"]
    positions = [readme.index(s) for s in steps]
    assert positions == sorted(positions)
    assert "--out out/" in readme


def _alternatives(text: str) -> list[tuple[str, str]]:
    """Each commented method alternative of the spec swapped in for the active line
    (or uncommented in place), and the tree root's AHP block uncommented."""
    lines = text.splitlines()
    out = []
    pattern = re.compile(r"^(\s*)# ((normalise|aggregate|weights): \{.*\})(\s+#.*)?$")
    for i, line in enumerate(lines):
        m = pattern.match(line)
        if not m:
            continue
        indent, body, key = m.group(1), m.group(2), m.group(3)
        new = list(lines)
        active = [
            j
            for j in range(max(0, i - 12), i)
            if re.match(rf"^{indent}{key}: ", lines[j])
        ]
        new[active[-1] if active else i] = indent + body
        out.append((body, "\n".join(new) + "\n"))
    head, tree = text.split("\ntree:\n")
    ahp = re.sub(
        r"(?m)^  # (weights:|  method: ahp|  matrix:|  combine:)", r"  \1", tree
    )
    out.append(("ahp", head + "\ntree:\n" + ahp))
    return out


def test_every_commented_alternative_is_valid(tmp_path: Path) -> None:
    init_project(tmp_path / "base", example=True)
    text = (tmp_path / "base" / "index.yaml").read_text(encoding="utf-8")
    variants = _alternatives(text)

    assert len(variants) >= 12
    for k, (label, variant) in enumerate(variants):
        assert variant != text
        project = tmp_path / f"v{k}"
        init_project(project, example=True)
        (project / "index.yaml").write_text(variant, encoding="utf-8")
        issues = gdindex.validate(project / "index.yaml")
        assert [i for i in issues if i.severity == "error"] == [], label
        assert {i.code for i in issues} <= {"ignored-weights"}, label


# --- validate and compute --- #


def test_fresh_template_fails_validate_as_compute_does_with_one_fill_in_error(
    tmp_path: Path,
) -> None:
    # The template as written: every unit and period, no value yet. compute refuses
    # it, so validate does too: one error that says what to do, instead of an error
    # per period and indicator.
    init_project(tmp_path)

    issues = gdindex.validate(tmp_path / "index.yaml")
    code, out, err = run("validate", str(tmp_path / "index.yaml"), "--lang", "en")
    code_zh, out_zh, err_zh = run("validate", str(tmp_path / "index.yaml"))
    computed, _, _ = run("compute", str(tmp_path / "index.yaml"))

    assert [i.code for i in issues] == ["unfilled-template"]
    assert issues[0].severity == "error" and "data.csv" in issues[0].where
    assert code == 1 and "fill in the template" in out + err
    assert code_zh == 1 and "请填写模板" in out_zh + err_zh
    assert computed == 1


def test_partly_filled_template_still_fails_on_the_empty_period(
    tmp_path: Path,
) -> None:
    # Only an entirely empty table is "not filled yet": a period left empty in a
    # filled table is still the error the data checks report.
    init_project(tmp_path, periods=(2022, 2023))
    data = pl.read_csv(tmp_path / "data.csv", infer_schema=False)
    ids = [c for c in data.columns if c not in ("unit", "period")]
    filled = data.with_columns(
        [
            pl.when(pl.col("period") == "2022")
            .then(pl.lit("1.5"))
            .otherwise(None)
            .alias(c)
            for c in ids
        ]
    )
    filled.write_csv(tmp_path / "data.csv")

    issues = gdindex.validate(tmp_path / "index.yaml")

    assert [i.code for i in issues if i.severity == "error"] == ["empty-period"]


@pytest.mark.parametrize("periods", ["2022,2023", "2021H1,2021H2,2022H1"])
def test_example_values_validate_and_compute_at_once(
    tmp_path: Path, periods: str
) -> None:
    code, out, _ = run("init", str(tmp_path / "p"), "--example", "--periods", periods)
    assert code == 0 and "gdindex validate" in out

    code, out, err = run("validate", str(tmp_path / "p" / "index.yaml"))
    assert code == 0 and "有效（0 个警告）" in out and err == ""
    assert "illustrative" in (tmp_path / "p" / "README.md").read_text("utf-8")
    code, _, _ = run(
        "compute",
        str(tmp_path / "p" / "index.yaml"),
        "-q",
        "--out",
        str(tmp_path / "o"),
    )
    assert code == 0
    scores = pl.read_csv(tmp_path / "o" / "scores.csv", infer_schema_length=0)
    assert scores["period"].unique(maintain_order=True).to_list() == periods.split(",")


def test_filled_template_validates_and_computes(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    assert run("init", str(project))[0] == 0
    fill(project / "data.csv")
    spec = project / "index.yaml"

    code, out, _ = run("validate", str(spec))
    assert code == 0 and "valid" in out

    code, _, err = run("compute", str(spec), "--out", str(project / "out"), "-q")
    assert code == 0, err
    scores = pl.read_csv(project / "out" / "scores.csv", infer_schema_length=0)
    assert scores.columns == SCORE_COLUMNS
    nodes = ["index", "infrastructure", "digital_industry"] + [i.id for i in INDICATORS]
    assert scores.height == len(UNITS) * 2 * len(nodes)
    assert set(scores["unit"]) == {u.id for u in UNITS}
    assert set(scores["node"]) == set(nodes)
    assert set(scores["period"]) == {"2022", "2023"}
    index = scores.filter(pl.col("node") == "index")
    assert index["kind"].unique().to_list() == ["index"]
    assert index["score"].null_count() == 0 and index["rank"].null_count() == 0


# --- The directory --- #


def test_non_empty_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")

    code, _, err = run("init", str(tmp_path), "--lang", "en")
    code_zh, _, err_zh = run("init", str(tmp_path))

    assert code == code_zh == 1
    assert "not empty" in err and "--force" in err and "notes.txt" in err
    assert "not empty" not in err_zh and "--force" in err_zh and "notes.txt" in err_zh
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    with pytest.raises(OutputError, match="not empty") as info:
        init_project(tmp_path)
    assert info.value.issues[0].code == "not-empty"


def test_a_file_in_the_way_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("x", encoding="utf-8")

    code, _, err = run("init", str(target), "--force", "--lang", "en")

    assert code == 1 and "is a file" in err
    assert target.read_text(encoding="utf-8") == "x"


def test_empty_existing_directory_is_fine(tmp_path: Path) -> None:
    assert run("init", str(tmp_path))[0] == 0
    assert (tmp_path / "index.yaml").is_file()


def test_force_overwrites_only_the_scaffold_files(tmp_path: Path) -> None:
    init_project(tmp_path)
    original = snapshot(tmp_path)
    (tmp_path / "index.yaml").write_text("edited", encoding="utf-8")
    fill(tmp_path / "data.csv")
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")

    code, _, _ = run("init", str(tmp_path), "--force")

    assert code == 0
    after = snapshot(tmp_path)
    assert after.pop("notes.txt") == b"mine"
    assert after == original


def test_same_options_give_byte_identical_files(tmp_path: Path) -> None:
    for name in ("a", "b"):
        code, _, _ = run(
            "init",
            str(tmp_path / name),
            "--name",
            "Shenzhen DEI",
            "--periods",
            "2020,2021",
        )
        assert code == 0
    init_project(tmp_path / "c")

    first = snapshot(tmp_path / "a")
    assert first == snapshot(tmp_path / "b")
    assert first != snapshot(tmp_path / "c")
    assert all(b"\r\n" not in content for content in first.values())


def test_rerun_with_force_is_byte_identical(tmp_path: Path) -> None:
    init_project(tmp_path, example=True)
    before = snapshot(tmp_path)

    init_project(tmp_path, example=True, force=True)

    assert snapshot(tmp_path) == before


# --- Options --- #


@pytest.mark.parametrize(
    ("name", "spec_id"),
    [("Shenzhen DEI 2024", "shenzhen-dei-2024"), ("深圳 “数字” 指数", "my-index")],
)
def test_name_option(tmp_path: Path, name: str, spec_id: str) -> None:
    init_project(tmp_path, name=name)

    spec = load_spec(tmp_path / "index.yaml")
    assert spec.id == spec_id
    chinese = spec_id == "my-index"
    # the name is the Chinese or the English one, never copied into the other
    assert (spec.name.zh, spec.name.en) == ((name, None) if chinese else (None, name))
    assert spec.tree.name is not None and spec.tree.name.get("zh") == name
    assert (tmp_path / "README.md").read_text("utf-8").startswith(f"# {name}\n")


def test_english_name_only_when_given(tmp_path: Path) -> None:
    init_project(tmp_path, name="示例指数", name_en="Example index")

    spec = load_spec(tmp_path / "index.yaml")
    assert (spec.name.zh, spec.name.en, spec.id) == (
        "示例指数",
        "Example index",
        "example-index",
    )


def test_template_of_any_size(tmp_path: Path) -> None:
    init_project(tmp_path, units=7, indicators=6, pillars=3, example=True)

    spec = load_spec(tmp_path / "index.yaml")
    assert len(spec.indicators) == 6 and len(spec.tree.children) == 3
    assert [len(p.children) for p in spec.tree.children] == [2, 2, 2]
    units = (tmp_path / "units.csv").read_text("utf-8").splitlines()
    assert len(units) == 1 + 7
    result = gdindex.compute(spec)
    assert result.scores["unit"].n_unique() == 7 and not result.issues


def test_template_from_indicator_ids(tmp_path: Path) -> None:
    code, out, err = run(
        "init",
        str(tmp_path / "p"),
        "--indicators",
        "gdp,rd_share,patents",
        "--pillars",
        "1",
        "--units",
        "3",
        "--name",
        "示例",
        "--example",
    )

    assert code == 0, err
    spec = load_spec(tmp_path / "p" / "index.yaml")
    assert [i.id for i in spec.indicators] == ["gdp", "rd_share", "patents"]
    assert spec.name.en is None
    header = (tmp_path / "p" / "data.csv").read_text("utf-8").splitlines()[0]
    assert header == "unit,period,gdp,rd_share,patents"


@pytest.mark.parametrize(
    "args",
    [
        ["--units", "1"],
        ["--indicators", "1x,b"],
        ["--pillars", "4", "--indicators", "2"],
    ],
)
def test_bad_template_size_is_an_error(tmp_path: Path, args: list[str]) -> None:
    code, _, err = run("init", str(tmp_path / "p"), *args)

    assert code == 1 and (
        "--units" in err or "--indicators" in err or "--pillars" in err
    )


def test_quotes_and_newlines_in_the_name_are_safe(tmp_path: Path) -> None:
    init_project(tmp_path, name='My "big"\nindex: #1')

    assert load_spec(tmp_path / "index.yaml").name.en == 'My "big" index: #1'
    with pytest.raises(GdindexError, match="empty"):
        init_project(tmp_path / "other", name="  ")


def test_parse_periods() -> None:
    assert parse_periods(" 2022 , 2023") == [2022, 2023]
    assert parse_periods("2021H1,2021H2") == ["2021H1", "2021H2"]
    for bad, message in [
        ("2022,2022", "duplicate periods: 2022"),
        ("2022,2023H1", "mix numbers and text"),
        ("2022,", "not a period"),
        ("20 22", "not a period"),
    ]:
        with pytest.raises(GdindexError, match=message):
            parse_periods(bad)


def test_bad_periods_are_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run("init", str(tmp_path / "p"), "--periods", "2022,2022")
    code_en, _, err_en = run(
        "init", str(tmp_path / "p"), "--periods", "2022,2022", "--lang", "en"
    )

    assert code == code_en == 2
    assert "时期重复：2022" in err and "duplicate periods" in err_en
    assert not (tmp_path / "p").exists()


def test_init_says_what_it_wrote_and_what_next_in_the_run_s_language(
    tmp_path: Path,
) -> None:
    code, out, _ = run("init", str(tmp_path / "zh"))
    code_en, out_en, _ = run("init", str(tmp_path / "en"), "--lang", "en")

    assert code == code_en == 0
    assert f"已在 {tmp_path / 'zh'} 中创建 4 个文件：" in out and "下一步：" in out
    assert "填写" in out and "每个单位、每个时期一行" in out
    assert "created" not in out and "next steps" not in out
    assert f"created 4 files in {tmp_path / 'en'}:" in out_en
    assert "next steps:" in out_en and "下一步" not in out_en
    assert f"gdindex validate {tmp_path / 'en' / 'index.yaml'}" in out_en


def test_init_refuses_years_out_of_time_order(tmp_path: Path) -> None:
    code, _, err = run("init", str(tmp_path / "p"), "--periods", "2023,2022")

    assert code == 2 and "时期未按时间顺序排列" in err
    assert not (tmp_path / "p").exists()
    assert run("init", str(tmp_path / "q"), "--periods", "2021H2,2022H1")[0] == 0
