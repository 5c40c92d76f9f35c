"""Checklists: the editor, versions, the ready-made library and JSON import/export."""
