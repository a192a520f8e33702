"""`journeyctl validate`, `schema` and the entry points, driven as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache

from conftest import ROOT

CASES = ROOT / "tests" / "cases"
MINIMAL = CASES / "valid" / "minimal.yaml"


def test_clean_map_exits_zero_with_a_summary(cli):
    result = cli("validate", MINIMAL)
    assert result.code == 0
    assert "1 file checked: 0 errors, 0 warnings, 0 info" in result.out
    assert result.err == ""


def test_directory_is_searched_and_included_files_counted_once(cli):
    result = cli("validate", CASES / "valid", "-f", "json")
    assert result.code == 0
    files = json.loads(result.out)["files"]
    assert any(f.endswith("shared/catalogue.yaml") for f in files)
    assert len(files) == len(set(files)) == len(list((CASES / "valid").rglob("*.yaml")))


def test_warnings_pass_unless_strict(cli, tmp_path):
    path = tmp_path / "warn.yaml"
    text = MINIMAL.read_text().replace(
        "stages:\n", "stages:\n  - {id: awareness, name: Awareness}\n"
    )
    path.write_text(text)
    assert cli("validate", path).code == 0
    assert cli("validate", path, "--strict").code == 1


def test_usage_and_unreadable_input_exit_two(cli, tmp_path):
    assert cli("validate", tmp_path / "missing.yaml").code == 2
    assert cli("validate", tmp_path).code == 2  # no maps in an empty folder
    bad = cli("validate", MINIMAL, "--format", "xml")
    assert bad.code == 2 and "unknown format" in bad.err
    assert cli("validate").code == 2


def test_json_is_deterministic_and_sorted(cli):
    case = CASES / "invalid" / "logic.yaml"
    first, second = cli("validate", case, "-f", "json"), cli("validate", case, "-f", "json")
    assert first.out == second.out
    findings = json.loads(first.out)["findings"]
    assert [(f["line"], f["column"]) for f in findings] == sorted(
        (f["line"], f["column"]) for f in findings
    )
    assert set(findings[0]) >= {"code", "slug", "severity", "message", "file", "line", "hint"}


def test_user_text_is_never_read_as_rich_markup(cli, tmp_path):
    path = tmp_path / "markup.yaml"
    path.write_text("journeyctl: 1\nchannels:\n  - {id: web, name: Web, '[red]x[/red]': 1}\n")
    result = cli("validate", path)
    assert "unknown key `[red]x[/red]`" in result.out


def test_output_file_receives_the_report(cli, tmp_path):
    target = tmp_path / "report.json"
    result = cli("validate", MINIMAL, "-f", "json", "-o", target)
    assert result.code == 0 and result.out == ""
    assert json.loads(target.read_text())["findings"] == []


def test_schema_command_prints_the_published_schema(cli):
    result = cli("schema")
    schema = json.loads(result.out)
    assert schema["$schema"].endswith("2020-12/schema")
    assert {"journey", "stages", "channels", "screens", "personas", "touchpoints"} <= set(
        schema["properties"]
    )
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(schema)


def test_python_dash_m_runs_the_cli():
    proc = subprocess.run(
        [sys.executable, "-m", "journeyctl", "validate", str(MINIMAL)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0 and "0 errors" in proc.stdout


def test_a_clean_run_imports_neither_jsonschema_nor_a_process_pool():
    """jsonschema explains errors: a clean map never needs it (nor a pool for three files)."""
    code = (
        "import sys; from journeyctl.cli import run; "
        "code = run(['validate', 'maps/treadmill.yaml']); "
        "print(code, [m for m in ('jsonschema', 'concurrent.futures') if m in sys.modules])"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.stdout.splitlines()[-1] == "0 []", proc.stderr


ODD = {  # jsonschema-rs refuses a NaN as a number, and a line break before a pattern's `$`
    "nan.yaml": "channel_affinity: {web: .nan}",
    "line-break.yaml": 'channel_affinity: {"web\\n": 1}',
    "number-key.yaml": "channel_affinity: {7: 1}",  # and it takes only text as keys
}
"""Catalogues with values the two validators judge differently, or jsonschema-rs cannot take."""


def test_without_jsonschema_rs_the_findings_are_the_same(cli, tmp_path, monkeypatch):
    from journeyctl.lint import schema

    assert schema._native() is not None  # installed: the fast verdict is in use
    head = "journeyctl: 1\nchannels: [{id: web, name: Web}]\npersonas:\n  - id: p\n    name: P\n"
    for name, affinity in ODD.items():
        (tmp_path / name).write_text(f"{head}    {affinity}\n", encoding="utf-8")
    runs = [CASES / "invalid", CASES / "valid", ROOT / "maps", tmp_path]
    fast = [cli("validate", path, "-f", "json", "-j", "1").out for path in runs]
    monkeypatch.setitem(sys.modules, "jsonschema_rs", None)  # `import jsonschema_rs` fails
    monkeypatch.setattr(schema, "_native", cache(schema._native.__wrapped__))
    assert schema._native() is None
    slow = [cli("validate", path, "-f", "json", "-j", "1").out for path in runs]
    assert fast == slow
    found = {(f["file"].rsplit("/", 1)[-1], f["code"]) for f in json.loads(fast[-1])["findings"]}
    # jsonschema passes all three, as before: a number out of range, then the logic rules
    assert found == {
        ("nan.yaml", "JM013"),
        ("line-break.yaml", "JM114"),
        ("number-key.yaml", "JM114"),
    }
