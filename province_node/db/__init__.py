"""The node's database: table definitions, engines per tenant, migrations."""
