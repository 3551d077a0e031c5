"""Live updates: new messages reach every open widget and console, in-process or
across server processes through Redis pub/sub."""
