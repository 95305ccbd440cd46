"""Where on a page a block or link sits: landmarks, class vocabulary, text density.

:func:`mentionspider.analysis.document.parse_page` streams the parser's events and
looks each element's class/id up in :data:`CLASS_SIGNALS` (or asks
:func:`element_signal` when it has a role, itemprop or landmark tag); every element
that carries a signal opens a :class:`Region`. After the stream
:func:`resolve_regions` turns the region tree into effective placements and
:func:`main_spans` picks the part of the page that holds most of its running text,
for content without signals.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

__all__ = ["control_label", "furniture_heading", "shop_line", "small_print", "CLASS_SIGNALS",
           "HIDDEN", "post_type", "LANDMARK_TAGS", "Region", "element_signal",
           "class_signal", "resolve_regions", "Main", "find_main", "block_placement",
           "user_panel", "reader_notice", "call_to_action", "dateline",
           "sentence_line", "SHORT_LINE_CHARS", "byline", "signed", "hero_text", "intro_text", "promo_copy",
           "promo_in_content", "article_page", "product_page", "shows_price"]

#: Landmark elements: (placement, strong). Strong signals beat class vocabulary.
_TAGS: Final = {"nav": "nav", "aside": "sidebar", "header": "header", "footer": "footer",
                "main": "main", "article": "main", "figure": "sidebar", "figcaption": "sidebar"}
#: Elements that are landmarks by their tag alone.
LANDMARK_TAGS: Final = frozenset(_TAGS)
_ROLES: Final = {"navigation": "nav", "menubar": "nav", "banner": "header",
                 "contentinfo": "footer", "complementary": "sidebar", "main": "main",
                 "article": "main"}

# Class/id vocabulary, checked per token (class and id split on punctuation and
# camelCase): whole words, or words that start with a prefix. The first
# placement in _PRIORITY that any token maps to wins.
_EXACT: Final = {
    "comment": "comments", "comments": "comments", "commentlist": "comments",
    "disqus": "comments", "respond": "comments", "replies": "comments",
    "footer": "footer", "colophon": "footer", "copyright": "footer", "cookie": "footer",
    "cookies": "footer", "consent": "footer", "gdpr": "footer", "legal": "footer",
    "sidebar": "sidebar", "widget": "sidebar", "widgets": "sidebar", "related": "sidebar",
    "share": "sidebar", "sharing": "sidebar", "modal": "sidebar", "popup": "sidebar",
    "cta": "sidebar", "social": "sidebar", "newsletter": "sidebar",
    "subscribe": "sidebar", "subscription": "sidebar", "signup": "sidebar",
    "promo": "sidebar", "recommended": "sidebar", "trending": "sidebar",
    "popular": "sidebar", "ad": "sidebar", "ads": "sidebar", "advert": "sidebar",
    "advertisement": "sidebar", "sponsored": "sidebar", "outbrain": "sidebar",
    "taboola": "sidebar", "rail": "sidebar", "author-bio": "sidebar", "authorbio": "sidebar",
    "bio": "sidebar", "nav": "nav", "navbar": "nav", "navigation": "nav", "menu": "nav",
    "breadcrumb": "nav", "breadcrumbs": "nav", "pagination": "nav", "pager": "nav",
    "caption": "sidebar", "credit": "sidebar", "slideshow": "sidebar",
    "tags": "nav", "skip": "nav", "header": "header", "masthead": "header",
    "topbar": "header",
}
_PREFIXES: Final = (
    ("comment", "comments"), ("disqus", "comments"), ("footer", "footer"),
    ("copyright", "footer"), ("sidebar", "sidebar"), ("widget", "sidebar"),
    ("related", "sidebar"), ("sharedaddy", "sidebar"), ("social", "sidebar"),
    ("newsletter", "sidebar"), ("subscri", "sidebar"), ("advert", "sidebar"),
    ("outbrain", "sidebar"), ("taboola", "sidebar"), ("navbar", "nav"),
    ("navigation", "nav"), ("menu", "nav"), ("breadcrumb", "nav"), ("pagination", "nav"),
    ("masthead", "header"),
)
_PRIORITY: Final = ("comments", "nav", "sidebar", "footer", "header")
_PREFIX_KIND: Final = dict(_PREFIXES)
_CAMEL: Final = re.compile(r"(?<=[a-z])(?=[A-Z])")
#: The hash that CSS modules (Next.js, webpack's css-loader) add to a class name,
#: ``Name_local__adF2E``: five characters with a capital or a digit after "__", which read
#: as words once split on camelCase ("ad F2E", "qcf AD").
_MODULE_HASH: Final = re.compile(
    r"(?<=[A-Za-z0-9])__(?=[A-Za-z0-9_-]{0,4}[A-Z0-9])[A-Za-z0-9_-]{5}(?![A-Za-z0-9_-])")
_LONGEST_PREFIXES: Final = tuple(sorted(_PREFIX_KIND, key=len, reverse=True))


def _vocabulary_pattern() -> str:
    """One token of a class/id value that is a word of the vocabulary: one that starts
    with a prefix, else an exact word (longest first in each), the alternatives grouped
    by their first character so that a token is tried against the few that can match."""
    exact = sorted(_EXACT, key=len, reverse=True)
    groups = []
    for first in sorted({word[0] for word in (*_LONGEST_PREFIXES, *exact)}):
        prefixed = "|".join(re.escape(w[1:]) for w in _LONGEST_PREFIXES if w[0] == first)
        words = "|".join(re.escape(w[1:]) for w in exact if w[0] == first)
        both = [f"(?:{prefixed})[a-z0-9]*" if prefixed else "", f"(?:{words})" if words else ""]
        groups.append(re.escape(first) + "(?:%s)" % "|".join(filter(None, both)))
    return r"(?<![a-z0-9])(?:%s)(?![a-z0-9])" % "|".join(groups)


# One token of a class/id value that is a word of the vocabulary (see _token_kind).
_VOCABULARY: Final = re.compile(_vocabulary_pattern())


def _token_kind(token: str) -> str:
    """The placement of a token that _VOCABULARY found: its prefix's (it matched as a
    prefixed word when it has one), else its exact word's."""
    if token.startswith(_LONGEST_PREFIXES):
        return next(_PREFIX_KIND[prefix] for prefix in _LONGEST_PREFIXES
                    if token.startswith(prefix))
    return _EXACT[token]


#: HubSpot's wrappers of every module: "hs_cos_wrapper_widget", "widget-span widget-type-rich_text".
_HUBSPOT: Final = re.compile(r"hs_cos_wrapper_widget|widget-span|widget-type-[a-z0-9_-]*")
#: A comment in highlighted code: Prism's "token comment", highlight.js's "hljs-comment",
#: "syntax-comment", "code-comment".
_CODE_COMMENT: Final = re.compile(
    r"(?<![a-z0-9])token(?: [a-z0-9-]+)* comment(?![a-z0-9])"
    r"|(?:hljs|syntax|code|prism|highlight|shiki|cm|tok)[-_]comment(?![a-z0-9])")
