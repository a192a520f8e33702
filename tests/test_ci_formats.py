"""CI formats: concise lines (validate and gaps), GitLab Code Quality, JUnit that agrees with the
exit code and validates against the Jenkins xUnit schema, SARIF URIs and fingerprints."""

from __future__ import annotations

import io
import json
import re
import subprocess

import pytest
from conftest import DATA

from journeyctl.core.findings import Severity
from journeyctl.gaps.formats import write_concise
from journeyctl.gaps.model import Gap, GapReport

SCHEMAS = DATA / "schemas"

ONE_STAGE = """\
journeyctl: 1
journey:
  id: shop
  name: Shop
  goal: {touchpoints: [buy]}
  entry: {buy: 1}
stages:
  - {id: purchase, name: Purchase}
channels:
  - {id: web, name: Website}
touchpoints:
"""
"""A map up to its touchpoints, which start on line 12."""
BUY = "  - {id: buy, stage: purchase, channel: web, engagement: active}\n"
BROWSE = "  - {id: browse, stage: purchase, channel: web, engagement: active, next: {buy: 1}}\n"
LOST = "  - {id: lost, stage: purchase, channel: web, engagement: active, next: {exit: 1}}\n"
FROM_BROWSE = ONE_STAGE.replace("entry: {buy: 1}", "entry: {browse: 1}")

SHOP = FROM_BROWSE + BROWSE + BUY.replace("purchase", "purchse") + LOST
"""An unknown stage at 13:22 (error) and an unreachable touchpoint at 14:10 (warning)."""
WARNING_ONLY = (
    FROM_BROWSE.replace("\ntouchpoints:", "\n  - {id: sms, name: SMS}\ntouchpoints:")
    + BROWSE.replace("{buy: 1}", "{buy: 3, exit: 1}")
    + BUY
    + LOST
)
"""JM119 (info) at 11:10 for the unused channel, JM107 (warning) at 15:10: nothing else."""
TWICE = ONE_STAGE + 2 * BUY.replace("}", ", colour: red}")
"""The same finding twice (JM010 `colour` in touchpoint `buy`), at 12:66 and 13:66."""


def _odd(key: str) -> str:
    """A map whose touchpoint has the unknown key `key` (a YAML double-quoted scalar, escapes
    and all) at 12:15, and nothing else wrong."""
    return ONE_STAGE + BUY.replace("buy,", f'buy, "{key}": 1,')


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """An empty git repository as the working directory."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _write(folder, **maps: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in maps.items():
        (folder / name).write_text(text, encoding="utf-8")


# concise


def test_validate_concise_is_one_line_per_finding_and_nothing_else(cli, repo):
    _write(repo, **{"shop.yaml": SHOP, "odd.yaml": _odd(r"bell\akey\nline")})
    r = cli("validate", ".", "--format", "concise")
    assert r.code == 1 and r.err == ""
    assert r.out == (
        "odd.yaml:12:15: JM010 [error] unknown key `bell\\x07key line` in touchpoint `buy`\n"
        "shop.yaml:13:22: JM101 [error] touchpoint `buy` names unknown stage `purchse`\n"
        "shop.yaml:14:10: JM107 [warning] touchpoint `lost` cannot be reached from any entry\n"
    )
    target = repo / "report.txt"
    assert cli("validate", ".", "-f", "concise", "-o", target).out == ""
    assert target.read_text(encoding="utf-8") == r.out


def test_validate_concise_of_a_clean_map_is_empty(cli, repo):
    _write(repo, **{"good.yaml": ONE_STAGE + BUY})
    r = cli("validate", "good.yaml", "-f", "concise")
    assert r.code == 0 and r.out == "" and r.err == ""


ONE_WAY = """\
journeyctl: 1
journey:
  id: one-way
  name: One-way onboarding
  goal: {touchpoints: [sign]}
  entry: {visit: 1}
stages:
  - {id: join, name: Join}
  - {id: onboard, name: Onboarding}
