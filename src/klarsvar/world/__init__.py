"""The Lumo demo world: fixed entities from the spec, a deterministic generator
for the rest, the help centre, and `reset` that rebuilds it all."""
