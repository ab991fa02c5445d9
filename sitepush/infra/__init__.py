"""The AWS side of a website: bucket, website hosting, public access, certificate, CDN, DNS.

Decisions are pure functions (the policy a bucket gets, the order of changes); the I/O that reads and
applies AWS state lives beside them.
"""
