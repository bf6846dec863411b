"""The scored transcript: one model, built from stored rows, rendered as JSON, Markdown or PDF."""
