"""Customer-facing pages: the preference centre behind unsubscribe links."""