#: A class that states what a wrapper has or lacks ("has-sidebar", "with-rail", "no-ads").
_MODIFIER: Final = re.compile(r"(?<![a-z0-9])(?:has|with|no)-[a-z0-9_-]*")
#: "caption" as a type style ("text-caption", "typography-caption-tile", "caption-s"), or
#: as the text of a card, a product tile or a rating ("product-caption",
#: "card-caption-content", "rating__caption"): not an image's caption.
_TYPE_STYLE: Final = re.compile(
    r"(?:text|typography|type|font)[-_]caption[a-z0-9_-]*|(?<![a-z0-9])caption-(?:xs|s|sm|m|md|l|lg"
    r"|xl|\d+)(?![a-z0-9])"
    r"|(?<![a-z0-9])(?:[a-z0-9]+[-_]+)*(?:card|product|tile|item|listing|rating|price)[-_]+"
    r"caption[a-z0-9_-]*")
#: "header" of a part of the content, not of the site: "category-header", "section-header",
#: "pdp-header-text", "entry-header" (the header of a category's intro, a section, an entry).
_PART_HEADER: Final = re.compile(
    r"(?<![a-z0-9])(?:category|collection|section|product|pdp|listing|search|hero|intro)"
    r"[-_]?(?:info[-_]?)?header[a-z0-9_-]*")
_MAIN_CLASS: Final = re.compile(
    r"(?:article|entry|post|story|blog)[-_]?(?:body|content|text)|articlebody", re.I)
#: The poster's panel of a forum post (XenForo's "messageUserInfo", phpBB's "postprofile",
#: vBulletin's "userinfo", FluxBB's "usertitle", signatures): unlike an author box, one per
#: post, so a page with several is a thread.
_USER_PANEL_WORDS: Final = (r"user[ _-]?(?:info|details|extras|title|stats|profile|card|badges?)"
                            r"|post[ _-]?(?:profile|signature)")
_USER_PANEL: Final = re.compile(rf"(?<![a-z0-9])(?:{_USER_PANEL_WORDS})(?![a-z0-9])")
#: Who wrote a post or an article, next to it: a forum's user panel (user title, join date,
#: post count: XenForo, vBulletin, phpBB, Invision, Discourse), an author box, a signature.
_POSTER: Final = re.compile(
    rf"(?<![a-z0-9])(?:{_USER_PANEL_WORDS}|post[ _-]?author[ _-]?info"
    r"|author[ _-]?(?:info|pane|box|bio|card)|signature(?:container)?)(?![a-z0-9])")


def _main_words(folded: str) -> bool:
    """Whether a lower-cased class/id value holds a word that every match of _MAIN_CLASS
    holds."""
    return ("article" in folded or "entry" in folded or "post" in folded or "story" in folded
            or "blog" in folded)


#: A cookie or consent dialog (OneTrust, Cookiebot, Usercentrics, GDPR banners): never a
#: wrapper around the content, even on a page whose own text is shorter than its legalese.
_CONSENT: Final = re.compile(r"(?<![a-z0-9])(?:cookies?|consent|gdpr|onetrust|cookiebot)"
                             r"(?![a-z0-9])")
#: A promotion or a call to action by its class or id ("cta-banner", "cmp-cta__container",
#: "promo-wildlife", "ctaUpperText"): on a page that is no article, its copy between the
#: page's own paragraphs is the page's text (an offer, a plan).
_PROMO: Final = re.compile(r"(?<![a-z0-9])(?:cta|promo)(?![a-z0-9])")
#: Running text (besides links) from which a promotion's block is copy, not a button.
_PROMO_TEXT: Final = 40
_BOILERPLATE: Final = frozenset({"nav", "header", "footer", "sidebar"})
#: What CLASS_SIGNALS says of an element that its class names hide.
HIDDEN: Final = "hidden"
# Class names that hide an element (Bootstrap, Tailwind, Bulma, Foundation, WordPress,
# Drupal), whole tokens only: "overflow-hidden" or "hidden-xs" hide nothing...
_HIDING: Final = frozenset({
    "hidden", "hide", "d-none", "invisible", "is-hidden", "sr-only", "visually-hidden",
    "screen-reader-text", "element-invisible", "show-for-sr"})
# ...and a class that shows the element again on some screens ("hidden md:block",
# "d-none d-lg-block", "visible-md") means it is not hidden.
_SHOWING: Final = re.compile(r"[^:]*:|d-(?!none$)|visible-|show-for-(?!sr$)")
_HEADINGS: Final = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: Inside the main content, a block with this share of link text is a list of links.
_LINK_LIST: Final = 0.8
#: On a page that marks no main content, or whose densest part is short (not an article), a
#: paragraph this long outside its densest part and outside any marked region is its own
#: text too (a hero's intro, a service's pitch, a category's description, a buying guide).
_HERO_TEXT: Final = 80
#: Outside the densest region, main-region text this long is still article text.
_KEEP_PARAGRAPH: Final = 250
#: Running text (besides links) from which a <figure> is content, not an image's furniture.
_FIGURE_TEXT: Final = 200
#: Running text a block needs to score its parent as main content.
_MIN_PARAGRAPH: Final = 25
#: Score an element needs for its paragraphs to stretch the main content's zone.
_ZONE_SCORE: Final = 3.0
#: In an article container, text shorter than this outside its densest part is a
#: dateline, a caption or a call to action rather than article text (and a block with at
#: least this much besides links is one of its paragraphs of running text).
SHORT_LINE_CHARS: Final = 120


