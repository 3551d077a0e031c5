"""The company's backend as the assistant sees it: customers, merchants, orders,
payment plans, returns, refunds, disputes and cards (the Lumo demo world lives here)."""
