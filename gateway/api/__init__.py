"""The gateway's GraphQL API: national fields of its own, and the province nodes' contract reused beneath
``province(code)`` and ``locateMember``."""
