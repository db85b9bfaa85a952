"""GraphQL API for accounts."""
