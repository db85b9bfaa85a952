"""GraphQL API for organisations."""
