"""Optional integrations with other tools. Nothing here is imported by the linter's core."""
