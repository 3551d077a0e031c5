"""Understanding: turns a customer message into proposals (intents, entities,
signals, language). Behind one interface, so an LLM can take the same seat."""
