#!/usr/bin/env python3
"""Whole-process benchmarks of arsplan, side by side with the peer pipeline.

Every figure is the median of interleaved runs (A, B, A, B, ...) of whole
processes, so a drift in the machine's speed touches both sides alike; the
ratio is taken pair by pair. The peer is what a network would use without
arsplan: Pandoc (Markdown to DOCX) and LibreOffice (DOCX to PDF).

Usage: scripts/bench.py [--arsplan target/release/arsplan] [--before OLD_BINARY] [-n 10]

Needs: a release build of arsplan; pandoc and LibreOffice (soffice) for the
peer figures; /usr/bin/time for peak memory. Standard library only.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(cmd, cwd=None, quiet=True):
    t = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE if quiet else None, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{r.stderr.decode(errors='replace')}")
    return elapsed


def median_ms(xs):
    return statistics.median(xs) * 1000


def pairs(n, a, b, before_each=None):
    """Runs a and b in turn n times (after one warm-up of each); returns (a times, b times, ratios b/a)."""
    if before_each:
        before_each()
    a()
    if before_each:
        before_each()
    b()
    ta, tb = [], []
    for _ in range(n):
        if before_each:
            before_each()
        ta.append(a())
        if before_each:
            before_each()
        tb.append(b())
    return ta, tb, [y / x for x, y in zip(ta, tb)]


def project(exe, where):
    where.mkdir(parents=True, exist_ok=True)
    run([exe, "ny", "eksempel"], cwd=where)
    return where


def peak_kib(cmd, cwd):
    r = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return int(r.stderr.decode().strip().splitlines()[-1])


def big_plan(where, areas=165):
    """A network whose plan runs to some 300 pages: many areas, sub-goals and activities."""
    net = where / "data" / "stor"
    shutil.copytree(where / "data" / "stavanger", net)
    for y in net.iterdir():
        if y.is_dir() and y.name != "2026":
            shutil.rmtree(y)
    rows = ["Nivå;Tekst;Gjelder;Innsatsområder"]
    for a in range(areas):
        rows.append(f"område;Område {a + 1} med et navn som tar litt plass;;")
        rows.append("mål;Bidra til at helse- og omsorgstilbudet til pasienter og pårørende er av høy kvalitet;;")
        for d in range(8):
            rows.append(f"delmål;Styrke kompetansen i område {a + 1}, delmål {d + 1}, med en tekst som går over en linje eller to;felles;")
            for k in range(6):
                rows.append(f"aktivitet;Aktivitet {k + 1}: ressurspersonene viderefomidler ny kunnskap på egen arbeidsplass og i nettverket;;")
    (net / "2026" / "plan.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return "stor"


def many_networks(where, count):
    for i in range(count):
        dst = where / "data" / f"n{i:03d}"
        shutil.copytree(where / "data" / "stavanger", dst)
        for y in dst.iterdir():
            if y.is_dir() and y.name != "2026":
                shutil.rmtree(y)


def watch_latency(exe, where, n):
    """Milliseconds from saving a moved date in moter.csv to the new PDF on disk."""
    moter = where / "data" / "stavanger" / "2026" / "moter.csv"
    pdf = where / "output" / "stavanger" / "2026" / "arsplan-2026.pdf"
    original = moter.read_text(encoding="utf-8")
    p = subprocess.Popen([exe, "watch", "--network", "stavanger", "--year", "2026", "--format", "pdf"], cwd=where,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in p.stdout:
        if "Venter på endringer" in line:
            break
    times = []
    try:
        for i in range(n + 1):
            before = pdf.read_bytes()
            day = "19.11.2026" if i % 2 == 0 else "12.11.2026"
            text = original.replace("fagdag;12.11.2026", f"fagdag;{day}")
            t = time.perf_counter()
            moter.write_text(text, encoding="utf-8")
            while True:
                try:
                    if pdf.read_bytes() != before:
                        break
                except OSError:
                    pass
                time.sleep(0.001)
            if i > 0:  # the first one warms up
                times.append(time.perf_counter() - t)
            time.sleep(0.3)
    finally:
        p.kill()
        p.wait()
        moter.write_text(original, encoding="utf-8")
    return times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arsplan", default=str(ROOT / "target" / "release" / "arsplan"))
    ap.add_argument("--before", help="an older arsplan binary to compare with, side by side")
    ap.add_argument("-n", type=int, default=10)
    args = ap.parse_args()
    exe = os.path.abspath(args.arsplan)
    old = os.path.abspath(args.before) if args.before else None
    n = args.n
    tmp = Path(tempfile.mkdtemp(prefix="arsplan-bench-"))
    rows = []

    def row(what, a, b, ratios, a_name, b_name):
        rows.append((what, f"{median_ms(a):.1f} ms", f"{b_name} {median_ms(b):.1f} ms", f"{statistics.median(ratios):.1f}×", len(a)))

    work = project(exe, tmp / "ours")
    out = work / "output"
    fresh = lambda: shutil.rmtree(out, ignore_errors=True)
    one = [exe, "build", "--network", "stavanger", "--year", "2026", "-q"]
    every = [exe, "build", "-q"]

    have_peer = shutil.which("pandoc") and shutil.which("soffice")
    if have_peer:
        peer = tmp / "peer"
        peer.mkdir()
        seeds = sorted((ROOT / "tests" / "fixtures" / "seeds").glob("0*.txt"))
        for i in range(10):
            shutil.copy(seeds[i % len(seeds)], peer / f"plan{i}.md")
        profile = f"-env:UserInstallation=file://{tmp}/lo-profile"

        def peer_one():
            t = run(["pandoc", "plan0.md", "-o", "plan0.docx"], cwd=peer)
            return t + run(["soffice", profile, "--headless", "--convert-to", "pdf", "plan0.docx"], cwd=peer)

        def peer_all():
            t = sum(run(["pandoc", f"plan{i}.md", "-o", f"plan{i}.docx"], cwd=peer) for i in range(10))
            docs = [f"plan{i}.docx" for i in range(10)]
            return t + run(["soffice", profile, "--headless", "--convert-to", "pdf", *docs], cwd=peer)

        a, b, r = pairs(n, lambda: run(one, cwd=work), peer_one, fresh)
        row("one plan, DOCX+PDF, written (Stavanger 2026)", a, b, r, "arsplan", "Pandoc+LibreOffice")
        a, b, r = pairs(n, lambda: run(every, cwd=work), peer_all, fresh)
        row("every example, cold (10 documents × DOCX+PDF + calendars, årshjul, manifests)", a, b, r, "arsplan", "Pandoc+LibreOffice, 10 documents")
    else:
        print("pandoc or soffice missing: no peer figures", file=sys.stderr)

    if old:
        owork = project(old, tmp / "before")
        oout = owork / "output"
        both = lambda: (shutil.rmtree(out, ignore_errors=True), shutil.rmtree(oout, ignore_errors=True))
        a, b, r = pairs(n, lambda: run(one, cwd=work), lambda: run([old, *one[1:]], cwd=owork), both)
        row("one plan, DOCX+PDF: this build vs before", a, b, r, "now", "before")
        a, b, r = pairs(n, lambda: run(every, cwd=work), lambda: run([old, *every[1:]], cwd=owork), both)
        row("every example, cold: this build vs before", a, b, r, "now", "before")
        run(every, cwd=work)
        run([old, *every[1:]], cwd=owork)
        a, b, r = pairs(n, lambda: run(every, cwd=work), lambda: run([old, *every[1:]], cwd=owork))
        row("every example, nothing changed: this build vs before", a, b, r, "now", "before")
    else:
        run(every, cwd=work)
        a = [run(every, cwd=work) for _ in range(n)]
        rows.append(("every example, nothing changed", f"{median_ms(a):.1f} ms", "", "", n))

    lat = watch_latency(exe, work, n)
    if old:
        olat = watch_latency(old, owork, n)
        rows.append(("watch: saved date → new PDF", f"{median_ms(lat):.0f} ms", f"before {median_ms(olat):.0f} ms",
                     f"{statistics.median(olat) / statistics.median(lat):.1f}×", n))
    else:
        rows.append(("watch: saved date → new PDF", f"{median_ms(lat):.0f} ms", "", "", n))

    big = project(exe, tmp / "big")
    name = big_plan(big)
    cmd = [exe, "build", "--network", name, "-q"]
    run(cmd, cwd=big)
    pages = subprocess.run(["pdfinfo", str(big / "output" / name / "2026" / "arsplan-2026.pdf")],
                           stdout=subprocess.PIPE, text=True).stdout
    pages = next((l.split()[-1] for l in pages.splitlines() if l.startswith("Pages:")), "?")
    shutil.rmtree(big / "output")
    mem = peak_kib(cmd, big)
    line = f"{mem / 1024:.0f} MiB peak, {pages} pages"
    if old:
        obig = project(old, tmp / "obig")
        big_plan(obig)
        line += f" (before: {peak_kib([old, *cmd[1:]], obig) / 1024:.0f} MiB)"
    rows.append(("a big plan: peak memory", line, "", "", 1))

    many = project(exe, tmp / "many")
    many_networks(many, 200)
    times = []
    for count in (20, 200):
        sel = []
        for i in range(count):
            sel += ["--network", f"n{i:03d}"]
        shutil.rmtree(many / "output", ignore_errors=True)
        t = run([exe, "build", *sel, "-q"], cwd=many)
        times.append((count, t))
    per = ", ".join(f"{c} networks {t * 1000:.0f} ms ({t / c * 1000:.1f} ms each)" for c, t in times)
    rows.append(("many networks (one plan year each)", per, "", "", 1))

    print(f"arsplan whole-process benchmarks, {os.cpu_count()} cores, medians of n interleaved runs\n")
    print("| what | arsplan | other side | ratio (other / arsplan) | n |")
    print("| --- | --- | --- | --- | --- |")
    for what, a, b, r, k in rows:
        print(f"| {what} | {a} | {b} | {r} | {k} |")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
