"""Supervisor analytics: per-conversation facts, the dashboard's figures, CSV export, demo history."""
