"""The province node: a province's real-name database and its GraphQL API."""
