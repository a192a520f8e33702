"""The README's benchmark table is the one `bench/table.py` makes from bench/results/: a figure
cannot be edited by hand, nor a result recorded without the table following."""

from __future__ import annotations

import json
import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import table


def test_every_table_is_made_from_the_recorded_results():
    made = table.table()
    assert made.count("\n| ") >= 10, "too few recorded rows"
    for path in table.FILES:
        text = path.read_text(encoding="utf-8")
        assert table.replaced(text, made, path) == text, f"{path}: run python bench/table.py"


def test_a_changed_result_changes_the_table(tmp_path):
    for path in (ROOT / "bench" / "results").glob("*.json"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    before = table.table(tmp_path)
    one = next(tmp_path.glob("*.json"))
    doc = json.loads(one.read_text(encoding="utf-8"))
    doc["rows"][0]["met"] = not doc["rows"][0]["met"]
    one.write_text(json.dumps(doc), encoding="utf-8")
    assert table.table(tmp_path) != before
