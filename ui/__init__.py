"""Streamlit pieces shared by the pages: view state from the URL, cited charts, safe text.

Pages import the core and this package, never each other; the core never imports this.
"""
