"""Yonhap's own text layouts (a copied en.yna.co.kr page, wire copy as yonhap_wire cuts
it into blocks) are read by the general text parser, which knows Yonhap by the dateline
and the sign-off. This name stays for the wire parser that hands its blocks over."""

from __future__ import annotations

from parsers.generic_text import PARSER_VERSION, parse

__all__ = ["PARSER_VERSION", "parse"]
