"""Cold start, memory under load and install size (see __main__.py)."""
