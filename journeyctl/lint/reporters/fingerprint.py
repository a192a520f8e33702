"""Fingerprints that follow a finding across runs, for SARIF and GitLab Code Quality."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence

from journeyctl.core.findings import Finding


def fingerprints(findings: Sequence[Finding], files: Sequence[str]) -> list[str]:
    """One per finding (in `files`, as the report names them), unique within the report.

    32 hex digits of the SHA-256 of rule, file and message, not the line, so that moving lines
    keeps them; the second and later of identical findings in a file put their occurrence
    number first. Codes start with a letter and paths hold no NUL, so no two inputs coincide.
    """
    seen: Counter[tuple[str, str, str]] = Counter()
    out = []
    for finding, file in zip(findings, files, strict=True):
        key = (finding.code, file, finding.message)
        occurrence = seen[key]
        seen[key] += 1
        parts = (str(occurrence), *key) if occurrence else key
        digest = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass"))
        out.append(digest.hexdigest()[:32])
    return out
