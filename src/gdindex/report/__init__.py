"""Rendering of results for people: Rich terminal reports (later Markdown, HTML, Excel).

Nothing here computes: it only formats what `gdindex.compute` returned.
"""
