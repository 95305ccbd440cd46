"""Outbound link checking: verdicts (pure) and the Scrapy side that fetches them."""
