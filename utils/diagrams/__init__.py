"""Diagrams for the notebooks: the pictures behind an idea, drawn with matplotlib, offline.

One module per topic, imported by the notebook that teaches it, e.g.
``from cnn_course_kit.diagrams import convolution``. Each function draws onto a new figure (or the
``ax`` it is given) and returns the figure, so a test can check what was drawn.
"""
