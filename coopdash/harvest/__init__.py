"""Harvesting COUNTER R5 / R5.1 reports from the platforms' COUNTER API (SUSHI).

- settings.py     platforms and which libraries harvest from them (data/harvest.toml, not secret)
- credentials.py  each library's customer_id / requestor_id / api_key (a 0600 file, secret)
- registry_record.py  a platform pre-filled from a COUNTER Registry record saved by hand
- client.py       one request, one month, streamed to a gzip file (httpx)
- vendor.py       what a response means, however the vendor wrapped it
- plan.py         which months are due, and when to try again
- hosts.py        a thread per host, one request at a time to each, with the waits it asks for
- run.py          a run: what is due, the hosts side by side, storing through coopdash.load and the writer
- status.py       the harvest status table and the connection check
- display.py      the status as the pages show it
- background.py   'harvest now' from the app: the command in its own process, and its progress
"""
