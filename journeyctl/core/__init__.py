"""The core: what every other part shares, and nothing above it.

Spans (where a value stands in a file), findings and the `Rule` declaration behind every
code, the typed journey-map model, reachability over a map's touchpoints, the bounds on
untrusted input, and the library's exceptions. Imports only the standard library.
"""
