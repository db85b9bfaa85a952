"""The gateway's side of talking to province nodes: one client per node, and asking all of them at once."""
