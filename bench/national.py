"""The site at national size: a synthetic corpus in the real data format, built
the way `python -m generator build` builds it, with the figures that matter.

    .venv/bin/python bench/national.py                 # seed site, 1/10 and the full set
    .venv/bin/python bench/national.py --fraction 0.1  # seed site and 1/10 only
    .venv/bin/python bench/national.py --no-whole      # the stages only (as before)
    .venv/bin/python bench/national.py --no-stages     # the real `build` only: cold, then one document changed
    .venv/bin/python bench/national.py --no-stages --serve  # and `serve` showing an edit to one document

The corpus: 342 municipalities (12 provinces) x a framework plus yearly
agreements 2021-2026, each document a clone of one of the seed documents in
data/ with the municipality's name, years and organisations put in; 300
corporations and 400 tenant organisations shared between neighbours. It passes
`python -m generator check`. Each build runs in its own project root under
bench/_work/ (ignored by git): copies of mkdocs.yml and hooks/, links to
site_theme/, content/ and node_modules/. Prints one table; see bench/README.md.
Not a test: figures vary with the machine and its load.

Two kinds of figures, each with wall time, CPU time (user + system of the
process tree) and peak memory:

- the stages, each in its own process, as `python -m generator build` runs them
  (`check`, `generate`, the builder, Pagefind), and their sum;
- the real command, `python -m generator --root <root> build`, one process as a
  maintainer runs it: from empty build/ and site/ ("whole build, cold"), then
  again after one document changed ("one document changed": one word appended to
  the first commitment of the first document with commitments of the 2nd
  municipality, see `change_one_document`). The changed file is restored
  afterwards, so data/ is the corpus as written; site/ and build/ are left as
  the second build made them (the site has that word).

Search is measured on the site the last build left.
"""
from __future__ import annotations

import argparse
import copy
import gzip
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "_work"
sys.path.insert(0, str(ROOT))

from generator.pipeline import mkdocs_env  # noqa: E402
from generator.urls import DOWNLOADS, GEMEENTEN  # noqa: E402

MUNICIPALITIES = 342
YEARS = range(2021, 2027)
PROVINCES = ["Groningen", "Fryslân", "Drenthe", "Overijssel", "Flevoland", "Gelderland", "Utrecht",
             "Noord-Holland", "Zuid-Holland", "Zeeland", "Noord-Brabant", "Limburg"]
CORPORATIONS, TENANT_ORGS = 300, 400
SYLLABLES = ["ber", "dal", "dorp", "veen", "wold", "horst", "mond", "burg", "kamp", "loo", "sted", "zijl",
             "ter", "aa", "wijk", "huizen", "brink", "hem", "rade", "ven"]
# Query -> what its first result must be: a document of the named municipality for
# the last one; for the others a document (every clone of a seed text has them).
QUERIES = ["huurverhoging", "energielabels", "buurtbemiddeling", "38.067", "sociale huurwoningen {name}"]


# --- the synthetic corpus ----------------------------------------------------------

