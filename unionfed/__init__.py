"""unionfed: the command line and the runtime pieces every service shares (the embedded PostgreSQL)."""
