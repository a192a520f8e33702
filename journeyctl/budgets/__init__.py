"""Budgets: the figures a map must keep, set in the configuration and checked in CI.

`config.parse(config)` reads the `budgets` section (which maps, which budgets, where each is
set); `evaluate.check(jmap, budgets)` measures each figure against its bound and makes a
finding of each breach; `codes` declares B101–B104. Imports `core`, `lint`, `markov`, `gaps`.
"""
