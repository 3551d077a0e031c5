"""Messages the product composes itself, in many languages (gettext catalogues),
and locale-aware formatting of money and dates (Babel)."""
