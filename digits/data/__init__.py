"""Where the data comes from: MNIST's mirrors, and the files the apps export of digits
people drew and kept."""
