"""Adapters: the ports of ``cortesia.engine`` made real (memory, SQL, files)."""
