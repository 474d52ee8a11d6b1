"""Sphinx configuration of the course website (`make site`; see the README, "The course as a website").

The pages are the committed chapters as they are, outputs included: nothing is
re-executed (nbval has already checked that those outputs reproduce). Everything the
pages load is copied into the build, MathJax too, so the site reads offline.
"""

project = "ganlab"
author = "the ganlab authors"
copyright = "2026, the ganlab authors"

extensions = [
    "myst_nb",
    # MathJax 3, packaged on PyPI, copied into _static/mathjax (no CDN at read time)
    "sphinx-mathjax-offline",
]

root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints"]

# The chapters as committed, never executed here.
nb_execution_mode = "off"
# The math of the chapters is written $...$ / $$...$$, as Jupyter renders it.
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
# Widgets need a running kernel; their stored text ("run this notebook in JupyterLab
# ...") is shown instead, and no widget JavaScript is fetched from a CDN.
nb_ipywidgets_js = {}
nb_mime_priority_overrides = [
    ("html", "application/vnd.jupyter.widget-view+json", None),
    ("html", "application/vnd.jupyter.widget-state+json", None),
]
# A cell's printed lines show as one block, as in JupyterLab, not one block per write.
nb_merge_streams = True

html_theme = "sphinx_book_theme"
html_title = "ganlab"
html_static_path = ["_static"]
html_css_files = ["ganlab.css"]
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
}
html_last_updated_fmt = None
html_show_sourcelink = False
# A broken reference to another page fails the build: website/build.py turns every
# warning into an error.
