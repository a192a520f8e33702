"""The semantic diff of two versions of a map: what changed, and which findings came or went.

`compare` builds the diff from two files, two folders or a git revision; `report` writes it
as text, Markdown or JSON. Imports `journeyctl.core` and `journeyctl.lint`.
"""
