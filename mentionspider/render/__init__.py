"""Pages built by JavaScript: when a page goes through the browser, and how.

- :mod:`~mentionspider.render.detect` (pure): does raw HTML look like an app shell?
- :mod:`~mentionspider.render.policy` (pure): never / auto / always, per site and per
  request, and the sites a run has found to need JavaScript.

The Scrapy side (scrapy-playwright settings, the render middleware) lives in the
other modules of this package and is imported only by the crawl.
"""
