"""Discovery through search results: providers (SearXNG, Brave, URL lists), the
footprint library, operator rewriting, and the search source a sweep draws pages from.

Everything here but nothing in Scrapy: the sweep spider turns the source's fetches
into Scrapy requests and feeds the answers back (:mod:`mentionspider.search.source`).
"""
