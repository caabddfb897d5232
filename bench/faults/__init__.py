"""`make faults` (`python -m bench.faults`): hostile inputs against peninsula, one table.

Each module holds the cases of one group, in its CASES list, and builds its inputs in a
temporary folder or on a loopback server of its own; every case runs the real
`peninsula` command and compares the warehouse with a clean run's (common.py):

- growth.py: row 1 (stored documents growing large)
- files.py: rows 2, 3, 4, 9 and 11 (saved files, names, encodings, sidecars, --db)
- feeds.py: rows 6, 7 and 10 (rows 5 and 12 are PENDING: being built elsewhere)
- api.py: row 8 (a foreign web page calls the API)
- crashes.py: kill -9 at each stage, a reader beside a writer, two ingests at once

One Prefect server (the one `peninsula serve` uses, flows/server_process) serves every
command, so no case waits for a temporary one. Targets, checked for every row: at most
60 s and 1 GB peak RSS, 0 articles lost or doubled, every refusal naming its input and
limit, the warehouse writable after.
"""
