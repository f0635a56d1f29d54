"""The app as a whole: --version without polars, usage errors exit 2, the console
script, plain help of every command, shell completion."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import gdindex
from gdindex.cli import app
from tests.cli.helpers import run, runner


def test_version() -> None:
    code, out, _ = run("--version")

    assert code == 0 and out.strip() == f"gdindex {gdindex.__version__}"


def test_version_does_not_import_polars() -> None:
    probe = (
        "import sys\n"
        "from gdindex.cli import app\n"
        "try:\n    app(['--version'])\nexcept SystemExit:\n    pass\n"
        "print('polars' in sys.modules, 'numpy' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout

    assert out.strip().splitlines()[-1] == "False False"


@pytest.mark.parametrize(
    "args",
    [
        ("compute",),
        ("compute", "x.yaml", "--format", "xml"),
        ("frobnicate",),
        ("compute", "x.yaml", "--top", "0"),
    ],
)
def test_usage_errors_exit_2(args: tuple[str, ...]) -> None:
    assert run(*args)[0] == 2


def test_console_script_runs(tiny_spec: Path) -> None:
    exe = Path(sys.executable).with_name("gdindex")
    proc = subprocess.run(
        [str(exe), "compute", str(tiny_spec), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert proc.returncode == 0
    assert json.loads(proc.stdout)["spec"]["id"] == "tiny"


def test_broken_pipe_is_not_an_error(tiny_spec: Path) -> None:
    exe = Path(sys.executable).with_name("gdindex")
    proc = subprocess.Popen(
        [str(exe), "compute", str(tiny_spec)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    proc.stdout.read(10)
    proc.stdout.close()
    _, err = proc.communicate()

    assert proc.returncode == 0 and b"Error" not in err


@pytest.mark.parametrize(
    ("args", "env", "kept"),
    [
        (["compute", "x.yaml"], {}, ["compute"]),
        (["sensitivity", "--help"], {}, ["sensitivity"]),
        (["--help"], {}, None),
        ([], {}, None),
        (["frobnicate"], {}, None),
        (["compute"], {"_GDINDEX_COMPLETE": "complete_bash"}, None),
    ],
)
def test_only_the_invoked_command_is_built(
    args: list[str], env: dict[str, str], kept: list[str] | None, monkeypatch
) -> None:
    from gdindex.cli.app import COMMANDS as ALL
    from gdindex.cli.app import _name, _only_invoked

    monkeypatch.delenv("_GDINDEX_COMPLETE", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    only = _only_invoked(app, args)

    assert sorted(_name(c) for c in only.registered_commands) == sorted(kept or ALL)
    assert sorted(_name(c) for c in app.registered_commands) == sorted(ALL)


def test_a_command_run_alone_still_parses_and_fails_as_usage(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("gdindex")
    proc = subprocess.run(
        [str(exe), "compute", "x.yaml", "--bogus"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert proc.returncode == 2 and "--bogus" in proc.stderr
    assert "gdindex compute" in proc.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["schema"], "无法写出输出：No space left on device"),
        (["weights", "{spec}", "--lang", "en"], "cannot write the output: No space"),
        (["compute", "{spec}", "--format", "json"], "无法写出输出"),
    ],
)
def test_a_full_disk_on_stdout_is_one_line_and_exit_1(
    tiny_spec: Path, args: list[str], said: str
) -> None:
    exe = Path(sys.executable).with_name("gdindex")
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [str(exe), *(a.format(spec=tiny_spec) for a in args)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )

    assert proc.returncode == 1 and said in proc.stderr
    assert "Traceback" not in proc.stderr


COMMANDS = ["compute", "validate", "check", "compare", "weights", "init", "report"]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_no_type_noise(command: str) -> None:
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "120"})

    assert result.exit_code == 0
    text = result.stdout
    for noise in ("<bool>", "<list[str]>", "int range", "x>=", "{spec", "{SPEC"):
        assert noise not in text, (command, noise)
    usage = next(line for line in text.splitlines() if "Usage:" in line)
    assert ("SPEC" in usage) or ("DIR" in usage)
    if "--set" in text:
        assert "KEY=VALUE" in text
        assert "compute records them" not in text


def test_set_help_says_what_each_command_does_with_it() -> None:
    def helptext(command: str) -> str:
        out = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"}).stdout
        return " ".join(out.split())

    assert "manifest.json" in helptext("compute")
    assert "manifest.json" not in helptext("validate")
    assert "variant B" in helptext("compare")


def test_completion_is_on() -> None:
    out = runner.invoke(app, ["--help"], env={"COLUMNS": "120"}).stdout

    assert "--install-completion" in out and "--show-completion" in out


def _complete(words: str) -> list[str]:
    import os

    env = {
        **os.environ,
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
        "_GDINDEX_COMPLETE": "complete_bash",
    }
    probe = "from gdindex.cli import app\napp(prog_name='gdindex')"
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    ).stdout
    return out.split()


def test_completion_of_specs_nodes_and_periods() -> None:
    assert "specs/guangdong.yaml" in _complete("gdindex compute specs/guang")
    nodes = _complete("gdindex compare specs/guangdong.yaml --node inf")
    assert "infrastructure" in nodes and "dei" not in nodes
    periods = _complete("gdindex compute specs/guangdong.yaml --period ")
    assert periods == ["2021", "2022", "2023"]


@pytest.mark.parametrize(
    "command", ["compute", "report", "check", "weights", "audit", "sensitivity"]
)
def test_an_empty_out_is_a_usage_error(tiny_spec: Path, command: str) -> None:
    code, _, err = run(command, str(tiny_spec), "--out", "")
    code_en, _, err_en = run(command, str(tiny_spec), "--out", "", "--lang", "en")

    assert code == 2 and "'--out' 的值无效：路径为空" in err and "empty" not in err
    assert code_en == 2 and "empty path" in err_en


def test_help_lists_every_command_in_the_order_of_commands() -> None:
    from gdindex.cli.app import COMMANDS as ORDER

    out = runner.invoke(app, ["--help"], env={"COLUMNS": "120"}).stdout
    listed = [
        line.split()[1]
        for line in out.splitlines()
        if line.startswith("│ ") and len(line.split()) > 1 and line.split()[1] in ORDER
    ]
    registered = {c.callback.__name__ for c in app.registered_commands if c.callback}

    assert registered == set(ORDER)
    assert listed == list(ORDER)


def test_a_broken_pydantic_plugin_neither_warns_nor_is_searched_for(
    tmp_path: Path, tiny_spec: Path
) -> None:
    """The spec's models are gdindex's own: the console script does not load
    pydantic plugins (a broken one would print pydantic's warning)."""
    import os

    dist = tmp_path / "site" / "broken_plugin-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Name: broken-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[pydantic]\nbroken = no_such_module:x\n")
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    env["PYTHONPATH"] = str(tmp_path / "site")
    exe = Path(sys.executable).with_name("gdindex")
    probe = (
        "import warnings, pydantic\n"
        "with warnings.catch_warnings(record=True) as w:\n"
        "    warnings.simplefilter('always')\n"
        "    class M(pydantic.BaseModel):\n        x: int = 0\n"
        "print(len(w))"
    )
    planted = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True
    )
    proc = subprocess.run(
        [str(exe), "compute", str(tiny_spec), "-q"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert planted.stdout.strip() == "1"  # the plant works: pydantic warns
    assert proc.returncode == 0 and "plugin" not in proc.stderr


@pytest.mark.parametrize(
    ("command", "extra"),
    [
        ("compute", []),
        ("check", []),
        ("compare", ["--set", "tree.children.p1.weight=5"]),
        ("weights", []),
        ("audit", []),
        ("sensitivity", ["--n", "20"]),
        ("report", []),
    ],
)
def test_quiet_prints_nothing_and_still_writes(
    tiny_spec: Path, tmp_path: Path, command: str, extra: list[str]
) -> None:
    out = tmp_path / "out"
    if command == "sensitivity":
        (tmp_path / "inputs.yaml").write_text(
            "sensitivity:\n  inputs:\n    - {id: agg, set: defaults.aggregate.method,"
            " values: [arithmetic, geometric]}\n",
            encoding="utf-8",
        )
        extra = [*extra, "--inputs", str(tmp_path / "inputs.yaml")]

    code, stdout, stderr = run(command, str(tiny_spec), "--out", str(out), "-q", *extra)
    loud = run(command, str(tiny_spec), "--out", str(tmp_path / "loud"), *extra)

    assert code == 0 and stdout == "" and stderr == ""
    assert sorted(p.name for p in out.iterdir()) == sorted(
        p.name for p in (tmp_path / "loud").iterdir()
    )
    assert loud[0] == 0 and (loud[1] + loud[2]).strip()  # not quiet: it speaks


@pytest.mark.parametrize("command", ["weights", "audit", "compare"])
def test_quiet_with_json_prints_only_the_document(
    tiny_spec: Path, command: str
) -> None:
    code, stdout, stderr = run(command, str(tiny_spec), "-q", "--format", "json")

    assert code == 0 and stderr == ""
    assert isinstance(json.loads(stdout), dict)


def test_sensitivity_prints_no_progress_bar_into_a_log(
    tiny_spec: Path, tmp_path: Path
) -> None:
    (tmp_path / "inputs.yaml").write_text(
        "sensitivity:\n  inputs:\n    - {id: agg, set: defaults.aggregate.method,"
        " values: [arithmetic, geometric]}\n",
        encoding="utf-8",
    )
    code, _, err = run(
        "sensitivity", str(tiny_spec), "--n", "10", "--format", "json",
        "--inputs", str(tmp_path / "inputs.yaml"), "--out", str(tmp_path / "o"),
    )  # fmt: skip

    assert code == 0
    assert err.splitlines() == [f"已写入 3 个文件：{tmp_path / 'o'}"]
