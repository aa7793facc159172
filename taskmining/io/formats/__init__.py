"""One module per input format; each defines ``SPEC``, its :class:`~taskmining.io.registry.ReaderSpec`.

Built-in formats are registered by name in :mod:`taskmining.io.registry`
(entry-point group ``taskmining.formats`` for third-party ones); see
``docs/formats-readers.md`` for every mapping and ``docs/extending.md`` for
writing a new one.
"""
