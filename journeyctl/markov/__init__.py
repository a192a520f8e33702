"""The simulation: a journey map as a Markov chain, solved exactly and walked at random.

The persona-adjusted chain (`chain`), reachability, the fundamental matrix and hitting odds
shared by every solver (`absorbing`), exact figures (`exact`), vectorised Monte Carlo walks
(`montecarlo`, with draws in `sampling`), per-persona summaries (`summary`), walks as an event
log (`events`) and the reports (`formats` for JSON/CSV, `text` for people). Imports
`journeyctl.core` only.
"""
