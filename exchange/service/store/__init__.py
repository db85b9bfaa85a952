"""The exchange's SQL: set-based statements over a psycopg connection, one module per concern."""
