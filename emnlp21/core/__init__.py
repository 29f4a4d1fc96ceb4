"""The floor every layer stands on: paths, the cache-entry API, devices and seeds, progress bars, the
two languages, the statistics of evidence, and the import closure of a file. It imports no other part
of emnlp21 and changes no global state on import."""