def municipality_name(i: int) -> str:
    a, b = SYLLABLES[i % len(SYLLABLES)], SYLLABLES[(i // len(SYLLABLES) + 3 * i) % len(SYLLABLES)]
    return f"{(a + b).capitalize()}{'' if i < 40 else ' ' + 'ABCDEFGHIJ'[i % 10]}{i // 40 if i >= 40 else ''}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def load_seed() -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    orgs = yaml.safe_load((ROOT / "data/organisations.yaml").read_text(encoding="utf-8"))["organisations"]
    docs = {f"{p.parent.name}/{p.stem}": yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted((ROOT / "data").glob("*/*.yaml"))}
    return {o["id"]: o for o in orgs}, docs


def seed_names() -> dict[str, str]:
    """Municipality id -> name, as the registry has them: whatever data/ holds."""
    loaded = yaml.safe_load((ROOT / "data/municipalities.yaml").read_text(encoding="utf-8"))
    return {mun["id"]: mun["name"] for mun in loaded["municipalities"]}


def swap_orgs(node: Any, mapping: dict[str, str], key: str = "") -> Any:
    """Replace organisation ids where the format holds them."""
    if isinstance(node, dict):
        return {k: swap_orgs(v, mapping, k) for k, v in node.items()}
    if isinstance(node, list):
        return [swap_orgs(v, mapping, key) for v in node]
    if isinstance(node, str) and key in ("parties", "actors", "organisation"):
        return mapping.get(node, node)
    return node


def swap_text(node: Any, old: str, new: str) -> Any:
    if isinstance(node, dict):
        return {k: swap_text(v, old, new) for k, v in node.items()}
    if isinstance(node, list):
        return [swap_text(v, old, new) for v in node]
    if isinstance(node, str):
        return node.replace(old, new)
    return node


def dump_document(doc: dict[str, Any]) -> str:
    """A document's YAML as write_corpus writes it (change_one_document writes it the same way)."""
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=120)


def write_corpus(root: Path, count: int) -> int:
    """Write data/ for `count` municipalities; returns the number of documents."""
    seed_orgs, seed_docs = load_seed()
    data = root / "data"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    shutil.copy(ROOT / "data/themes.yaml", data / "themes.yaml")
    if (ROOT / "data/comparisons.yaml").exists():  # the figures compared across municipalities
        shutil.copy(ROOT / "data/comparisons.yaml", data / "comparisons.yaml")
    names = seed_names()
    # Any framework of the seed data is the model of every municipality's framework.
    framework = next(d for d in seed_docs.values() if d["kind"] == "framework")
    yearly = [d for ref, d in seed_docs.items() if d["kind"] == "yearly"]
    orgs = [o for o in seed_orgs.values() if o["kind"] == "overig"]
    # As many organisations per municipality as in the full set.
    corporations_n = max(3, round(CORPORATIONS * count / MUNICIPALITIES))
    tenants_n = max(3, round(TENANT_ORGS * count / MUNICIPALITIES))
    orgs += [{"id": f"corporatie-{j}", "kind": "woningcorporatie", "name": f"Woonstichting {municipality_name(j)}",
              "short_name": f"WS {municipality_name(j)}"} for j in range(corporations_n)]
    orgs += [{"id": f"huurders-{j}", "kind": "huurdersorganisatie",
              "name": f"Huurdersvereniging {municipality_name(j + 7)}", "short_name": f"HV {j}"}
             for j in range(tenants_n)]
    municipalities, documents = [], 0
    for i in range(count):
        name = municipality_name(i)
        mid = slug(name)
        municipalities.append({"id": mid, "cbs_code": f"GM{1000 + i:04d}", "name": name,
                               "province": PROVINCES[i * len(PROVINCES) // count]})
        orgs.append({"id": f"gemeente-{mid}", "kind": "gemeente", "name": f"Gemeente {name}",
                     "short_name": f"Gemeente {name}"})
        # Neighbours share corporations and tenant organisations.
        corporations = [f"corporatie-{(i + k) * corporations_n // count % corporations_n}" for k in range(3)]
        tenants = [f"huurders-{(i + k) * tenants_n // count % tenants_n}" for k in range(3)]
        folder = data / mid
        folder.mkdir()
        sources = [("ambitiekader-2021-2025", framework, None)]
        sources += [(f"prestatieafspraken-{y}", yearly[(i + y) % len(yearly)], y) for y in YEARS]
        for doc_slug, source, year in sources:
            mapping: dict[str, str] = {}
            pools = {"woningcorporatie": iter(corporations * 3), "huurdersorganisatie": iter(tenants * 3)}
            for org_id in sorted(_org_ids(source)):
                kind = seed_orgs[org_id]["kind"]
                mapping[org_id] = f"gemeente-{mid}" if kind == "gemeente" else next(pools[kind], org_id) \
                    if kind in pools else org_id
            doc = swap_orgs(copy.deepcopy(source), mapping)
            doc = swap_text(doc, names[source["municipality"]], name)
            doc["municipality"], doc["slug"] = mid, doc_slug
            if year is not None:
                doc["title"], doc["period"] = f"Prestatieafspraken {year}", {"start": year, "end": year}
                if doc.get("framework"):
                    doc["framework"] = f"{mid}/ambitiekader-2021-2025"
            doc["parties"] = list(dict.fromkeys(doc["parties"]))
            (folder / f"{doc_slug}.yaml").write_text(dump_document(doc), encoding="utf-8")
            documents += 1
    dump = {"municipalities": municipalities}
    (data / "municipalities.yaml").write_text(yaml.safe_dump(dump, allow_unicode=True, sort_keys=False))
    (data / "organisations.yaml").write_text(
        yaml.safe_dump({"organisations": orgs}, allow_unicode=True, sort_keys=False))
    return documents


def _org_ids(node: Any, key: str = "") -> set[str]:
    if isinstance(node, dict):
        return set().union(*(_org_ids(v, k) for k, v in node.items())) if node else set()
    if isinstance(node, list):
        return set().union(*(_org_ids(v, key) for v in node)) if node else set()
    return {node} if isinstance(node, str) and key in ("parties", "actors", "organisation") else set()


def project(root: Path) -> None:
    """A project root the generator and MkDocs can build: config and hook copied
    (the hook finds its root from its own path), the rest linked."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(ROOT / "hooks", root / "hooks", dirs_exist_ok=True)
    for name in ("site_theme", "content", "node_modules"):
        link = root / name
        if not link.exists():
            link.symlink_to(ROOT / name)


# --- measuring ----------------------------------------------------------------------

def tree_pids(pid: int) -> list[int]:
    """A process and all its descendants."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        todo += children.get(p, [])
    return pids


def tree_memory(pid: int, pss: bool = True) -> tuple[int, int]:
    """Memory of a process and all its descendants, in bytes: the sum of their resident
    memory (RSS), and of their proportional share of it (PSS: a page a forked worker
    still shares with its parent counts half in each, so the sum is what the tree
    holds; RSS counts it twice). PSS walks the processes' page tables, which costs
    the build being measured: without `pss`, 0."""
    rss = proportional = 0
    for p in tree_pids(pid):
        try:
            if pss:
                rollup = Path(f"/proc/{p}/smaps_rollup").read_text()
                rss += int(re.search(r"^Rss:\s+(\d+)", rollup, re.M).group(1)) * 1024  # type: ignore[union-attr]
                proportional += int(re.search(r"^Pss:\s+(\d+)", rollup, re.M).group(1)) * 1024  # type: ignore[union-attr]
            else:
                status = Path(f"/proc/{p}/status").read_text()
                rss += int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) * 1024  # type: ignore[union-attr]
        except (OSError, AttributeError):
            continue
    return rss, proportional


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None
        ) -> tuple[float, float, int, int, str]:
    """Wall seconds, CPU seconds, peak memory of the process tree (RSS and PSS, see
    tree_memory), output.

    CPU time is user + system of the process and every descendant it waited for
    (RUSAGE_CHILDREN counts a process once it has been waited for, and each
    stage's descendants are waited for by their parents), measured around this
    one child: nothing else is started meanwhile."""
    cpu = cpu_of_children()
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    peak = peak_pss = 0
    done = threading.Event()

    def sample() -> None:
        # RSS four times a second; PSS, which costs the build far more (it cost a cold
        # national build about a fifth of its wall time read as often), once in eight.
        nonlocal peak, peak_pss
        count = 0
        while not done.is_set():
            rss, pss = tree_memory(proc.pid, pss=count % 8 == 0)
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)
            count += 1
            done.wait(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    done.set()
    sampler.join()
    seconds = time.perf_counter() - start
    cpu = cpu_of_children() - cpu
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{out[-4000:]}")
    return seconds, cpu, peak, peak_pss, out


# Where earlier builds go, to be removed once every figure is taken. This machine's
# file system (ext4 without a journal: `dmesg | grep EXT4-fs`) does not reuse an inode
# freed in the last minutes, and finds that out inode by inode on every file it
# creates: after removing a national build/ and site/ (some 400,000 inodes), the cold
# build that followed spent about 28 s of CPU in the kernel's recently_deleted()
# (`perf record -a`), which a fresh clone or a CI runner never pays.
SET_ASIDE = WORK / ".set-aside"


def set_aside(*paths: Path) -> None:
    """Move paths out of the way (a rename: nothing is deleted while measuring)."""
    for path in paths:
        if path.exists():
            SET_ASIDE.mkdir(parents=True, exist_ok=True)
            path.rename(SET_ASIDE / f"{path.parent.name}-{path.name}-{time.time_ns()}")


def measure_build(root: Path, builder: str) -> dict[str, Any]:
    """The stages of a build, each in its own process, from an empty build/ and site/."""
    py = sys.executable
    r: dict[str, Any] = {}
    set_aside(root / "build")
    r["check_s"], r["check_cpu"], _, _, _ = run([py, "-m", "generator", "--root", str(root), "check"], ROOT)
    set_aside(root / "build")
    r["generate_s"], r["generate_cpu"], r["generate_mem"], r["generate_pss"], _ = run(
        [py, "-m", "generator", "--root", str(root), "generate"], ROOT)
    site = root / "site"
    set_aside(site)
    env = mkdocs_env()
    r["builder_s"], r["builder_cpu"], r["builder_mem"], r["builder_pss"], _ = run(
        [py, "-m", builder, "build", "--clean", "--strict", "--site-dir", str(site),
         "--config-file", str(root / "mkdocs.yml")], root, env)
    r.update(measure_index(site))
    # The sum of the stages run one after the other; build() runs the generator's
    # last outputs beside the builder (measure_whole_build measures that).
    add_up(r)
    r.update(site_figures(site))
    return r


def add_up(r: dict[str, Any]) -> None:
    r["build_s"] = r["generate_s"] + r["builder_s"] + r["search_s"]
    if all(f"{stage}_cpu" in r for stage in ("generate", "builder", "search")):  # older results had none
        r["build_cpu"] = r["generate_cpu"] + r["builder_cpu"] + r["search_cpu"]
    r["build_mem"] = max(r["generate_mem"], r["builder_mem"], r["search_mem"])


def measure_index(site: Path) -> dict[str, Any]:
    for bundle in site.glob("pagefind*"):
        shutil.rmtree(bundle)
    code = f"from pathlib import Path; from generator.search import index_site; index_site(Path({str(site)!r}))"
    seconds, cpu, memory, pss, _ = run([sys.executable, "-c", code], ROOT)
    return {"search_s": seconds, "search_cpu": cpu, "search_mem": memory, "search_pss": pss}


# What `python -m generator build` prints when it took the incremental path.
REUSED = "reused the previous build"
# The word appended to one commitment for the one-document build.
CHANGE = "bijgewerkt"


def first_commitment(node: Any) -> dict[str, Any] | None:
    """The first commitment in reading order (chapters, their groups, sub-chapters)."""
    if isinstance(node, dict):
        for item in node.get("commitments") or []:
            return item  # type: ignore[no-any-return]
        for value in node.values():
            found = first_commitment(value)
            if found is not None:
                return found
    elif isinstance(node, list):
        for value in node:
            found = first_commitment(value)
            if found is not None:
                return found
    return None


def change_one_document(root: Path, write: bool = True) -> tuple[Path, str]:
    """Append one word to the text of the first commitment of the first document
    (in file-name order) with commitments of the 2nd municipality of the registry:
    an edit a maintainer makes to one document, valid for `check` (the bench's
    clones have no source text to compare with). Returns the file and its text
    before the change, to restore it; without `write`, only which file it would be."""
    data = root / "data"
    registry = yaml.safe_load((data / "municipalities.yaml").read_text(encoding="utf-8"))["municipalities"]
    municipality = registry[1 if len(registry) > 1 else 0]["id"]
    for path in sorted((data / municipality).glob("*.yaml")):
        before = path.read_text(encoding="utf-8")
        doc = yaml.safe_load(before)
        commitment = first_commitment(doc.get("chapters"))
        if commitment is None:
            continue
        if dump_document(doc) != before:
            raise SystemExit(f"{path} is not as write_corpus writes it; cannot change one word of it")
        text = str(commitment["text"])
        commitment["text"] = text.rstrip("\n") + f" {CHANGE}" + ("\n" if text.endswith("\n") else "")
        if write:
            path.write_text(dump_document(doc), encoding="utf-8")
        return path, before
    raise SystemExit(f"no document of {municipality} has a commitment to change")


def measure_whole_build(root: Path) -> dict[str, Any]:
    """`python -m generator --root <root> build` as a maintainer runs it: from empty
    build/ and site/, then again after one document changed (restored afterwards)."""
    command = [sys.executable, "-m", "generator", "--root", str(root), "build"]
    set_aside(root / "build", root / "site")
    r: dict[str, Any] = {}
    r["cold_s"], r["cold_cpu"], r["cold_mem"], r["cold_pss"], _ = run(command, ROOT)
    path, before = change_one_document(root)
    try:
        r["changed_s"], r["changed_cpu"], r["changed_mem"], r["changed_pss"], out = run(command, ROOT)
    finally:
        path.write_text(before, encoding="utf-8")
    r["changed_file"] = str(path.relative_to(root))
    r["changed_reused"] = REUSED in out
    r.update(site_figures(root / "site"))
    return r


def measure_serve(root: Path, port: int = 8765) -> dict[str, Any]:
    """`python -m generator serve` as a maintainer runs it: once it serves the site, the
    seconds from saving one changed document (change_one_document) until the server
    sends its page with the change, and until the rest of the site has it too (its
    JSON download, which only the whole generation writes). What the server sends is
    polled ten times a second, so the figures are at most 0.1 s late."""
    import urllib.error
    import urllib.request

    command = [sys.executable, "-m", "generator", "--root", str(root), "serve", "--addr", f"127.0.0.1:{port}"]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)

    def page(url: str) -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(response.read().decode("utf-8"))
        except (urllib.error.URLError, OSError):
            return ""

    r: dict[str, Any] = {}
    try:
        start = time.perf_counter()
        home = f"http://127.0.0.1:{port}/"
        while not page(home):
            if server.poll() is not None:
                raise SystemExit("serve stopped before it served the site")
            time.sleep(0.5)
        r["serve_start_s"] = time.perf_counter() - start
        path, before = change_one_document(root, write=False)
        url = f"{home}{GEMEENTEN}/{path.parent.name}/{path.stem}/"
        download = f"{home}{DOWNLOADS}/{path.parent.name}/{path.parent.name}-{path.stem}.json"
        shown = page(url).count(CHANGE)  # the page as served before the change
        listed = page(download).count(CHANGE)
        change_one_document(root)
        try:
            saved = time.perf_counter()
            for key, address, before_count in (("serve_edit_s", url, shown),
                                               ("serve_whole_s", download, listed)):
                while page(address).count(CHANGE) <= before_count:
                    if time.perf_counter() - saved > 600:
                        raise SystemExit(f"serve did not show the change of {path} in {address} within 600 s")
                    time.sleep(0.1)
                r[key] = time.perf_counter() - saved
        finally:
            path.write_text(before, encoding="utf-8")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
    return r


def site_figures(site: Path) -> dict[str, Any]:
    pages = sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts)
    sizes = [(p.stat().st_size, len(gzip.compress(p.read_bytes(), 6)), p) for p in pages]
    sizes.sort(key=lambda s: s[0])
    bundle = site / "pagefind"
    return {
        "pages": len(pages),
        "site_bytes": sum(f.stat().st_size for f in site.rglob("*") if f.is_file()),
        "median_page": sizes[len(sizes) // 2][:2],
        "largest_page": sizes[-1][:2],
        "largest_page_path": str(sizes[-1][2].relative_to(site)),
        "index_bytes": sum(f.stat().st_size for b in site.glob(f"{bundle.name}*") for f in b.rglob("*")
                           if f.is_file()),
        "index_parts": len(list(site.glob(f"{bundle.name}*"))),
    }


def measure_search(site: Path, queries: list[str]) -> dict[str, Any]:
    """Cold search in headless Chromium, a fresh page per query: time to load
    Pagefind (init), then from the query to the first result's data (loading
    the index chunks it needs), and all bytes of /pagefind/ downloaded."""
    import functools
    import http.server

    from playwright.sync_api import sync_playwright

    served: list[int] = []

    class Quiet(http.server.SimpleHTTPRequestHandler):
        # Counts the bytes of search files served, from the page or a worker.
        def log_message(self, format: str, *args: object) -> None:
            pass

        def copyfile(self, source: Any, outputfile: Any) -> None:
            if self.path.startswith("/pagefind"):
                start = source.tell()
                super().copyfile(source, outputfile)
                served.append(source.tell() - start)
            else:
                super().copyfile(source, outputfile)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                          "--disable-component-update"])
        for query in queries:
            context = browser.new_context()
            page = context.new_page()
            page.goto(base + "over/")
            page.wait_for_load_state("networkidle")
            served.clear()
            # The panel loads Pagefind when it opens (init: script, WASM, entry
            # and meta files), while the reader types; then the query runs.
            out = page.evaluate("""async q => {
                const t0 = performance.now();
                const pf = await window.siteSearch.pagefind();
                const t1 = performance.now();
                const s = await pf.search(q);
                const first = s.results.length ? await s.results[0].data() : null;
                const t2 = performance.now();
                return {init_ms: t1 - t0, ms: t2 - t1, count: s.results.length,
                        first: first && first.meta.title};
            }""", query)
            page.wait_for_timeout(200)
            out["bytes"] = sum(served)
            out["query"] = query
            named = query.removeprefix("sociale huurwoningen ")
            expected = f"– {named}" if named != query else "Prestatieafspraken"
            out["as_expected"] = bool(out["first"]) and expected in out["first"]
            results.append(out)
            context.close()
        browser.close()
    server.shutdown()
    return {"search": results}


