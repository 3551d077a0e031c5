"""Load, footprint and scaling benchmarks of the chat API (see __main__.py)."""
