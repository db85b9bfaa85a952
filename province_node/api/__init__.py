"""The province GraphQL API: one package per domain, merged into one schema in ``schema.py``."""
