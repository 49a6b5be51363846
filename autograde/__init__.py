"""Instructor-side tooling: nbgrader configuration, release and grading helpers."""
