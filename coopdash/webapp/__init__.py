"""The dashboard's side of coopdash: everything that faces Streamlit, the browser or a figure on screen.

The core (importers, loaders, the writer, the queries' pure functions) knows
nothing of this package; pages import from here and from the core.

- `frame`: the database handle and cached queries, the frame every page shares (language,
  filters, notices), chart and table helpers;
- `access`, `auth`, `signin_limits`: who is signed in and what they may do;
- `server_guards`: in front of Streamlit's server (who may upload, which client messages pass);
- `uploads`: imports from the browser, checked first;
- `charts`, `citymap`: Plotly figures, one visual language (also drawn into the symposium pack);
- `filters`: the shared filters and the "largest libraries" cut.

Importing this package imports nothing; each module pulls in only what it needs
(`charts` and `citymap` need no Streamlit).
"""