channels:
  - {id: web, name: Website, type: owned, team: digital}
  - {id: email, name: Email, type: owned, team: crm}
touchpoints:
  - {id: visit, stage: join, channel: web, engagement: passive, value: [informative],
     kpis: [visits], next: {sign: 1, exit: 3}}
  - {id: sign, stage: join, channel: web, engagement: active, value: [offer],
     moment_of_truth: true, measurable: true, next: {setup: 1}}
  - {id: setup, stage: onboard, channel: email, engagement: active, initiated_by: brand,
     value: [informative], kpis: [set-ups], next: {exit: 1}}
"""
"""Three in four walks leave at `visit` (its `exit` key at 15:38); onboarding (9:5) is all the
brand's; `sign` is measurable (17:41) without KPIs; the crm team takes over at `setup` (17:54)."""


def test_gaps_concise_is_one_line_per_gap_worst_first(cli, repo):
    _write(repo, **{"one-way.yaml": ONE_WAY})
    r = cli("gaps", "one-way.yaml", "--format", "concise")
    assert r.code == 0 and r.err == ""
    assert r.out == (
        "one-way.yaml:15:38: G601 [warning] 75% of walks drop off at visit; "
        "750 conversions per 1,000 walks lost\n"
        "one-way.yaml:9:5: G202 [warning] Onboarding has nothing the customer starts or "
        "answers: setup (active, brand)\n"
        "one-way.yaml:17:41: G402 [warning] sign names no KPI, yet it is a goal and a moment "
        "of truth\n"
        "one-way.yaml:17:54: G501 [warning] sign (web, digital) → setup (email, crm): no "
        "hand-off; crm starts without what digital knows\n"
    )
    assert cli("gaps", "one-way.yaml", "-f", "concise", "--fail-on", "warning").code == 1


def test_gaps_concise_places_a_gap_without_evidence_at_its_map_file():
    gap = Gap("G101", "uncovered-stage", "coverage", Severity.INFO, "two\nlines\x1b", "do it")
    report = GapReport("m", files=("maps/m.yaml", "maps/catalog.yaml"), personas=(), gaps=[gap])
    out = io.StringIO()
    write_concise(report, out)
    assert out.getvalue() == "maps/m.yaml:1:1: G101 [info] two lines\\x1b\n"


# GitLab Code Quality


def test_gitlab_code_quality_validates_and_fingerprints_are_unique_and_stable(cli, repo):
    import jsonschema

    _write(repo / "maps", **{"shop.yaml": SHOP, "twice.yaml": TWICE, "warning.yaml": WARNING_ONLY})
    r = cli("validate", "maps", "--format", "gitlab")
    assert r.code == 1 and r.err == ""
    issues = json.loads(r.out)
    schema = json.loads((SCHEMAS / "gitlab-codequality.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(issues)

    where = [
        (i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"]) for i in issues
    ]
    assert where == [
        ("JM101", "maps/shop.yaml", 13),
        ("JM107", "maps/shop.yaml", 14),
        ("JM010", "maps/twice.yaml", 12),
        ("JM010", "maps/twice.yaml", 13),
        ("JM119", "maps/warning.yaml", 11),
        ("JM107", "maps/warning.yaml", 15),
    ]
    assert [i["severity"] for i in issues] == ["major", "minor", "major", "major", "info", "minor"]
    assert issues[0]["description"] == (
        "JM101 unknown-stage: touchpoint `buy` names unknown stage `purchse` "
        "(hint: did you mean `purchase`?)"
    )
    prints = [i["fingerprint"] for i in issues]
    assert len(set(prints)) == len(prints)
    assert all(re.fullmatch(r"[0-9a-f]{32}", p) for p in prints)
    assert cli("validate", "maps", "--format", "gitlab").out == r.out

    # Lines moved: the fingerprints stay.
    (repo / "maps" / "shop.yaml").write_text("# moved down\n" + SHOP, encoding="utf-8")
    moved = json.loads(cli("validate", "maps", "--format", "gitlab").out)
    assert [i["fingerprint"] for i in moved] == prints
    assert moved[0]["location"]["lines"]["begin"] == 14


# JUnit


def _junit(text: str):
    """The JUnit report parsed with lxml, after checking it against the Jenkins xUnit XSD."""
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "junit-10.xsd")))
    root = etree.fromstring(text.encode("utf-8"))
    schema.assertValid(root)
    return root


