"""Readers and writers: one module per format, registered in :mod:`taskmining.io.registry`."""
