"""Knowledge: articles, known errors and solutions from tickets, and suggestions drawn from them."""