def _failing(root) -> list[str]:
    return [c.get("name") for c in root.iter("testcase") if c.find("failure") is not None]


@pytest.mark.parametrize(
    ("args", "code", "failing"),
    [
        ([], 0, []),
        (["--strict"], 1, ["JM107 unreachable-touchpoint at 15:10"]),
        (
            ["--fail-level", "info"],
            1,
            ["JM119 unused-definition at 11:10", "JM107 unreachable-touchpoint at 15:10"],
        ),
        (["--strict", "--exit-zero"], 0, ["JM107 unreachable-touchpoint at 15:10"]),
    ],
)
def test_junit_failures_are_the_findings_that_fail_the_run(cli, repo, args, code, failing):
    _write(repo, **{"warning.yaml": WARNING_ONLY})
    r = cli("validate", "warning.yaml", "--format", "junit", *args)
    assert r.code == code
    root = _junit(r.out)
    assert _failing(root) == failing
    [suite] = root.findall("testsuite")
    assert suite.get("tests") == root.get("tests") == "2"
    assert suite.get("failures") == root.get("failures") == str(len(failing))
    passing = [c for c in suite.iter("testcase") if c.find("failure") is None]
    for case in passing:  # below the fail level: passing, the finding's text in system-out
        assert case.find("system-out").text.startswith("warning.yaml:")


def test_junit_follows_the_configured_fail_level(cli, repo):
    _write(repo, **{"warning.yaml": WARNING_ONLY, ".journeyctl.yaml": "fail-level: warning\n"})
    r = cli("validate", "warning.yaml", "--format", "junit")
    assert r.code == 1
    assert _failing(_junit(r.out)) == ["JM107 unreachable-touchpoint at 15:10"]


def test_junit_counts_add_up_over_files(cli, repo):
    _write(repo, **{"shop.yaml": SHOP, "twice.yaml": TWICE, "good.yaml": WARNING_ONLY})
    root = _junit(cli("validate", ".", "--format", "junit").out)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["good.yaml", "shop.yaml", "twice.yaml"]
    assert [s.get("failures") for s in suites] == ["0", "1", "2"]
    assert [s.get("tests") for s in suites] == ["2", "2", "2"]
    assert root.get("failures") == "3" and root.get("tests") == "6"
    assert root.get("failures") == str(len(_failing(root)))


def test_junit_escapes_what_xml_forbids(cli, repo):
    key = r"\e[31m\a\x01\uFFFE"
    _write(repo, **{"odd.yaml": _odd(key), "bell\a.yaml": _odd(key)})
    r = cli("validate", ".", "--format", "junit")
    assert r.code == 1
    root = _junit(r.out)
    assert [s.get("name") for s in root.findall("testsuite")] == ["bell\\x07.yaml", "odd.yaml"]
    failure = root.find("testsuite/testcase/failure")
    assert failure.get("message") == (
        "unknown key `\\x1b[31m\\x07\\x01\\ufffe` in touchpoint `buy`"
    )
    assert "unknown key `\\x1b[31m\\x07\\x01\\ufffe`" in failure.text


# SARIF


