"""The node's use cases: each takes a ``UnitOfWork`` (the request's database, tenant and caller), applies
the domain rules and reads or writes the tenant database. GraphQL resolvers call these and stay thin."""
