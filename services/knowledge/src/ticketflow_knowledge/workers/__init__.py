"""Loops that run commands every so often."""
