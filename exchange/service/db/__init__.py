"""The exchange's database: table definitions, migrations, the connection pool."""
