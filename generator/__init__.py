# Generator for the prestatieafspraken site: data/ (YAML) in, a tree of Markdown,
# chart JSON and open-data downloads out, for MkDocs Material to build. It never
# imports MkDocs. The stages and their order are in pipeline.py.
