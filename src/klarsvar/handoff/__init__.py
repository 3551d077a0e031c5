"""Handover to people: the queue, the summary for the agent, hand back and close."""
