"""Drawing journey maps: flow, swimlane and emotion views as DOT, SVG, PNG, PDF, Mermaid, HTML."""