#: A price on a shop's button ("Add to cart - $110", "$130 Add to cart", "Add to Cart-€549.99").
_BUTTON_PRICE: Final = r"(?:[$€£] ?\d[\d,.]*|\d[\d,.]* ?(?:€|\$|£|usd|eur|gbp))"
#: A price anywhere in a tile's text: "$1,219", "£ 77", "29,90 €", "199 kr".
_PRICE: Final = re.compile(r"[$£€¥₹]\s?\d|\d\s?(?:€|kr|zł|usd|eur|gbp)\b", re.I)
#: What sits between the parts of a control's label.
_SEPARATORS: Final = r"[\s.:!?…›»→>+|·•*-]*"
#: Short blocks that are the label of a control, not content: buttons and calls to action
#: that sites of every kind repeat (shops, forums, blogs), in a few languages.
_CONTROL: Final = re.compile(
    rf"(?:{_BUTTON_PRICE}{_SEPARATORS})?"
    r"(?:(?:add (?:[\w-]+ ){0,3}to (?:cart|bag|basket)|add to (?:wish ?list|list|registry"
    r"|favou?rites)|buy (?:it )?now"
    r"|shop now|order now|book now|notify me|sign (?:up|in|out)(?: for free)?|log ?(?:in|out)"
    r"|register|create (?:an? |your )?(?:free )?account|subscribe(?: now)?"
    r"|(?:read|learn|see|show|load|view) more|more"
    r"|click to (?:expand|shrink)|share(?: this(?: \w+)?)?|save this \w+|reply|quote|report"
    r"|upvote|downvote|like|tweet|print|copy link|back to top|skip to (?:main )?content"
    r"|loading|search|submit|close|ajouter au panier|in den warenkorb|a[nñ]adir al carrito"
    r"|aggiungi al carrello|in winkelwagen|lire la suite|weiterlesen|leer m[aá]s"
    r"|advertisement|anzeige|publicit[ée]|publicidad|pubblicit[àa]|advertentie|reklama|iklan"
    r"|sponsored(?: content)?|(?:article|story) continues below"
    r"|continue reading(?: below)?|filters?|filter (?:&|and) sort|sort(?: by)?"
    r"|sort (?:&|and) filter|refine(?: by| your results)?|clear all|compare|filtres|filtrer"
    r"|trier par|sortieren|next|prev(?:ious)?|\d+(?: ?[-–] ?\d+)? of \d+"
    # (a sort menu's label with the chosen order: "Sort by: Best selling")
    r"|sort by ?: ?\w+(?: \w+){0,2}"
    # (a documentation page's tools: copy the page or a code block, view its source)
    r"|copy(?: (?:page|link|code|url|to clipboard|for llms?|as markdown))?|copied"
    r"|view as markdown|ask about this (?:section|page)|(?:show|hide) child attributes"
    r"|edit (?:this )?page(?: on github)?|edit on github"
    # (a thread's tools)
    r"|post (?:a )?reply|(?:start (?:a )?)?new (?:topic|thread|discussion)"
    r"|start a (?:topic|thread|discussion)|search (?:for a |this )?(?:thread|topic|forums?)"
    r"|(?:watch|unwatch|bookmark|follow) (?:thread|topic)|display (?:posts |topics )?from previous"
    r"|(?:show |hide |toggle )?caption|(?:view|see) (?:full )?gallery|(?:choose|select) options"
    r"|select (?:an? |your )?(?:size|colou?r|option|style)|quick (?:view|shop|add)"
    r"|(?:more|product) info(?:rmation)?|view (?:product )?details|sold out"
    r"|added(?: to (?:cart|bag|basket|wish ?list))?"
    r"|notify me when (?:it(?:'s|’s| is) )?(?:back )?in stock|favou?rites?|wish ?list"
    # (a landing page's buttons: sign-ups, trials, plans, downloads)
    r"|get started(?: (?:for )?free| today| now)?|start (?:a |your )?free trial|start now"
    r"|try (?:it )?(?:for )?free|(?:see|view|compare) (?:all )?(?:plans|pricing)|request pricing"
    r"|download (?:now|for (?:windows|mac ?os|mac|linux|ios|android)))"
    # (a button's label twice: its text and its hint)
    rf"{_SEPARATORS}(?:{_BUTTON_PRICE}{_SEPARATORS})?)+")
#: Headings that name a block of page furniture: what follows them, up to the next
#: heading, is not the page's own content either.
_FURNITURE_HEADING: Final = re.compile(
    r"(?:(?:related|recommended|popular|trending|recent|latest|more|similar|other)"
    r"(?: \w+)?(?: related)? (?:posts|articles|stories|reads|items|products|topics|searches"
    r"|news|videos|collections|guides|questions|threads|services)"
    r"|you (?:may|might) (?:also )?(?:like|enjoy|be interested in)\b.*|more to explore"
    r"|keep exploring\b.*|frequently bought together|(?:similar|sponsored) (?:items|products)"
    r"|(?:this is what )?(?:people|customers) who (?:viewed|bought) this (?:item|product)"
    r"(?: also)? (?:viewed|bought)(?: this)?|customers (?:also )?(?:viewed|bought)\b.*"
    r"|more from\b.*|people also (?:ask|bought|viewed|search for)|read next|up next"
    r"|discussion about this \w+|(?:sign up|subscribe) (?:for|to)(?: our)? newsletters?"
    r"|share this(?: \w+)?|top posters in this \w+|(?:your |ideas based on your )?recently"
    r" viewed(?: products| items| pages)?)[\s.:!?…]*")
#: Lines that are a page's legal small print or a call to follow it, wherever they sit:
#: "© 2025 ...", "Copyright ...", "All rights reserved", "Disclaimer: ...", "Citation: ...",
#: "Follow us on ...", "Subscribe to ...", the terms a form's button stands for ("By
#: clicking Subscribe, you agree to our Terms", "By using this site, you consent to ..."),
#: the page's licence ("This work is licensed under a Creative Commons ...", "Except as
#: otherwise noted, ...", "Text is available under ...") and trademark notices ("Acme is
#: a registered trademark of Acme Inc.").
_SMALL_PRINT: Final = re.compile(
    r"\(?(?:disclaimer\b|copyright\b|©|\(c\) ?\d{4}|all rights reserved|citation:"
    r"|follow (?:us|@\w+) on\b|subscribe to\b"
    r"|by (?:using|clicking|posting|signing|submitting|continuing|subscribing|registering"
    r"|creating|providing|entering)\b[^.]{0,120}?\byou(?: are)? (?:\w+ )?(?:agree|consent"
    r"|accept|acknowledge|confirm)"
    r"|except (?:as|where) otherwise noted\b"
    r"|[^.]{0,60}\b(?:is |are )?(?:available|licensed) under (?:a |the )?(?:creative commons"
    r"|cc[ -]by|mit|apache|gnu|gpl)\b"
    # (a trademark notice is all the block: one sentence)
    r"|[^.]{1,80}\b(?:is|are) (?:an? )?(?:registered )?trade ?marks? (?:of|owned by)\b[^.]{1,80}"
    r"\.?$)", re.I)
#: A shop's service lines, wherever they sit: shipping and returns terms, a list's result
#: count, a loyalty scheme's points, the price's label, the reviews' heading, the product's
#: stock ("In stock", "Out of stock", "Only 3 left", "Low in stock, only 6 left").
_SHOP_LINE: Final = re.compile(
    r"(?:.{0,30}\| )?(?:free (?:standard |express |uk |us )?(?:shipping|delivery|returns)\b.*"
    r"|livraison (?:offerte|gratuite|estimée)\b.*|kostenlose[rn]? (?:versand|lieferung)\b.*"
    r"|env[ií]o gratis\b.*|ships (?:by|from|in|within|today)\b.*"
    r"|(?:free )?returns? (?:& |and )?exchanges? (?:accepted|not accepted)"
    r"|showing \d+(?: ?[-–] ?\d+)? of \d[\d,]*(?: results| products| items)?"
    r"|(?:current|regular|sale|original) price|members earn\b.*"
    r"|\d[\d,]* customer (?:ratings|reviews)|customer reviews"
    r"|(?:(?:low |limited )?in|(?:temporarily |currently )?out of|back in|en|low) stock\b.*"
    r"|only \d+ (?:left|in stock)\b.*"
    # (a product that cannot be bought yet, or any more)
    r"|coming soon!?|no longer available|(?:temporarily |currently )?unavailable|discontinued"
    r"|pre-?order(?: now)?!?)")
