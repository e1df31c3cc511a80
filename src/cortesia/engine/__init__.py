"""Use cases and the ports they need; adapters plug in through ``bootstrap``."""
