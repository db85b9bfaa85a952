"""Domain rules of the province node in plain Python: roles and scope, the membership lifecycle, the
organisation hierarchy, masking, statistics dimensions. Nothing here imports a web or database library."""