# --- the report -----------------------------------------------------------------------

def mb(n: float) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def row(label: str, cells: list[str]) -> str:
    return f"| {label} | " + " | ".join(cells) + " |"


def seconds(r: dict[str, Any], stage: str) -> str:
    """Wall and CPU time of a stage: `12.3 s, CPU 10.1 s`."""
    cpu = f", CPU {r[stage + '_cpu']:.1f} s" if stage + "_cpu" in r else ""
    return f"{r[stage + '_s']:.1f} s{cpu}"


def memory(r: dict[str, Any], stage: str) -> str:
    """Peak memory of a stage: RSS summed over its processes, and PSS where measured."""
    pss = f" (PSS {mb(r[stage + '_pss'])})" if stage + "_pss" in r else ""
    return f"{mb(r[stage + '_mem'])}{pss}"


def report(results: dict[str, dict[str, Any]]) -> str:
    names = list(results)
    lines = [row("", names), row("---", ["---"] * len(names))]

    def add(label: str, fn: Any, key: str = "") -> None:
        if key and not any(key in results[n] for n in names):
            return
        lines.append(row(label, [fn(results[n]) if not key or key in results[n] else "" for n in names]))

    add("documents", lambda r: str(r["documents"]))
    add("HTML pages", lambda r: str(r["pages"]))
    add("`check`", lambda r: seconds(r, "check"), "check_s")
    add("generator (`generate`)", lambda r: f"{seconds(r, 'generate')}, {memory(r, 'generate')}", "generate_s")
    add(f"builder ({results[names[0]]['builder']})",
        lambda r: f"{seconds(r, 'builder')}, {memory(r, 'builder')}", "builder_s")
    add("Pagefind", lambda r: f"{seconds(r, 'search')}, {memory(r, 'search')}", "search_s")
    add("sum of the stages / peak memory", lambda r: f"**{seconds(r, 'build')}** / {mb(r['build_mem'])}",
        "build_s")
    add("generator share", lambda r: f"{100 * r['generate_s'] / r['build_s']:.0f}%", "build_s")
    add("whole build, cold (`python -m generator build`)",
        lambda r: f"**{seconds(r, 'cold')}**, {memory(r, 'cold')}", "cold_s")
    add("one document changed, `build` again",
        lambda r: f"**{seconds(r, 'changed')}**, {memory(r, 'changed')}, "
        + ("reused the previous build" if r["changed_reused"] else "built cold (nothing reused)"), "changed_s")
    add("`serve`: until it serves the site / an edit to one document shows on its page / everywhere",
        lambda r: f"{r['serve_start_s']:.1f} s / **{r['serve_edit_s']:.1f} s** / {r['serve_whole_s']:.1f} s",
        "serve_edit_s")
    add("site size", lambda r: mb(r["site_bytes"]))
    add("median page raw / gz", lambda r: f"{mb(r['median_page'][0])} / {mb(r['median_page'][1])}")
    add("largest page raw / gz", lambda r: f"{mb(r['largest_page'][0])} / {mb(r['largest_page'][1])}")
    add("search index (all files) / parts", lambda r: f"{mb(r['index_bytes'])} / {r.get('index_parts', 1)}")
    add("loading Pagefind when the panel opens (worst)",
        lambda r: f"{max(s['init_ms'] for s in r['search']):.0f} ms")
    add("one search: query to first result (worst query)",
        lambda r: f"{max(s['ms'] for s in r['search']):.0f} ms")
    add("first results as expected", lambda r: f"{sum(s.get('as_expected', True) for s in r['search'])}"
        f"/{len(r['search'])}")
    add("one search: downloaded (worst query)", lambda r: mb(max(s["bytes"] for s in r["search"])))
    lines.append("")
    for n in names:
        if "changed_file" in results[n]:
            lines.append(f"- {n}: the changed document: {results[n]['changed_file']} (one word appended to "
                         "its first commitment)")
        for s in results[n]["search"]:
            lines.append(f"- {n}: {s['query']!r}: {s['count']} results, first {s['first']!r}, "
                         f"load {s['init_ms']:.0f} ms + search {s['ms']:.0f} ms, {mb(s['bytes'])}"
                         f"{'' if s.get('as_expected', True) else ' (NOT the expected first result)'}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fraction", type=float, action="append",
                        help="share of the 342 municipalities; repeatable (default: 0.1 and 1)")
    parser.add_argument("--builder", default="mkdocs", help="module run as `<builder> build` (mkdocs, properdocs)")
    parser.add_argument("--no-seed", action="store_true", help="skip the seed site")
    parser.add_argument("--reindex", action="store_true",
                        help="run only Pagefind again on the sites in bench/_work, then measure search")
    parser.add_argument("--search-only", action="store_true",
                        help="measure search again on the sites in bench/_work (no generating or building)")
    parser.add_argument("--no-stages", action="store_true",
                        help="skip the stages measured one by one (check, generate, builder, Pagefind)")
    parser.add_argument("--no-whole", action="store_true",
                        help="skip the real `build`: cold, then with one document changed")
    parser.add_argument("--serve", action="store_true",
                        help="also time `serve` showing an edit to one document (after the builds)")
    args = parser.parse_args()
    if args.no_stages and args.no_whole:
        parser.error("--no-stages and --no-whole leave nothing to build")
    fractions = args.fraction or [0.1, 1.0]
    again = args.search_only or args.reindex
    results: dict[str, dict[str, Any]] = {}
    runs: list[tuple[str, Path, int]] = []
    if not args.no_seed:
        seed = WORK / "seed"
        project(seed)
        if not again:
            shutil.rmtree(seed / "data", ignore_errors=True)
            shutil.copytree(ROOT / "data", seed / "data")
        runs.append(("seed", seed, len(list((ROOT / "data").glob("*/*.yaml")))))
    for fraction in fractions:
        count = max(1, round(MUNICIPALITIES * fraction))
        root = WORK / f"national-{count}"
        project(root)
        documents = 0 if again else write_corpus(root, count)
        runs.append((f"{count} municipalities", root, documents))
    previous = json.loads((WORK / f"results-{args.builder}.json").read_text()) if again else {}
    try:
        measure_runs(args, runs, again, previous, results)
    finally:
        print("removing the builds set aside ...", file=sys.stderr, flush=True)
        shutil.rmtree(SET_ASIDE, ignore_errors=True)
    print(report(results))


