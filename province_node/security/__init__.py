"""Security primitives of the node: password hashing, login tokens, encryption of personal data."""
