"""Any forum as a table: CSV (or TSV) or JSON Lines with the columns ``id, author, time, text``
and optional ``reply_to, title, thread`` (docs/table-import.md). One file holds one thread."""
