"""The web layer (FastAPI): thin routes over the engine and services."""