def measure_runs(args: argparse.Namespace, runs: list[tuple[str, Path, int]], again: bool,
                 previous: dict[str, Any], results: dict[str, Any]) -> None:
    for name, root, documents in runs:
        if again:
            r = previous[name]
            if args.reindex:
                print(f"indexing {name} again ...", file=sys.stderr, flush=True)
                r.update(measure_index(root / "site"))
                if "generate_s" in r:  # the stages were measured (not with --no-stages)
                    add_up(r)
                r.update(site_figures(root / "site"))
        else:
            r = {"documents": documents, "builder": args.builder}
            if not args.no_stages:
                print(f"building {name} ({documents} documents) stage by stage with {args.builder} ...",
                      file=sys.stderr, flush=True)
                r.update(measure_build(root, args.builder))
            if not args.no_whole:
                print(f"building {name} with `python -m generator build`, cold, then with one document "
                      "changed ...", file=sys.stderr, flush=True)
                r.update(measure_whole_build(root))
            if args.serve:
                print(f"serving {name} and changing one document ...", file=sys.stderr, flush=True)
                r.update(measure_serve(root))
        municipalities = yaml.safe_load((root / "data/municipalities.yaml").read_text(encoding="utf-8"))
        place = municipalities["municipalities"][len(municipalities["municipalities"]) // 2]["name"]
        r.update(measure_search(root / "site", [q.format(name=place) for q in QUERIES]))
        results[name] = r
        (WORK / f"results-{args.builder}.json").write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    main()
