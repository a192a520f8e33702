"""Drawing journey maps: flow, swimlane and emotion views as DOT, SVG, PNG, PDF, Mermaid, HTML.

`formats.render(jmap, request)` draws one view in one format; `flow`, `swimlane`, `emotion`
build the views, `mermaid` and `html` the text formats, `graphviz_run` runs `dot`. Imports
`core` and `markov` (for the persona overlay and the simulated funnel).
"""
