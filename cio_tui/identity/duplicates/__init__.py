"""Duplicate people: rules in DuckDB SQL over a people export, explained groups, and merge plans.

Headless (no Textual). Entry points: ``analyse_export`` (engine), ``DuplicateGroup``/``choose_primary``/
``exclude_group``/``force_group`` (models), ``build_merge_plan`` (merge_plan), ``fetch_live_export`` (live).
"""
