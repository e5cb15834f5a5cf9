"""HTTP routes: thin functions that parse, call one domain function and shape the answer."""
