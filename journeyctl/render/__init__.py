"""Drawing journey maps: flow, swimlane and emotion views as DOT, SVG, PNG, PDF and Mermaid.

`formats.render(jmap, request)` draws one view in one format; `flow`, `swimlane`, `emotion`
build the views, `mermaid` the text format, `paper` puts a drawing on a page, `graphviz_run` runs
`dot`, `html` is the page chrome of the HTML reports (the workshop report is `journeyctl.report`).
Imports `core` and `markov` (for the persona overlay and the simulated funnel).
"""
