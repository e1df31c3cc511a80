"""Routes: each one parses, calls one use case and renders."""
