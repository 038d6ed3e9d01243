"""Forms of the reviews pages: parse and check input; the rules live in the services."""