#: Longest text that can be a shop's service line.
_SHOP_LINE_TEXT: Final = 60
#: Notices about the reader rather than the page: a call to sign up or log in to take
#: part ("Log in to answer this question", "Create an account or sign in to comment"),
#: a paywall ("This post is for paid subscribers"), a newsletter sign-up, an affiliate
#: disclosure ("As an Amazon Associate we earn from qualifying purchases"), a thread's
#: state ("Not open for further replies.", "This topic was automatically closed ..."), a
#: sign-in form's prompts ("Already have an account? Sign in here.", "Not a member? Join").
_NOTICE: Final = re.compile(
    r"(?:sign (?:up|in)|log ?in|register|create an? (?:free )?account|join)\b[^.!?]{0,40}?"
    r"\bto (?:be able to )?(?:comment|reply|answer|post|vote|leave a comment"
    r"|join the (?:discussion|conversation)|continue reading|keep reading|read (?:more|the rest)"
    r"|unlock|get updates|access|see|view|download)"
    r"|^(?:sign up|sign in|log ?in|register)(?: or (?:sign up|sign in|log ?in|register))"
    r"|you (?:need|have|must) (?:to )?be (?:a member|logged in|signed in|registered)"
    r"|\bfor paid subscribers\b|exclusive to (?:\S+ )?(?:subscribers|members)"
    r"|(?:sign up|subscribe) (?:for|to) (?:our|the) (?:\w+ )?newsletter"
    r"|as an amazon associate|\bearn (?:a )?(?:small )?commission|\baffiliate links?\b"
    r"|\breader-supported\b|not open for further replies|you are not logged in"
    r"|this (?:topic|thread) (?:was|has been|is) (?:automatically )?(?:closed|locked)"
    # (a sign-in form's prompts: "Already have an account? Sign in here.")
    r"|^(?:already have an account|don[’']?t have an account|not a member|existing user)\?"
    r"|^sign up for an? (?:new |free )?account\b")
#: Words one of which every notice holds.
_NOTICE_WORDS: Final = ("sign", "log", "regist", "account", "join", "member", "subscri",
                        "newsletter", "amazon", "commission", "affiliate", "reader",
                        "replies", "logged", "closed", "locked")
#: Longest text that can be a notice to the reader.
_NOTICE_TEXT: Final = 160
#: A call to action addressed to the reader, at the start of a short block: contact us,
#: request a quote or a demo, get posts delivered to your inbox, be the first to know,
#: download our free tools, share your story, rate this page, was this page helpful,
#: copy for an LLM, report a post, fill in this form, send us a message, a mobile app's
#: signature ("Sent from my ... using ...").
_CALL_TO_ACTION: Final = re.compile(
    r"(?:contact us\b|get in touch\b|talk to (?:us|an expert|our (?:team|experts))\b"
    r"|(?:request|get|book|schedule) (?:a |your )?(?:free )?(?:quote|demo|consultation|callback"
    r"|estimate)\b|be the first to (?:know|hear)\b|download (?:our|the|your) free\b"
    r"|share your (?:story|experience)\b|pin (?:this|it) for later\b"
    r"|rate this (?:page|article|post)\b|(?:was|is) this (?:page|article|post|answer"
    r"|information) (?:helpful|useful)\b|copy (?:for|as) llms?\b|view as markdown\b"
    r"|report inappropriate content\b|sent from my .{1,40} using\b"
    r"|fill (?:in |out )?(?:this|the) form\b|send us an? (?:message|note|email)\b"
    r"|drop us a (?:line|message|note)\b|message us\b"
    r"|we(?:'d|’d| would) (?:be happy|love) to (?:help|support|assist)\b"
    r"|create your (?:free )?(?:\w+ )?(?:account|profile) (?:today|now)\b"
    # (a question that is all the block, or followed by its button: "Ready to get started?")
    r"|ready to [^.!?]{1,60}\?(?: (?:start|get|try|book|sign|request|schedule|contact|call)\b"
    r"[^.!?]{0,40}[.!]?)?$)"
    r"|.{0,80}\b(?:delivered|sent|straight|directly|right) (?:straight |directly |right )?"
    r"(?:to|in|into) your inbox\b")
#: Words one of which every call to action holds.
_CALL_WORDS: Final = ("contact", "touch", "talk", "quote", "demo", "consult", "callback",
                      "estimate", "first", "free", "share", "pin", "rate", "helpful",
                      "useful", "llm", "markdown", "report", "sent", "happy", "love",
                      "create", "inbox", "form", "message", "drop", "send", "ready")
#: Longest text that can be a call to action.
_CALL_TEXT: Final = 120
#: A line that dates the page or the post: "Last updated on 2025-12-17", "Published: Nov. 19,
#: 2019", "Updated 1:39 am EST", "Last modified November 18, 2025 at 11:47 AM", "Posted 2 days
#: ago" (a word that dates it, then a date, a time or "ago" soon after).
_DATELINE: Final = re.compile(
    r"(?:last )?(?:updated|modified|published|posted|edited|reviewed)(?: on| at)?\b[\s:]*"
    r"(?:[^\d\s]{1,12}[\s,.]+){0,2}(?:\d|\S+ ago\b)")
#: Longest text that can be a dateline.
_DATELINE_TEXT: Final = 100
#: Words a short line needs to be a sentence of the text, not a label or a byline.
_LINE_WORDS: Final = 4
#: A date, a time or a byline anywhere in a line: "Published: 10:48, Tue, Nov 19, 2019",
#: "Nov. 19, 2019 8:03 am ET", "By Jo Gardener".
_DATED_OR_SIGNED: Final = re.compile(
    r"\b(?:published|updated|posted|modified)\b|\d{1,2}:\d{2}|^by\b|\b(?:jan|feb|mar|apr|may"
    r"|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}\b", re.I)
#: What else dates or signs a byline: how long the article takes to read ("5 min read",
#: "11 minute read"), a date written day first ("18 Nov 2019") or in digits ("2019-11-18",
#: "18/11/2019").
_BYLINE: Final = re.compile(
    r"\b\d+ ?(?:-| )?min(?:ute)?s?\.? read\b|\b\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep"
    r"|oct|nov|dec)[a-z]*\.?,? \d{4}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b", re.I)
#: Who wrote or checked a page, or how long it takes to read, anywhere in a line ("Medically
#: reviewed by ... - Written by ...", "2025-11-0314 min read").
_SIGNED: Final = re.compile(r"(?:written|reviewed|edited|fact[- ]?checked|authored) by\b"
                            r"|\bmin(?:ute)?s?\.? read", re.I)
