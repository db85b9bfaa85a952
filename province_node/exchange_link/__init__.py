"""The node's link to the national exchange: its HTTP client, the claims made at registration and import,
the outbox relay, and the conflicts the exchange records (``exchange/PROTOCOL.md``)."""
