"""Evaluation: the scenario runner that tests conversations end to end."""