def _rfc3986():
    """Regular expressions for RFC 3986 `URI` and `URI-reference`, from its collected ABNF."""
    pchar = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})"
    segment, segment_nz = f"{pchar}*", f"{pchar}+"
    segment_nz_nc = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=@]|%[0-9A-Fa-f]{2})+"
    query = f"(?:{pchar}|[/?])*"
    host = r"(?:\[[0-9A-Fa-f:.]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)"
    userinfo = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2})*"
    authority = f"(?:{userinfo}@)?{host}(?::[0-9]*)?"
    abempty = f"(?:/{segment})*"
    absolute = f"/(?:{segment_nz}(?:/{segment})*)?"
    tail = f"(?:\\?{query})?(?:#{query})?"
    uri = (
        f"[A-Za-z][A-Za-z0-9+\\-.]*:(?://{authority}{abempty}|{absolute}"
        f"|{segment_nz}(?:/{segment})*|){tail}"
    )
    relative = f"(?://{authority}{abempty}|{absolute}|{segment_nz_nc}(?:/{segment})*|){tail}"
    return re.compile(uri), re.compile(f"(?:{uri})|(?:{relative})")


def _format_checker():
    """jsonschema's format checker with `uri` and `uri-reference` checked by the RFC 3986
    grammar (its own checks need rfc3987 or rfc3986-validator, which the tests do without)."""
    import jsonschema

    uri, reference = _rfc3986()
    checker = jsonschema.FormatChecker()
    checker.checks("uri")(lambda v: not isinstance(v, str) or bool(uri.fullmatch(v)))
    checker.checks("uri-reference")(
        lambda v: not isinstance(v, str) or bool(reference.fullmatch(v))
    )
    return checker


def test_sarif_uris_are_percent_encoded_and_fingerprints_unique(cli, repo):
    import jsonschema

    names = ["my map.yaml", "a#b.yaml", "100%.yaml", "café.yaml"]
    _write(repo / "maps", **dict.fromkeys(names, WARNING_ONLY), **{"twice.yaml": TWICE})
    r = cli("validate", "maps", "--format", "sarif")
    doc = json.loads(r.out)
    checker = _format_checker()
    for raw in ("maps/my map.yaml", "a#b#c", "100%.yaml", "café.yaml"):
        assert not checker.conforms(raw, "uri-reference")
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema, format_checker=checker).validate(doc)

    results = doc["runs"][0]["results"]
    uris = [res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for res in results]
    assert sorted(set(uris)) == [
        "maps/100%25.yaml",
        "maps/a%23b.yaml",
        "maps/caf%C3%A9.yaml",
        "maps/my%20map.yaml",
        "maps/twice.yaml",
    ]
    prints = [res["partialFingerprints"]["journeyctl/v1"] for res in results]
    assert len(prints) == 10 and len(set(prints)) == len(prints)
    assert cli("validate", "maps", "--format", "sarif").out == r.out


def test_sarif_fingerprint_is_rule_file_and_message_so_a_sibling_finding_cannot_move_it(cli, repo):
    import hashlib

    two = ONE_STAGE + BUY.replace("}", ", colour: red, flavour: sweet}")
    _write(repo / "maps", **{"shop.yaml": two})

    def prints() -> dict[str, str]:
        """Fingerprint by unknown key."""
        doc = json.loads(cli("validate", "maps", "--format", "sarif").out)
        results = doc["runs"][0]["results"]
        assert {r["ruleId"] for r in results} == {"JM010"}
        return {
            re.search(r"`(\w+)`", r["message"]["text"])[1]: r["partialFingerprints"][
                "journeyctl/v1"
            ]
            for r in results
        }

    before = prints()
    assert set(before) == {"colour", "flavour"}
    # The documented contract: SHA-256 of rule, file and message (not line, not position).
    message = "unknown key `flavour` in touchpoint `buy`"
    text = "\0".join(("JM010", "maps/shop.yaml", message)).encode()
    assert before["flavour"] == hashlib.sha256(text).hexdigest()[:32]
    # The other finding fixed: this one keeps its fingerprint.
    _write(repo / "maps", **{"shop.yaml": two.replace(" colour: red,", "")})
    assert prints() == {"flavour": before["flavour"]}
