"""Small shared building blocks: clock, money, card-number redaction, logging."""
