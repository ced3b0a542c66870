"""Programme import: a document (.docx, .odt, .pdf, .txt, .md) becomes a draft catalogue page.

``readers`` turn each format into one ``Outline``; ``mapper`` reads the outline in French and
places each fact in its field; ``services.programme_import`` creates the draft.
"""
