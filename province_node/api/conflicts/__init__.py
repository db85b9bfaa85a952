"""Identity conflicts the exchange recorded, shown beside this province's members."""
