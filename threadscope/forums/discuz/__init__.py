"""Discuz! (Stage1st and other X2/X3 boards): desktop and touch pages, the app API JSON, RSSHub
feeds and the S1 plain-text archive, one body cleaner (``clean``), Discuz time strings (``times``)
and the Discuz ``Resolver`` (quotes by pid or header, ``回复 N#``, 楼上/N楼/@name)."""
