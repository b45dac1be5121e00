"""Thin routes: parse, authorise, call one command, answer."""
