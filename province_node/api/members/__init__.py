"""GraphQL API for members."""
