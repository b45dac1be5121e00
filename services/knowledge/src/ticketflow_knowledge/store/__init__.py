"""Plain parameterised SQL over the knowledge schema."""
