"""GraphQL API for statistics."""
