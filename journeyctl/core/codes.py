"""A code's declaration: the identity and documentation behind every finding and gap."""

from __future__ import annotations

from dataclasses import dataclass

from journeyctl.core.findings import Finding, Severity
from journeyctl.core.span import Span


@dataclass(frozen=True, slots=True)
class Rule:
    """A code (`JM101`, `G501`): its slug, default severity and documentation.

    The first paragraph of `doc` is the summary; the rest describes the code. A lint rule's
    documentation ends with a failing and a passing example. Lint rules are declared in
    `journeyctl.lint.rules`, gap types (`GapType`, a Rule with a family) in `journeyctl.gaps`.
    """

    code: str
    slug: str
    severity: Severity
    doc: str

    @property
    def summary(self) -> str:
        first = self.description.split("\n\n", 1)[0]
        return " ".join(first.split())

    @property
    def description(self) -> str:
        return _dedent_doc(self.doc)

    def example(self, label: str) -> str | None:
        """The YAML of the documentation's `Failing` or `Passing` example, dedented."""
        import textwrap

        lines = self.description.splitlines()
        try:
            start = lines.index(f"{label} example::") + 1
        except ValueError:
            return None
        block = []
        for line in lines[start:]:
            if line and not line[0].isspace():
                break
            block.append(line)
        return textwrap.dedent("\n".join(block)).strip() + "\n"

    def at(self, span: Span, message: str, hint: str = "") -> Finding:
        """A finding of this rule at `span`."""
        return Finding(self.code, self.slug, self.severity, message, span, hint)


def _dedent_doc(doc: str) -> str:
    import inspect

    return inspect.cleandoc(doc)
