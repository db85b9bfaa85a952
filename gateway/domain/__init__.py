"""The gateway's rules as plain Python: merging partial counts, circuit breakers, retries, national roles.

Nothing here imports a web, HTTP or database library; every rule is tested directly.
"""
