"""Fixes: rules attach text edits to findings (edits.py builds them); apply.py applies them, checks the result
still parses, and writes it (or shows a diff)."""
