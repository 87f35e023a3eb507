"""Feeds and web pages the test page server serves, written for these tests."""

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>{title}</title>
    <link>https://www.example.se/</link>
    <description>Nyheter</description>
    <item>
      <title>Ny översiktsplan antagen</title>
      <link>https://www.example.se/nyheter/oversiktsplan</link>
      <guid>https://www.example.se/nyheter/oversiktsplan</guid>
      <pubDate>Mon, 03 Mar 2025 08:00:00 +0100</pubDate>
      <description>Kommunfullmäktige antog planen.</description>
    </item>
  </channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>{title}</title>
  <link href="https://www.example.se/"/>
  <id>urn:example:atom</id>
  <updated>2025-03-03T08:00:00Z</updated>
  <entry>
    <title>Skolan bygger om</title>
    <id>urn:example:1</id>
    <link href="https://www.example.se/skola"/>
    <updated>2025-03-03T08:00:00Z</updated>
  </entry>
</feed>
"""

PAGE = """<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>Nyheter</title>
{links}
</head><body><h1>Nyheter</h1></body></html>
"""


def rss(title: str = "Länsstyrelsen Halland") -> str:
    return RSS.format(title=title)


def atom(title: str = "Boverket") -> str:
    return ATOM.format(title=title)


def page_announcing(*hrefs: str) -> str:
    links = "\n".join(
        f'<link rel="alternate" type="application/rss+xml" title="Flöde {n}" href="{href}">'
        for n, href in enumerate(hrefs, 1)
    )
    return PAGE.format(links=links)


RSS_TYPE = "application/rss+xml; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
