"""The core: what every other part shares, and nothing above it.

Spans (`span`), findings (`findings`) and the `Rule` declaration behind every code (`codes`),
the typed journey-map model (`model`), reachability over a map's touchpoints (`graph`), the
bounds on untrusted input (`limits`), the library's exceptions (`errors`), the cores a process
may use (`machine`) and the one way output files are written (`files`). Imports only the
standard library.
"""
