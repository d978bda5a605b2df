"""The source documents by the names a secretary knows them (DOMAIN.md's "000" to "004").

DOMAIN.md, comments and docstrings name the seeds by the first digits of their file names; what a
user reads names the document, e.g. 《社区党建工作制度》, optionally with the article after it.
tests/test_words.py fails when a message or page cites a bare code.
"""

from __future__ import annotations

# Each seed's title as the file gives it. 000 is a set of ten questions on community party
# building, each answered on its own (cited by the question: ITEMS_000); 001 a county's report
# with the 双联双管 rules it set; 002 a collection of community party-building rules.
SOURCES: dict[str, str] = {
    "000": "社区党建工作问答",
    "001": "推行双联双管 构建区域大党建新格局",
    "002": "社区党建工作制度",
    "003": "党建示范小区意见",
    "004": "2023年社区大党委实施方案",
}

# 000's questions by their number: each is the title a citation of that item gives.
ITEMS_000: dict[str, str] = {
    "四": "社区制定万元党建经费使用计划",
    "七": "怎样开展社区区域化党建工作",
    "八": "社区党建公示栏具体有哪些内容",
    "九": "社区党务专干具体做什么工作",
    "十": "如何开展社区“三位一体”区域化党建工作",
}


def cite(code: str, article: str = "") -> str:
    """《title》 of a seed, with its article after it when given: cite("002", "第八条").
    000's items are cited by their own question: cite("000", "八") gives 《社区党建公示栏具体有哪些内容》."""
    if code == "000" and article in ITEMS_000:
        return f"《{ITEMS_000[article]}》"
    return f"《{SOURCES[code]}》{article}"
