"""Every warning and error text gdindex creates has its Chinese (`--lang zh`).

The source is walked with `ast`: each `Issue(...)`, `log.warn/error(...)`, raise of
a `GdindexError` (any subclass), `LocalisedValueError`, `shell.BadValue` (a usage
error; a bare `BadParameter` is refused), or of the modules' own message-carrying
exceptions must pass its Chinese text, and a literal Chinese text
must hold Chinese characters. A new site that forgets it fails here.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

from gdindex.errors import Issue

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "gdindex"

#: Exceptions that carry a message and hint to an `Issue`, outside the
#: `GdindexError` family, with the keyword of their Chinese message.
CARRIERS = {"_OverrideError", "DecodeError"}

#: `raise ValueError(...)` left in methods/ and spec/: programmer errors that no
#: spec or data can cause (file, start of the message).
INTERNAL_VALUE_ERRORS = {("methods/registry.py", "registered twice")}

_CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


def _modules() -> list[tuple[str, ast.Module]]:
    return [
        (path.relative_to(SRC).as_posix(), ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(SRC.rglob("*.py"))
    ]


def _error_classes(modules: list[tuple[str, ast.Module]]) -> set[str]:
    """`GdindexError` and every class that derives from it, by name."""
    found = {"GdindexError"}
    bases: dict[str, set[str]] = {}
    for _, tree in modules:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = {
                    b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")
                    for b in node.bases
                }
    grew = True
    while grew:
        grew = False
        for name, parents in bases.items():
            if name not in found and parents & found:
                found.add(name)
                grew = True
    return found


def _name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _literal_text(node: ast.expr) -> str | None:
    """The constant parts of a literal text (str, f-string, `+` of them, a
    conditional of them), or None when it is computed."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value
            for v in node.values
            if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal_text(node.left), _literal_text(node.right)
        if left is None and right is None:
            return None
        return (left or "") + (right or "")
    if isinstance(node, ast.IfExp):
        a, b = _literal_text(node.body), _literal_text(node.orelse)
        if a is None or b is None:
            return None
        return a if not _CJK.search(b) else b if not _CJK.search(a) else a + b
    return None


def _not_chinese(node: ast.expr | None) -> bool:
    """A Chinese text that is missing, None, or a literal without Chinese."""
    if node is None:
        return True
    if isinstance(node, ast.Constant) and node.value is None:
        return True
    text = _literal_text(node)
    if isinstance(node, ast.IfExp):  # each branch must be Chinese (or computed)
        return _not_chinese(node.body) or _not_chinese(node.orelse)
    return text is not None and not _CJK.search(text) and text.strip() != ""


def _hint_given(call: ast.Call, position: int) -> bool:
    hint = _keyword(call, "hint")
    if hint is None and len(call.args) > position:
        hint = call.args[position]
    return hint is not None and not (
        isinstance(hint, ast.Constant) and hint.value in (None, "")
    )


def _problems() -> list[str]:
    modules = _modules()
    errors = _error_classes(modules)
    problems: list[str] = []
    for rel, tree in modules:
        if rel == "errors.py":
            continue  # the definitions themselves
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                call = node.exc
                if _name(call) == "ValueError" and rel.startswith(
                    ("methods/", "spec/")
                ):
                    text = _literal_text(call.args[0]) if call.args else ""
                    if not any(
                        rel == f and text and m in text
                        for f, m in INTERNAL_VALUE_ERRORS
                    ):
                        problems.append(
                            f"{rel}:{node.lineno}: ValueError a user reads; raise "
                            "LocalisedValueError(message, message_zh)"
                        )
            if not isinstance(node, ast.Call):
                continue
            name = _name(node)
            where = f"{rel}:{node.lineno}: {name}(…)"
            if name == "BadParameter":
                problems.append(
                    f"{where}: a usage error a user reads; raise "
                    "shell.BadValue(message, message_zh)"
                )
                continue
            if name in ("LocalisedValueError", "BadValue"):
                zh = (
                    node.args[1] if len(node.args) > 1 else _keyword(node, "message_zh")
                )
                if _not_chinese(zh):
                    problems.append(f"{where} without a Chinese message")
                continue
            if name == "raise_if_errors":
                zh = node.args[2] if len(node.args) > 2 else _keyword(node, "what_zh")
                if _not_chinese(zh):
                    problems.append(f"{where} without what_zh")
                continue
            is_log = name in ("warn", "error") and isinstance(node.func, ast.Attribute)
            if is_log and isinstance(node.func.value, ast.Name):  # type: ignore[union-attr]
                is_log = node.func.value.id not in ("warnings", "logging", "logger")  # type: ignore[union-attr]
            if not (name == "Issue" or is_log or name in errors or name in CARRIERS):
                continue
            if name in errors and not node.args and not node.keywords:
                continue  # a bare class reference in a call without a message
            if _not_chinese(_keyword(node, "message_zh")):
                problems.append(f"{where} without a Chinese message_zh")
            hint_at = 1 if name in CARRIERS else 2
            takes_hint = name == "Issue" or is_log or name in CARRIERS
            if takes_hint and _hint_given(node, hint_at):
                if _not_chinese(_keyword(node, "hint_zh")):
                    problems.append(f"{where} has a hint without a Chinese hint_zh")
    return problems


