"""nbgrader configuration for the course kit.

nbgrader reads this file from the folder it runs in, so every instructor command runs
inside ``autograde/`` (the Makefile does this). Paths are anchored to the repository:
the *source* notebooks are ``solutions/``, the *release* (student) notebooks ``course/``;
everything produced while grading stays under ``autograde/`` and is git-ignored.
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader import preprocessors as pp  # noqa: E402

from autograde import course  # noqa: E402
from autograde.feedback import TeachingFeedback  # noqa: E402
from autograde.grading import CELL_TIMEOUT_S  # noqa: E402
from autograde.safe_execute import SafeExecute  # noqa: E402

# The folders of autograde/course.py, which every command of the kit uses as well.
c.CourseDirectory.root = str(course.ROOT)
c.CourseDirectory.source_directory = course.SOURCE
c.CourseDirectory.release_directory = course.RELEASE
c.CourseDirectory.submitted_directory = course.SUBMITTED
c.CourseDirectory.autograded_directory = course.AUTOGRADED
c.CourseDirectory.feedback_directory = course.FEEDBACK
# Parallel graders share this SQLite file; the busy timeout makes their writes queue up.
c.CourseDirectory.db_url = os.environ.get("COURSE_GRADEBOOK_URL", course.Course().gradebook_url)
# Releasing to and collecting from nbgrader's filesystem exchange (JupyterLab's
# Assignments tab). Set COURSE_EXCHANGE to a folder students and you can both reach.
c.CourseDirectory.course_id = os.environ.get("COURSE_ID", "cnn-course-kit")
c.Exchange.root = os.environ.get("COURSE_EXCHANGE", "/srv/nbgrader/exchange")
# Notebooks only; data the notebooks need comes from cnn_course_kit.datasets, not from the folder.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "*.kit-new.ipynb"]

# The per-cell limit nbgrader applies while autograding (ExecutePreprocessor.timeout is
# ignored by nbgrader 0.9): make grade's default, for the formgrader too (README: settings).
c.Execute.timeout = int(os.environ.get("COURSE_CELL_TIMEOUT", CELL_TIMEOUT_S))
c.Execute.interrupt_on_timeout = True

# A kernel that dies mid-notebook (os._exit, a segfault, the sandbox's limits) fails the
# cells from there on; the grades of the cells that ran are still saved.
c.Autograde.autograde_preprocessors = [
    SafeExecute,
    pp.IgnorePattern,
    ClearMetadataPreprocessor,
    pp.LimitOutput,
    pp.SaveAutoGrades,
    pp.AssignLatePenalties,
    pp.CheckCellMetadata,
]
c.SafeExecute.timeout = c.Execute.timeout
c.SafeExecute.interrupt_on_timeout = True

# Feedback pages show the teaching message of each failed test, never the hidden tests.
c.GenerateFeedback.preprocessors = [pp.GetGrades, TeachingFeedback, CSSHTMLHeaderPreprocessor]

# Rubrics for written answers: a locked markdown cell (the prompt above the answer) ends
# with a region between <!-- BEGIN MARK SCHEME --> and <!-- END MARK SCHEME -->. nbgrader
# removes it from the student version and restores it in the autograded notebook, so the
# formgrader shows it to graders (TeachingFeedback removes it again from feedback pages).
# nbgrader expects such regions only in "task" cells; ours are read-only prompt cells.
c.ClearMarkScheme.enforce_metadata = False

# Stubs the student sees in place of the solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
