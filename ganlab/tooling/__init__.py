"""The run tooling the chapters lean on, apart from what they teach (see `ganlab`):

  batches      tf.data pipelines, and step-indexed batches that make a resumed run exact
  checkpoints  a whole run saved and restored atomically
  callbacks    fit() monitors: losses.csv, sample grids, TensorBoard, checkpoints, time budget
  precision    float32, bfloat16 or float16, chosen from the hardware
  layers       the fused batch norm and minibatch standard deviation layers
  shipped      trained networks in data/, with card.json and checksums
  checks       argument checks
  export       a trained generator as a .keras file, a SavedModel or ONNX, checked against Keras
  cli          `python -m ganlab demo|data|train|sample|export|evaluate|features`
"""
