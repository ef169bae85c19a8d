"""gunicorn's settings for ``confcal.web``:

    CONFCAL_OUTPUT=output gunicorn --config python:confcal.gunicorn_config confcal.web:app

gunicorn refuses a request line longer than 4094 characters by default, with an HTML page of
its own, before the application sees it. A personal feed of the most picks ``confcal.web``
serves is a path of about 3,600 characters, and a longer link must get the service's one-line
plain-text 414 that says why; so gunicorn lets through request lines up to 8190 characters,
its largest bounded limit (0 would let a request line grow to a megabyte), as nginx's default
buffers do. Longer ones still get gunicorn's page (or the proxy's in front).
"""

limit_request_line = 8190
