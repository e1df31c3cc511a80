"""Pure domain: customers, consent events and the rules that fold them into state."""