#: Longest text that can be small print.
_SMALL_PRINT_TEXT: Final = 400
#: Longest text that can be a control's label.
_LABEL: Final = 40
#: Longest text that can be a furniture heading.
_HEADING: Final = 60


#: A post's reactions: "Jo likes this.", "Jo and Al like this.", "1 person likes this.".
_REACTIONS: Final = re.compile(
    r"(?:.{1,60} likes this|.{1,60}\b(?:and \S+|others|people|users|members) like this)\.?")
#: A line of a forum poster's panel: "Posts: 1,077", "Join Date: Aug 2008", "Reaction score: 12".
_POSTER_LINE: Final = re.compile(
    r"(?:posts|threads|messages|reaction score|reputation|points|likes(?: received)?|joined"
    r"|join date|registered|member since|karma|trophy points)\s*:\s*\S.{0,30}")


def control_label(text: str) -> bool:
    """Whether a block's text is the label of a control ("Add to cart", "Sign in") or a
    line of a poster's panel ("Posts: 116") or a post's reactions ("Jo likes this.")."""
    if len(text) > _LABEL:
        return False
    lowered = text.lower()
    return (_CONTROL.fullmatch(lowered) is not None
            or _POSTER_LINE.fullmatch(lowered) is not None
            or _REACTIONS.fullmatch(lowered) is not None)


def small_print(text: str) -> bool:
    """Whether a block is legal small print or a call to follow the site ("© 2025 Acme",
    "Disclaimer: ...", "Follow us on ...")."""
    return len(text) <= _SMALL_PRINT_TEXT and _SMALL_PRINT.match(text) is not None


def shop_line(text: str) -> bool:
    """Whether a block is a shop's service line ("Free shipping over $50", "Ships from:
    Israel", "Returns & exchanges accepted", "Showing 24 of 291 results")."""
    return len(text) <= _SHOP_LINE_TEXT and _SHOP_LINE.fullmatch(text.lower()) is not None


def reader_notice(text: str) -> bool:
    """Whether a short block is a notice to the reader: a call to sign up or log in to take
    part, a paywall, a newsletter sign-up, an affiliate disclosure."""
    if len(text) > _NOTICE_TEXT:
        return False
    lowered = text.lower()
    # (the regex only on the few blocks that hold one of its words)
    return any(word in lowered for word in _NOTICE_WORDS) and (
        _NOTICE.search(lowered) is not None)


def call_to_action(text: str) -> bool:
    """Whether a short block is a call to action addressed to the reader ("Contact us for
    a quote", "Get the latest posts delivered to your inbox", "Was this page helpful?")."""
    if len(text) > _CALL_TEXT:
        return False
    lowered = text.lower()
    return any(word in lowered for word in _CALL_WORDS) and (
        _CALL_TO_ACTION.match(lowered) is not None)


def dateline(text: str) -> bool:
    """Whether a short block dates the page or a post ("Last updated on 2025-12-17",
    "Published: Nov. 19, 2019 8:03 am ET", "Posted 2 days ago")."""
    return len(text) <= _DATELINE_TEXT and _DATELINE.match(text.lower()) is not None


def sentence_line(text: str) -> bool:
    """Whether a short line reads as a sentence of the text: four words or more, no date,
    time or byline in it, and no "!" at its end, as a pitch has ("Try the Acme trowel
    today!")."""
    return (text.count(" ") >= _LINE_WORDS - 1 and text[-1] != "!"
            and _DATED_OR_SIGNED.search(text) is None)


def shows_price(text: str) -> bool:
    """Whether a block shows a price ("$1,219", "29,90 €"): a shop's tile, not a story's."""
    return _PRICE.search(text) is not None


def byline(text: str) -> bool:
    """Whether a short line dates or signs the page or a post: a date, a time, "By ...",
    "Published ...", a reading time ("5 min read")."""
    return len(text) <= _DATELINE_TEXT and (_DATED_OR_SIGNED.search(text) is not None
                                            or _BYLINE.search(text) is not None)


def intro_text(text: str, linked: int, heading: bool) -> bool:
    """Whether a block can be part of the intro under a page's headline: a paragraph or a
    line that reads as a sentence, not links, not a ``heading`` that starts a section of its
    own (the caller lets a subtitle right under the headline be), nor a label and its value
    ("Sort by: Featured"), nor anything that dates or signs the page (an article's byline,
    "Medically reviewed by ...", "14 min read")."""
    if heading or 2 * linked >= len(text) or signed(text):
        return False
    return hero_text(len(text), linked) or sentence_line(text) and ":" not in text


def signed(text: str) -> bool:
    """Whether a line dates or signs the page: a short :func:`byline`, or a line of any
    length that says who wrote or checked the page, or how long it takes to read."""
    return byline(text) or _SIGNED.search(text) is not None


def hero_text(chars: int, linked: int) -> bool:
    """Whether a block of ``chars`` characters (``linked`` of them in links) is a paragraph
    long enough to be a page's own intro or pitch."""
    return chars - linked >= _HERO_TEXT and 5 * linked < chars


def furniture_heading(text: str) -> bool:
    """Whether a heading names page furniture ("Related posts", "You may also like")."""
    return len(text) <= _HEADING and _FURNITURE_HEADING.fullmatch(text.lower()) is not None


class Region:
    """A subtree of the page that carries a placement signal."""

    __slots__ = ("kind", "landmark", "parent", "chars", "linked", "placement", "start", "end",
                 "tag", "attrib", "top")

    def __init__(self, kind: str | None, landmark: bool, parent: Region | None, start: int = 0,
                 tag: str = "", attrib: dict[str, str] | None = None) -> None:
        self.kind = kind  # "main", "nav", ... or None for the page root
        self.landmark = landmark  # from a tag or role rather than a class name
        self.parent = parent
        self.chars = 0  # non-link characters of the blocks inside (filled after the stream)
        self.linked = 0  # link characters of the blocks inside (filled after the stream)
        self.top: Region | None = None  # the outermost main region around it, if any
        self.placement: str | None = None  # effective placement (filled after the stream)
        # position of the element's start and end (the end filled during the stream)
        self.start = self.end = start
        self.tag = tag  # the element that opened it, for explanations
        self.attrib: dict[str, str] = attrib if attrib is not None else {}

    def describe(self) -> str:
        """The element that opened this region, as ``<tag role=... class=... id=...>``."""
        if self.kind is None:
            return "the page"
        attrs = "".join(f' {name}="{self.attrib[name]}"' for name in
                        ("role", "itemprop", "itemtype", "class", "id") if name in self.attrib)
        return f"<{self.tag}{attrs}>"


