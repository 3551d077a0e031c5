"""People tests reuse the served API of the web tests (tests/web/conftest.py)."""

from web.conftest import api_factory  # noqa: F401  (a fixture)
