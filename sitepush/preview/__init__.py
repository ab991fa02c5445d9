"""``sitepush serve``: the site as the S3 website endpoint would serve it, rebuilt and reloaded on save.

::

    website.answer(request, lookup, [website])  pure: S3 website semantics
    sources.FolderSource / BucketSource         a built folder (as a deploy uploads it) or a bucket
    server.PreviewServer                        HTTP on 127.0.0.1, live-reload script in HTML responses
    live.LiveHub                                the last build and its problems → Server-Sent Events
    watch.SiteRebuilder                         watchdog → debounced incremental builds

Importing this package imports neither boto3 nor watchdog.
"""
