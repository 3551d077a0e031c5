"""The conversation engine: a message and the conversation's state go in;
replies, executed actions and state changes come out. One path for the HTTP
API, the terminal chat and the scenario runner."""
