"""Who is calling the gateway: its own login (demo accounts), OpenID Connect issuers, and the tokens it signs."""
