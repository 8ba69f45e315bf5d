# The register's files from pieces kept between builds (register.py): a document's
# piece is kept under a key of its own text, so it is right only if its rows read no
# other document. Each document is changed in turn, in memory, as in
# test_rendercache.py, and every piece whose key stayed must be the same bytes as
# before; and the register joined from kept pieces must be the register a build
# without them makes.
from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl

from generator import xlsx
from generator.pipeline import Settings, generate
from generator.records import corpus_records
from generator.register import PIECES, REGISTER_DIR, Piece, document_piece, piece_keys, register_files
from generator.validate import Corpus, load_corpus
from tests.test_bench import load_bench
from tests.test_rendercache import EDITS, with_document_edited

ROOT = Path(__file__).resolve().parent.parent
SITE_URL = "https://example.org/pa/"


def pieces(corpus: Corpus) -> tuple[dict[str, str], dict[str, Piece]]:
    records = corpus_records(corpus.documents, corpus.municipalities)
    return piece_keys(corpus, SITE_URL), {
        doc.ref: document_piece(corpus, [r for r in records.values() if r.doc.ref == doc.ref], SITE_URL)
        for doc in corpus.documents}


def _titled_as(title: str) -> Any:
    """The document given another's title: two documents of a municipality with one
    title are cited apart by their period (records.corpus_records), in both."""
    def edit(value: Any) -> Any:
        return {**value, "title": title}
    edit.__name__ = f"titled {title!r}"
    return edit


def check_pieces(corpus: Corpus, step: int = 1) -> None:
    keys, made = pieces(corpus)
    for doc in corpus.documents[::step]:
        namesake = next((d.title for d in corpus.documents
                         if d.municipality == doc.municipality and d.title != doc.title), None)
        for edit in [*EDITS, *([_titled_as(namesake)] if namesake else [])]:
            new_keys, new = pieces(with_document_edited(corpus, doc.ref, edit))
            assert new_keys[doc.ref] != keys[doc.ref]
            stale = [ref for ref, key in new_keys.items() if keys[ref] == key and new[ref] != made[ref]]
            assert not stale, f"{doc.ref} changed ({edit.__name__}), and these pieces with the same key: {stale}"
            if edit.__name__ == "_texts_edited":
                assert new[doc.ref] != made[doc.ref] or not made[doc.ref].csv


def test_a_piece_whose_key_stays_is_the_same_on_the_bundled_data() -> None:
    check_pieces(load_corpus(ROOT / "data", ROOT))


def test_a_piece_whose_key_stays_is_the_same_on_a_national_slice(tmp_path: Path) -> None:
    # Several municipalities, organisations shared between them.
    load_bench().write_corpus(tmp_path, 3)
    corpus = load_corpus(tmp_path / "data", tmp_path)
    check_pieces(corpus, max(1, len(corpus.documents) // 8))


def test_the_register_from_kept_pieces_is_the_one_made_without(tmp_path: Path) -> None:
    corpus = load_corpus(ROOT / "data", ROOT)
    kept = tmp_path / PIECES
    assert register_files(corpus, site_url=SITE_URL, pieces=kept) == register_files(corpus, site_url=SITE_URL)
    keys = piece_keys(corpus, SITE_URL)
    assert sorted(p.name for p in kept.iterdir()) == sorted(keys.values())
    first, second = corpus.documents[0].ref, corpus.documents[1].ref
    (kept / keys[second]).write_bytes((kept / keys[second]).read_bytes()[:-3])  # cut short: made again
    before = {ref: (kept / key).stat().st_mtime_ns for ref, key in keys.items()}
    edited = with_document_edited(corpus, first)
    files = register_files(edited, site_url=SITE_URL, pieces=kept)
    assert files == register_files(edited, site_url=SITE_URL)
    assert files != register_files(corpus, site_url=SITE_URL)
    new_keys = piece_keys(edited, SITE_URL)
    # Only the edited document's piece is new; the last one of it is removed.
    assert sorted(p.name for p in kept.iterdir()) == sorted(new_keys.values())
    assert [ref for ref, key in keys.items() if key in new_keys.values()
            and (kept / key).stat().st_mtime_ns != before[ref]] == [second]


def _register(root: Path) -> dict[str, bytes]:
    directory = root / "build/docs" / REGISTER_DIR
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_a_build_after_an_edit_writes_the_register_a_cold_build_writes(corpus_dir: Path) -> None:
    root = corpus_dir.parent
    shutil.copytree(ROOT / "content", root / "content")
    (root / "node_modules").symlink_to(ROOT / "node_modules")
    generate(Settings(root))
    document = next(corpus_dir.glob("*/*.yaml"))
    text = document.read_text(encoding="utf-8")
    edited = re.sub(r"(\n\s+text: )(.+)", r"\1\2 (gewijzigd)", text, count=1)
    assert edited != text
    document.write_text(edited, encoding="utf-8")
    generate(Settings(root))
    reused = _register(root)
    assert "(gewijzigd)" in reused["afspraken.csv"].decode("utf-8")
    shutil.rmtree(root / "build")
    generate(Settings(root))
    assert _register(root) == reused


def test_a_sheet_in_parts_reads_as_the_whole_sheet() -> None:
    header, kinds = ["tekst", "getal", "leeg"], ["string", "integer", "string"]
    rows = [["een", "1", ""], ["", "2", "x"], [" twee\r\n", "", ""], ["=1+1", "-3", "z"]]
    whole = xlsx.workbook([("t", ("tekst,getal,leeg\n" + "\n".join(
        ",".join(f'"{c}"' for c in row) for row in rows) + "\n").encode(), kinds)])
    parts = xlsx.workbook_of_parts([("t", [xlsx.sheet_head(header), xlsx.rows_part(kinds, rows[:1]),
                                           xlsx.rows_part(kinds, []), xlsx.rows_part(kinds, rows[1:]),
                                           xlsx.SHEET_TAIL])])
    assert zipfile.ZipFile(io.BytesIO(parts)).testzip() is None  # every part's CRC-32 checks
    values = [[list(r) for r in openpyxl.load_workbook(io.BytesIO(book))["t"].iter_rows(values_only=True)]
              for book in (whole, parts)]
    assert values[0] == values[1] == [header, ["een", 1, None], [None, 2, "x"], [" twee\r\n", None, None],
                                      ["=1+1", -3, "z"]]
