"""Realistic synthetic data for demos, tests and benchmarks: people, credit codes, hierarchies, rosters.

Everything is deterministic for a given seed and valid under the national standard unless asked to be dirty.

- ``people``: members (names, resident IDs of the province's counties, coded attributes);
- ``credit_codes``: USCCs of a registration authority and region;
- ``names``, ``units``: how places, units and unions are named, and the kinds of units unions are in;
- ``hierarchy``: ``plan_province``, a province's organisation tree at a scale, as plain data;
- ``mistakes``, ``rosters``: member rosters and organisation summaries as files, with clerks' mistakes.
"""
