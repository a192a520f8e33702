"""journeyctl: customer journey maps as YAML — validate, simulate, render and find gaps.

The library's entry points, imported on first use so that `import journeyctl` stays light:

    from journeyctl import find_gaps, load_map, simulate, solve
    jmap = load_map(Path("maps/treadmill.yaml"))
    solve(jmap, "enthusiast").conversion

Parts, from the bottom up (each imports only those before it): `core` (model, spans,
findings, errors), `lint` (files to a checked map), `markov` (simulation), `eventlog`,
`render`, `gaps`, `diff`, `templates`, `registry` (every code), and `cli` on top.
"""

__version__ = "0.2.0"

_API = {
    "JourneyMap": "journeyctl.core.model",
    "load_map": "journeyctl.lint.load",
    "persona_chain": "journeyctl.markov.chain",
    "solve": "journeyctl.markov.exact",
    "simulate": "journeyctl.markov.montecarlo",
    "find_gaps": "journeyctl.gaps",
}
__all__ = ["__version__", *sorted(_API)]


def __getattr__(name: str):
    if name not in _API:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_API[name]), name)
