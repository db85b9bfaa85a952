"""The exchange's rules as plain Python: what an event or a claim does to the identity index, the
conflicts and the national tally. No web, no database: the service layer loads rows, asks these rules
and writes what they decided."""
