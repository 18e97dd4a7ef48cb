"""Fixes: rules attach text edits to findings (edits.py builds them, imports.py spells the names they write
through the file's own imports); apply.py applies them, checks the result still parses, and writes it (or shows
a diff)."""