class _ClassSignals(dict[str, "str | None"]):
    """Placement named by a class/id value (or HIDDEN), computed on first look-up and kept."""

    def __missing__(self, value: str) -> str | None:
        tokens = value.split()
        if not _HIDING.isdisjoint(tokens) and not any(map(_SHOWING.match, tokens)):
            self[value] = HIDDEN
            return HIDDEN
        if "__" in value:
            # a CSS module's hash ("AccordionTextItem_item__adF2E"): no words ("ad F2E")
            value = _MODULE_HASH.sub(" ", value)
        lowered = value.lower()
        if lowered != value:
            lowered = _CAMEL.sub(" ", value).lower()
        if "elementor-widget" in lowered:
            # Elementor wraps every block of a page, text included, in
            # "elementor-widget(-container)": that "widget" says nothing; the words
            # after it still do ("elementor-widget-nav-menu")
            lowered = lowered.replace("elementor-widget", "elementor")
        if "hs_cos_wrapper_widget" in lowered or "widget-span" in lowered:
            # so does HubSpot's CMS, in "hs_cos_wrapper_widget" and "widget-span
            # widget-type-..." (every module of a page)
            lowered = _HUBSPOT.sub(" ", lowered)
        if "comment" in lowered:
            # a comment in highlighted code (Prism's "token comment", highlight.js's
            # "hljs-comment", "sp-syntax-comment"), not a reader's comment
            lowered = _CODE_COMMENT.sub(" ", lowered)
        if "caption" in lowered:
            # a type style of design systems ("text-caption", "caption-s") or a card's
            # text ("product-caption"), not an image's caption
            lowered = _TYPE_STYLE.sub(" ", lowered)
        if "header" in lowered:
            # the header of a part of the content (a category's intro, a section), not the site's
            lowered = _PART_HEADER.sub(" ", lowered)
        if "has-" in lowered or "with-" in lowered or "no-" in lowered:
            # a state of a wrapper, not what it is: "has-sidebar", "with-rail", "no-ads"
            lowered = _MODIFIER.sub(" ", lowered)
        found = set(map(_token_kind, _VOCABULARY.findall(lowered)))
        result: str | None = next((kind for kind in _PRIORITY if kind in found), None)
        if result is None:
            # (each regex only on the values that hold one of its words; _MAIN_CLASS's
            # re.I folds a few non-ASCII letters to ASCII ones, so not on the others)
            if ("user" in lowered or "post" in lowered or "author" in lowered
                    or "signature" in lowered) and _POSTER.search(lowered) is not None:
                result = "sidebar"
            elif not value.isascii() or _main_words(value.lower()):
                if _MAIN_CLASS.search(value) is not None:
                    result = "main"
        if len(self) > 50_000:
            self.clear()
        self[value] = result
        return result


#: ``CLASS_SIGNALS[value]``: the placement a class/id value names, or None. A dict,
#: so that the parser's hot loop looks values up without a Python call.
CLASS_SIGNALS: Final = _ClassSignals()


def class_signal(value: str) -> str | None:
    """Placement named by a class/id value, HIDDEN for classes that hide, or None (cached)."""
    return CLASS_SIGNALS[value]


#: schema.org types of a post in a discussion: a page that has them is a thread.
_POST_TYPES: Final = re.compile(r"schema\.org/(?:DiscussionForumPosting|Question|Answer|QAPage"
                                r"|SocialMediaPosting)\b", re.I)


#: schema.org types of a product (microdata's itemtype, JSON-LD's "@type"), and of an article.
_PRODUCT_TYPE: Final = re.compile(
    r'(?:schema\.org/|"@type"\s*:\s*(?:\[[^\]]*?)?")(?:Product|ProductGroup|IndividualProduct)\b'
    r'(?![/-])', re.I)
_ARTICLE_TYPE: Final = re.compile(
    r'(?:schema\.org/|"@type"\s*:\s*(?:\[[^\]]*?)?")(?:\w*Article|\w*BlogPosting)\b', re.I)


def article_page(itemtypes: Sequence[str], ld_json: str) -> bool:
    """Whether a page's schema.org types (its ``itemtype`` values and the text of its
    JSON-LD scripts) name an article or a blog post."""
    return (_ARTICLE_TYPE.search(" ".join(itemtypes)) is not None
            or _ARTICLE_TYPE.search(ld_json) is not None)


def product_page(itemtypes: Sequence[str], ld_json: str) -> bool:
    """Whether a page's schema.org types (its ``itemtype`` values and the text of its
    JSON-LD scripts) make it a product's page: a Product and no article."""
    types = " ".join(itemtypes)
    if "roduct" not in types and "roduct" not in ld_json:
        return False
    return ((_PRODUCT_TYPE.search(types) is not None or _PRODUCT_TYPE.search(ld_json) is not None)
            and not article_page(itemtypes, ld_json))


def post_type(itemtype: str) -> bool:
    """Whether a schema.org ``itemtype`` is that of a forum post, a question or an answer."""
    return _POST_TYPES.search(itemtype) is not None


def element_signal(tag: str, role: str | None, names: str | None,
                   itemprop: str | None) -> tuple[str, bool] | None:
    """The (placement, is_landmark) an element announces, or None.

    ``names`` is the element's class and id joined by a space.
    """
    kind = _TAGS.get(tag)
    if role:
        kind = _ROLES.get(role.strip().lower(), kind)
    if kind is not None:
        return kind, True
    if itemprop and itemprop.strip().lower() == "articlebody":
        return "main", True
    if names:
        kind = CLASS_SIGNALS[names]
        if kind is not None and kind != HIDDEN:  # hiding is the parser's business
            return kind, False
    return None


def user_panel(region: Region) -> bool:
    """Whether a region is the poster's panel of a forum post: a sidebar by its class
    words, not inside another sidebar, whose class or id names a user panel."""
    parent = region.parent
    if region.kind != "sidebar" or parent is None or parent.placement == "sidebar":
        return False
    names = f"{region.attrib.get('class', '')} {region.attrib.get('id', '')}"
    try:
        return _USER_PANELS[names]
    except KeyError:
        pass
    if len(_USER_PANELS) > 50_000:
        _USER_PANELS.clear()
    found = _USER_PANELS[names] = _USER_PANEL.search(_CAMEL.sub(" ", names).lower()) is not None
    return found


#: user_panel's answers by class and id, kept.
_USER_PANELS: Final[dict[str, bool]] = {}


def promo_copy(chars: int, linked: int) -> bool:
    """Whether a block of ``chars`` characters (``linked`` of them in links) is long enough,
    and not links, to be a promotion's copy rather than its button."""
    return chars - linked >= _PROMO_TEXT and 2 * linked < chars


def promo_in_content(region: Region, zone: tuple[int, int]) -> bool:
    """Whether the region that made a block furniture is a promotion or a call to action by
    its class or id (not a landmark) that lies inside the main content's ``zone``."""
    while region.parent is not None and region.parent.placement == region.placement and (
            region.kind != region.placement):
        region = region.parent
    if region.landmark or not zone[0] < region.start < region.end < zone[1]:
        return False
    names = f"{region.attrib.get('class', '')} {region.attrib.get('id', '')}"
    return _PROMO.search(_CAMEL.sub(" ", names).lower()) is not None


