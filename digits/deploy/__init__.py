"""The model as the apps ship it (a TF.js graph model, a LiteRT flatbuffer), run in those
runtimes and checked against Keras."""
