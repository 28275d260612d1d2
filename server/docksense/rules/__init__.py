"""Checks: one module per family, a registry, and fixes that live with their rule."""

from .engine import RuleConfig, run_rules
from .model import Edit, Finding, Fix, Rule
from .registry import RULES, canonical

__all__ = ["RULES", "Edit", "Finding", "Fix", "Rule", "RuleConfig", "canonical", "run_rules"]
