"""GraphQL API for units."""
