"""GraphQL of roster imports: upload a spreadsheet, follow its job, read its outcome."""
