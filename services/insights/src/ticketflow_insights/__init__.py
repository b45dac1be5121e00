"""Insights: facts from every topic, forecasts, staffing plans, breach risk, scorecards, reports."""
