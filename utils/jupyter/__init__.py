"""The kit's JupyterLab set-up: settings, which nbgrader tools a student or an instructor
sees, and nbgrader's Validate with the teaching message first.

* ``default_setting_overrides.json``: lab defaults for everyone (no news pop-up).
* ``student/`` and ``instructor/``: two Jupyter configuration directories. ``make lab``
  puts ``student/`` first on ``JUPYTER_CONFIG_PATH`` and ``make formgrader`` puts
  ``instructor/`` there; a wheel install (Binder's postBuild, ``pip install .``) copies the
  student files into ``<prefix>/etc/jupyter/`` (pyproject's data-files), because whoever
  opens the course on Binder is a student or a self-study reader.
* :mod:`cnn_course_kit.jupyter.validate`: the server extension both directories enable in place
  of nbgrader's ``validate_assignment``.
"""