def _consent(region: Region) -> bool:
    """Whether a region's class or id names a cookie or consent dialog."""
    names = f"{region.attrib.get('class', '')} {region.attrib.get('id', '')}"
    return _CONSENT.search(_CAMEL.sub(" ", names).lower()) is not None


def resolve_regions(regions: Sequence[Region], page_chars: int,
                    main: tuple[int, int] | None = None, thread: bool = False,
                    best: tuple[int, int] | None = None) -> None:
    """Set ``placement`` of every region (parents come before children).

    The innermost signal wins, except that a header inside main content (headline,
    byline) is part of it, main content inside furniture stays furniture,
    everything inside comments is comments, and a
    furniture region that holds most of the page's running text is a layout
    wrapper (a ``has-sidebar`` body class), not furniture, so it is ignored.
    Given the ``main`` interval, main regions apart from it (teaser cards
    marked up as ``<article>``) are ignored too. On a ``thread`` page (a forum
    thread, a Q&A page) the posts are the content: comment regions are ignored.
    """
    for region in regions:
        parent = region.parent.placement if region.parent is not None else None
        kind = region.kind
        if thread and kind == "comments":
            kind = None
        if (kind in _BOILERPLATE and region.chars >= 200 and 2 * region.chars >= page_chars
                and not _consent(region)):
            kind = None  # a wrapper around the content (a cookie dialog is none, however long)
        elif kind == "sidebar" and region.tag == "figure" and region.chars >= _FIGURE_TEXT:
            kind = None  # a figure of running text (a quote, a table, a code listing)
        elif (kind == "header" and not region.landmark and main is not None
              and main[0] < region.start < main[1]):
            kind = None  # a section's or a card's header, between the page's own paragraphs
        elif kind == "main" and main is not None and (region.end < main[0]
                                                      or region.start > main[1]):
            kind = None
        elif (kind == "main" and best is not None and not thread and region.tag == "article"
              and (region.end < best[0] or region.start > best[1])):
            kind = None  # a teaser card next to the article
        if kind is None or parent == "comments":
            region.placement = parent
        elif kind == "main":
            region.placement = "main" if parent is None else parent
        elif kind == "header" and parent == "main":
            region.placement = "main"
        else:
            region.placement = kind
        if region.placement == "main":
            top = region.parent.top if region.parent is not None else None
            region.top = top if top is not None else region
        else:
            region.top = None


class Main:
    """Where the main content of a page is, found by text density.

    ``spans`` are the position spans of the best element and of its siblings that
    score nearly as well (best first); ``zone`` runs from the first to the last
    paragraph of running text in any element that scores as well as those
    siblings: the stretch of the page between its header and its footer.
    """

    __slots__ = ("spans", "zone", "thread", "marked", "short", "lead")

    def __init__(self, spans: list[tuple[int, int]], zone: tuple[int, int]) -> None:
        self.spans = spans
        self.zone = zone
        self.thread = False  # the page is a forum thread or a Q&A page
        self.marked = True  # some element of the page is marked as main content
        self.short = False  # the densest part is too short to be an article
        # where the text of a page that marks no main content starts, before the zone
        self.lead: int | None = None


def find_main(blocks: Sequence[tuple[int, int, int, int, int, int, int]],
              elements: dict[int, tuple[int, int]]) -> Main | None:
    """Where the main content is (None if the page has no running text).

    ``blocks`` are (position, characters, link characters, commas, parent id,
    grandparent id, great-grandparent id) of the blocks that may be main content; ``elements`` maps
    an element id (its start position) to (end position, parent id). As in
    Readability, each paragraph of running text scores its parent, (half) its
    grandparent and (a quarter) its great-grandparent; the best element, with siblings that score at least a
    fifth of it, is the main content.
    """
    scores: dict[int, float] = {}
    for _pos, chars, linked, commas, parent, grandparent, great in blocks:
        running = chars - linked
        if running < _MIN_PARAGRAPH or 2 * linked > chars:
            continue
        score = 1.0 + commas + min(running / 100, 3.0)
        scores[parent] = scores.get(parent, 0.0) + score
        scores[grandparent] = scores.get(grandparent, 0.0) + score / 2
        scores[great] = scores.get(great, 0.0) + score / 4
    scores.pop(0, None)
    if not scores:
        return None
    ranked = sorted(((score, ident) for ident, score in scores.items() if ident in elements),
                    reverse=True)
    if not ranked:
        return None
    best_score, best = ranked[0]
    parent = elements[best][1]
    spans = [(2 * best, 2 * elements[best][0])]
    threshold = max(10.0, best_score / 5)
    for score, ident in ranked[1:]:
        if score < threshold:
            break
        if elements[ident][1] == parent:
            spans.append((2 * ident, 2 * elements[ident][0]))
    first, last = spans[0]
    for start, end in spans:
        first, last = min(first, start), max(last, end)
    para = max(_ZONE_SCORE, best_score / 5)
    for pos, chars, linked, _commas, parent, _grandparent, _great in blocks:
        if (pos < first or pos > last) and chars - linked >= _MIN_PARAGRAPH and (
                2 * linked <= chars and scores.get(parent, 0.0) >= para):
            first, last = min(first, pos), max(last, pos)
    return Main(spans, (first, last))


#: Rules that place a block, as :func:`block_placement` names them.
MARKUP = "markup"
IN_SPANS = "densest content"
LINK_LIST = "link list inside the densest content"
IN_MAIN_REGION = "inside the main region"
LINK_DENSE_MAIN = "inside a main region of links (a listing, a grid)"
IN_ZONE = "between the main content's first and last paragraphs"
SHORT_LINE = "short line in the article container, outside its densest part"
BETWEEN_PARAGRAPHS = ("short line of the article container between two of its paragraphs of"
                      " running text (a lead-in, a key figure, a list)")
HEADLINE = "headline"
ENTRY_HEADING = ("linked heading between the main content's first and last paragraphs, in the"
                 " page's <main> or in another <article> than the densest one (the title of an"
                 " entry of a listing, of a teaser, of a section)")
MAIN_REGION_TEXT = "heading or paragraph of the main region"
LINKS_OUTSIDE = "links outside the main content"
BEFORE = "before the main content"
AFTER = "after the main content"
INTRO = ("running text under the page's headline (its <h1>), before the main content: the"
         " intro of a listing, a collection, a product")
NO_MAIN = "no running text on the page"
CONTROL = ("label of a control, a line of a poster's panel or a post's reactions (\"Add to"
           " cart\", \"Posts: 116\", \"Jo likes this.\")")
