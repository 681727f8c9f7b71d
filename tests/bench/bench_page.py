#!/usr/bin/env python3
"""The page the benchmarks read (scripts/bench, scripts/bench-hosts): 4.7 KB
of Markdown with headings, lists, tables and links, as a real wiki page
has (scripts/bench prints the size of its view). One definition, so the
figures of one host and of several are of the same page. Run as a
program, it prints the text."""


def text():
    parts = []
    for i in range(24):
        parts.append(f"## Section {i}\n\nSome *prose* with a [[Link {i}]] and **bold** text, "
                     "enough words to look like a real wiki paragraph about things.\n\n"
                     f"- item one\n- item two with `code`\n\n| a | b |\n|---|---|\n| {i} | x |\n")
    return "\n".join(parts)[:9800]


if __name__ == "__main__":
    print(text())
