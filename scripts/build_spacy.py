"""Builds one blank spaCy pipeline per supported language under --out.

spaCy's pretrained pipelines cannot be downloaded here, so each pipeline is `spacy.blank(code)` (the
language's own tokenizer rules) plus, where spacy-lookups-data ships a lemma table for it, the lookup
lemma table, stored compactly next to the pipeline (components/lemmas.py: a few MB instead of a Python
dict of hundreds of MB), so nothing is looked up or downloaded at run time.
"""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import spacy

from components.lemmas import LemmaTable
from wegweiser.content import load_languages


def build(code: str, out: Path, lemmas: bool = True, pipeline: str = "") -> str:
    """Builds `out/code` from spaCy's blank `pipeline` (default: the language's own, `code`)."""
    pipeline = pipeline or code
    nlp = spacy.blank(pipeline)
    note = "tokenizer only (no lemma table in spacy-lookups-data)" if lemmas else "tokenizer only (stems)"
    try:
        if not lemmas:
            raise ValueError("stems instead of lemmas (content/languages.yml)")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
        table = LemmaTable.from_table(nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup"))
        note = f"tokenizer + lookup lemmas ({len(table):,} words)"
    except (ValueError, OSError):  # E955: no lookup table for this language
        table = None
    if pipeline != code:
        note = f"spaCy's `{pipeline}` tokenizer (spaCy has no `{code}`), no lemma table"
        table = None
    target = out / code
    if target.exists():
        shutil.rmtree(target)
    spacy.blank(pipeline).to_disk(target)
    if table is not None:
        table.save(target)
    return note


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for language in load_languages():
        print(f"spaCy {language.code}: {build(language.code, args.out, language.word_forms == 'lemmas', language.spacy_code)}")


if __name__ == "__main__":
    main()