def test_every_warning_and_error_site_has_its_chinese_text() -> None:
    problems = _problems()

    assert not problems, f"{len(problems)} sites:\n" + "\n".join(problems)


def test_the_walk_finds_the_sites_and_sees_a_missing_translation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the checker is not vacuous: it sees sites, and flags a planted one
    planted = tmp_path / "gdindex"
    planted.mkdir()
    (planted / "errors.py").write_text("class GdindexError(Exception): ...\n")
    (planted / "mine.py").write_text(
        "from gdindex.errors import GdindexError, Issue\n"
        "class MineError(GdindexError): ...\n"
        "def f(log):\n"
        "    log.warn('w', 'english only', 'a hint', message_zh='中文')\n"
        "    log.error('w', 'fine', message_zh='好')\n"
        "    Issue('w', 'x', message_zh='not chinese')\n"
        "    raise MineError('english only')\n"
        "    raise typer.BadParameter('english only')\n"
        "    raise BadValue('english', 'still english')\n"
        "    raise BadValue('english', '中文')\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "SRC", planted)

    found = _problems()

    assert len(found) == 5, found
    assert any("mine.py:8" in p and "BadValue" in p for p in found)
    assert any("mine.py:9" in p and "without a Chinese" in p for p in found)
    assert any("mine.py:4" in p and "hint" in p for p in found)
    assert any("mine.py:6" in p for p in found)
    assert any("mine.py:7" in p and "MineError" in p for p in found)


def test_the_source_has_many_sites() -> None:
    # guards the walk itself: if it stopped matching calls, it would pass vacuously
    count = 0
    for _, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _keyword(node, "message_zh") is not None:
                count += 1
    assert count > 200


# --- The command line: a zh run prints the Chinese texts, an en run the English --- #

_BOX = re.compile(r"[\s│┃║╭╮╰╯─━┏┓┗┛┡┩╇┳┻┣┫┠┨┯┷┼┤├┬┴┌┐└┘]")
#: English words of a sentence; none is in a Chinese message or in the tiny
#: project's ids, paths and names.
_ENGLISH = re.compile(r"\b(?:the|is|are|not|of|or|and|with|cannot|missing|unknown)\b")


def _english(text: str) -> list[str]:
    """English sentence words in `text`, outside quotes, code, `{…}` YAML and
    words joined by `/` or `-` (paths, codes such as `missing-file`)."""
    text = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`|\{[^}]*\}|\S*[/-]\S*", "", text)
    return _ENGLISH.findall(text)


def _flat(text: str) -> str:
    """Text without whitespace and table or panel borders: lines Rich wrapped are
    joined again."""
    return _BOX.sub("", text)


def _cli(*args: str) -> tuple[int, str, str]:
    from gdindex.cli import app
    from tests.conftest import CliRunner

    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "3000"})
    return result.exit_code, result.stdout, result.stderr


def _speaks(issues: list[Issue], zh_text: str, en_text: str) -> None:
    """Every issue's message and hint are in its language's output only."""
    zh_flat, en_flat = _flat(zh_text), _flat(en_text)
    for issue in issues:
        zh = issue.in_lang("zh")
        for english, chinese in ((issue.message, zh.message), (issue.hint, zh.hint)):
            if english is None:
                continue
            assert chinese != english, f"no Chinese for {english!r}"
            assert _flat(chinese) in zh_flat, chinese
            assert _flat(english) not in zh_flat, english
            assert _flat(english) in en_flat, english
            assert _flat(chinese) not in en_flat, chinese


def _three_mistakes(root: Path) -> Path:
    from tests.conftest import SPEC_YAML, write_project

    spec = (
        SPEC_YAML.replace("weight: 2", "weight: -2")
        .replace("id: tiny", "id: tiny\ncolour: red")
        .replace("periods:", "defaults:\n  normalise: {method: minmx}\nperiods:")
    )
    return write_project(root, spec)


def _bad_data(root: Path) -> Path:
    from tests.conftest import DATA_CSV, write_project

    data = DATA_CSV.replace("A,2022,12", "A,2022,x").replace("C,2021,30", "C,2021,—")
    return write_project(root, data=data + "A,2021,1,1,1,1\n")


def _missing_file(root: Path) -> Path:
    from tests.conftest import write_project

    spec = write_project(root)
    (root / "data.csv").unlink()
    return spec


@pytest.mark.parametrize("command", ["compute", "validate", "check"])
@pytest.mark.parametrize("make", [_three_mistakes, _bad_data, _missing_file])
def test_errors_print_in_the_language_of_the_run(
    tmp_path: Path, command: str, make: object
) -> None:
    import gdindex
    from gdindex.analysis.datacheck import check_data
    from gdindex.errors import GdindexError

    spec = make(tmp_path)  # type: ignore[operator]
    head: GdindexError | None = None
    try:
        if command == "validate":
            issues = gdindex.validate(spec)
        elif command == "check":
            issues = check_data(gdindex.load_spec(spec)).errors
        else:
            gdindex.compute(spec)
            issues = []
    except GdindexError as exc:
        head, issues = exc, exc.issues

    code, out, err = _cli(command, str(spec))
    code_en, out_en, err_en = _cli(command, str(spec), "--lang", "en")

    assert issues and code == code_en == 1
    _speaks(issues, out + err, out_en + err_en)
    if head is not None:  # the panel's headline
        assert _flat(head.headline("zh")) in _flat(err)
        assert _flat(str(head).splitlines()[0]) in _flat(err_en)
        assert "hint:" not in err and "建议：" in err
        assert "hint:" in err_en and "建议" not in err_en
    assert _english(out + err) == []


def test_warnings_print_in_the_language_of_the_run() -> None:
    import gdindex

    spec = str(ROOT / "specs" / "guangdong.yaml")
    warnings = gdindex.compute(spec).issues

    code, out, _ = _cli("compute", spec)
    code_en, out_en, _ = _cli("compute", spec, "--lang", "en")

    assert warnings and code == code_en == 0
    panel, panel_en = out[out.index("提示 (") :], out_en[out_en.index("Warnings (") :]
    _speaks(warnings, panel, panel_en)
    assert "(hint:" not in panel and "（建议：" in panel
    assert _english(panel) == []


def test_warnings_of_validate_print_in_the_language_of_the_run(tmp_path: Path) -> None:
    import gdindex
    from tests.conftest import DATA_CSV, SPEC_YAML, write_project

    constant = DATA_CSV.replace(",1,100", ",7,100").replace(",2,90", ",7,90")
    constant = "\n".join(
        ",".join(row.split(",")[:4] + ["7"] + row.split(",")[5:]) if k else row
        for k, row in enumerate(constant.splitlines())
    )
    spec = write_project(
        tmp_path, SPEC_YAML.replace("i4, weight: 3}]", "i4, weight: 3}]\n"), constant
    )
    warnings = [i for i in gdindex.validate(spec) if i.severity == "warning"]

    code, out, _ = _cli("validate", str(spec))
    code_en, out_en, _ = _cli("validate", str(spec), "--lang", "en")

    assert warnings and code == code_en == 0
    _speaks(warnings, out, out_en)


def test_json_output_is_the_librarys_whatever_the_language() -> None:
    import json

    import gdindex

    spec = str(ROOT / "specs" / "guangdong.yaml")
    expected = json.loads(gdindex.compute(spec).to_json())

    code, out, _ = _cli("compute", spec, "--format", "json")
    code_en, out_en, _ = _cli("compute", spec, "--format", "json", "--lang", "en")

    assert code == code_en == 0
    assert json.loads(out) == json.loads(out_en) == expected
    issue = expected["issues"][0]
    assert issue["message_zh"] != issue["message"] and "标准化" in issue["message_zh"]
