"""Pure rules of insights: forecasting, Erlang staffing, risk, scorecards; no I/O."""
