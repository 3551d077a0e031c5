"""The action layer: every read and write on the backend as a typed tool with a
JSON schema, enforcing authorization, policy, idempotency and the audit log."""