SMALL_PRINT = ("small print (copyright, disclaimer, licence, trademark, the terms a form's"
               " button agrees to, follow us)")
NOTICE = ("notice to the reader (sign up or log in to take part, paywall, newsletter,"
          " affiliate disclosure, closed thread)")
CALL_TO_ACTION = ("call to action (contact us, request a quote, delivered to your inbox, was"
                  " this page helpful)")
DATELINE = "dateline (published, updated, last modified on a date)"
SHOP_LINE = "a shop's service line (shipping, returns, result count, points)"
HERO = ("paragraph of a page that is not an article (no main content marked, or a short"
        " densest part): an intro, a pitch, a description")
LANDING = ("section of a landing page (no main content marked): between its headline or first"
           " pitch and its densest part")
PROMO_IN_CONTENT = ("copy of a promotion between the main content's first and last paragraphs,"
                    " on a page that is not an article (an offer, a plan)")
FURNITURE_HEADING = "under a heading that names page furniture (related posts, sign-ups)"
CARD_LIST = "in a list of cards that holds more text than the densest part (a listing)"
LINK_CARD_LIST = ("in a list of cards that are each one link (title, summary and price in one"
                  " <a>) and hold more text than the densest part (a listing)")
SHELF = ("in a long run of tiles most of which show a price (a shop's shelf), beside a longer"
         " text that is no article (a category's description, a buying guide)")
CARD_TITLE = "title of an item with its own text (a card, a teaser, a product)"
LINKED_HEADING = ("linked heading in the densest part of a page's <main> or of a page that marks"
                  " no main content (the title of a teaser, a card, an entry)")
PRODUCT = ("a product's page (schema.org Product, no article): from the product's name (the"
           " <h1>) to the page's footer")
THREAD_POSTS = ("post of a thread: between its title (or first poster's panel) and the end of"
                " the last post")


def _innermost_main(region: Region) -> Region:
    """The innermost main region around ``region`` (the page's region when none is)."""
    while region.kind != "main" and region.parent is not None:
        region = region.parent
    return region


def _page_main(region: Region) -> bool:
    """Whether the innermost main region around ``region`` is the page's ``<main>`` (or
    ``role=main``) rather than an article container."""
    region = _innermost_main(region)
    return region.tag == "main" or region.attrib.get("role") == "main"


def _other_entry(region: Region, best: int) -> bool:
    """Whether the innermost main region around ``region`` is an entry (an article
    container) that does not hold the densest text at ``best``: another post of a
    thread, another entry of a list."""
    region = _innermost_main(region)
    return region.tag == "article" and not region.start < best < region.end


def _apart_entry(region: Region, best: int) -> bool:
    """Whether the innermost main region around ``region`` is an article container that
    neither holds nor is the densest element at ``best`` (another entry of a list)."""
    region = _innermost_main(region)
    return region.tag == "article" and not region.start <= best < region.end


def block_placement(region: Region, pos: int, chars: int, linked: int, tag: str,
                    main: Main, card: bool = False) -> tuple[str, str]:
    """(placement, rule) of text that is main content or has no signal.

    In a main region that markup names: a region that is mostly links (a
    listing, a product grid) is main throughout; otherwise text between the main
    content's first and last paragraphs is main unless it is a list of links,
    except that inside an article container (not ``<main>`` or ``role=main``,
    and not on a thread) short lines outside its densest part (datelines,
    "Updated at", captions, "Explore further") are not, unless they sit in
    another ``<article>`` inside it (a reply, another entry of a list). Unmarked text is main
    inside the densest spans unless it is (nearly) all link text, and in the
    zone unless it is mostly links. A linked heading in the densest spans of the
    page's ``<main>``, or of a page that marks no main content, is the title of
    a teaser or an entry, not a list of links (inside an article container such
    headings are "more stories"); so is one elsewhere between the main content's
    first and last paragraphs of the page's ``<main>``, or of another
    ``<article>`` than the one with the densest text (not on a thread: there
    they name posters), as on a news listing whose entries are each an
    ``<article>`` with a linked headline. Outside the zone, text of the page's
    ``<main>`` that is not mostly links (a hero, cards, a form's copy), ``<h1>``
    and ``<h2>`` headings and real paragraphs of an article container, and the
    ``<h1>`` anywhere (the headline) stay main, and so do paragraphs outside the
    zone on a page that is not an article (no main content marked, or a short
    densest part, :attr:`Main.short`): an intro, a pitch; so is, on a page that
    marks no main content, what is not links between its headline or first
    pitch and the zone (:attr:`Main.lead`: the sections of a landing page); the
    rest is furniture, named by where it sits.
    """
    link_share = linked / chars if chars else 1.0
    first, last = main.zone
    in_spans = False
    for start, end in main.spans:
        if start < pos < end:
            in_spans = True
            break
    if region.placement == "main":
        top = region.top
        if top is not None and top.linked > top.chars:
            return "main", LINK_DENSE_MAIN
        if first <= pos <= last:
            if link_share >= (_LINK_LIST if in_spans else 0.5):
                if card:
                    return "main", CARD_TITLE
                if in_spans and tag in _HEADINGS and _page_main(region):
                    return "main", LINKED_HEADING
                if tag in _HEADINGS and (_page_main(region) or not main.thread
                                         and _apart_entry(region, main.spans[0][0])):
                    return "main", ENTRY_HEADING
                return "sidebar", LINK_LIST
            if in_spans or main.thread or tag in _HEADINGS or chars - linked >= SHORT_LINE_CHARS:
                return "main", IN_MAIN_REGION
            if _page_main(region) or _other_entry(region, main.spans[0][0]):
                return "main", IN_MAIN_REGION
            return ("header", SHORT_LINE) if pos < main.spans[0][0] else ("footer", SHORT_LINE)
        if link_share < 0.5 and (tag in ("h1", "h2") or chars - linked >= _KEEP_PARAGRAPH
                                 or (tag in _HEADINGS or chars - linked >= _MIN_PARAGRAPH)
                                 and _page_main(region)):
            return "main", MAIN_REGION_TEXT
    elif in_spans:
        if link_share < _LINK_LIST:
            return "main", IN_SPANS
        if card:
            return "main", CARD_TITLE
        if tag in _HEADINGS and not main.marked:
            return "main", LINKED_HEADING
        return "sidebar", LINK_LIST
    elif first <= pos <= last:
        return ("main", IN_ZONE) if link_share < 0.5 else ("nav", LINKS_OUTSIDE)
    if link_share < 0.5 and tag == "h1":
        return "main", HEADLINE
    if link_share >= 0.5:
        return "nav", LINKS_OUTSIDE
    if ((not main.marked or main.short and region.placement is None)
            and hero_text(chars, linked)):
        return "main", HERO
    if main.lead is not None and main.lead <= pos < first and 5 * linked < chars:
        return "main", LANDING
    return ("header", BEFORE) if pos < first else ("footer", AFTER)
