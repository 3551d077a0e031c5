"""People who work the console: users with roles, argon2 passwords, expiring sessions, CSRF tokens."""
