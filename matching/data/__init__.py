"""Data files of the text pipeline: domain dictionary, stop words, glossary (a package so wheels ship them)."""
