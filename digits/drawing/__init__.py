"""MNIST digits drawn again as people draw them on the apps' pads: traced into pen strokes,
rendered as the apps render, and read through the apps' preprocessing."""
