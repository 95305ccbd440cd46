"""mentionspider's spiders: thin, requests in and items out."""
