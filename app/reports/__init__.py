"""Printed documents: ReportLab documents built in memory and returned as PDF bytes.

Nothing here writes a file. The caller shows the bytes (print preview), prints them or, after a
warning that the file will not be encrypted, saves them where the person chooses.
"""
