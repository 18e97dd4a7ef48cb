"""`django-protolint server`: a Language Server (pygls) over the same pipeline and configuration as `check`.

analysis.py is the one seam to the pipeline (an engine can replace it); the rest turns a report into LSP messages:
positions.py (coordinates), diagnostics.py (findings and the verdict), actions.py (fixes and `# noqa`), lsp.py
(the protocol: documents, debounced analysis, publishing).
"""
