"""Knowledge-base benchmark (`python -m bench.kb`)."""
