"""Automation: rules that act by themselves on events and when their time comes, and macros
agents apply in one call; the services owning tickets carry out what they ask."""
