"""Harvesting COUNTER R5 / R5.1 reports from the platforms' COUNTER API (SUSHI).

- settings.py     platforms and which libraries harvest from them (data/harvest.toml, not secret)
- credentials.py  each library's customer_id / requestor_id / api_key (a 0600 file, secret)
- registry_record.py  a platform pre-filled from a COUNTER Registry record saved by hand
- client.py       one request, one month, streamed to a gzip file (httpx)
- vendor.py       what a response means, however the vendor wrapped it
- plan.py         which months are due, and when to try again
- run.py          hosts side by side, one request at a time to each; imports through coopdash.load
- status.py       the harvest status table and the connection check
"""
