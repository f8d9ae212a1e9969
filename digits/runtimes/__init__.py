"""The model in each runtime it ships to, one module each: Keras, LiteRT (the Android app's)
and TF.js in Node (the web page's, on the same wasm backend). Each `predict_*` returns
probabilities (n, 10) for float32 images (n, 28, 28, 1) in [0, 1]."""

BATCH = 1000  # images per inference call, in every runtime
