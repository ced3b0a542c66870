"""The catalogue's search: French full-text queries with the catalogue's filters and facets, the
search and autocomplete API, and the database backend tuned for French (``backends``)."""
