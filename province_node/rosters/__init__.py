"""Rosters in and out: spreadsheet layouts, import, templates, export."""
