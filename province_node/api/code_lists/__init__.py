"""Code lists (下拉键) served from the national standard."""
