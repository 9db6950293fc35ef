"""Public register at national scale: search page (ours vs naive), entity page — gunicorn 2 workers, concurrency 4.

Our pages are measured as visitors get them (anonymous pages are cached until the register changes), then again
with that cache off, so the search itself is timed too.
"""

from __future__ import annotations

import os
import subprocess

from bench import dataset
from bench.harness import HEADER, PYTHON, ROOT, load, production_env, server

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "400"))
# The naive pages take 50 to 600 ms each: a few requests from four clients start both workers, which is all they need.
NAIVE_WARMUP = 8

PROBE = """
import json, random
from pariter.registry.models import Entity
from pariter.registry.selectors import EntitySearch, search_entities
random.seed(7)
total = Entity.objects.count()
common = search_entities(EntitySearch(text="associazione")).count
rare = None
for name in Entity.objects.order_by("?").values_list("name", flat=True)[:200]:
    for word in sorted(name.split(), key=len, reverse=True):
        if len(word) < 6 or not word.isalpha():
            continue
        count = search_entities(EntitySearch(text=word)).count
        if count and 0 < count.value <= 30 and not count.exceeded:
            rare = (word.lower(), count.value)
            break
    if rare:
        break
reps = list(Entity.objects.order_by("?").values_list("repertory_number", flat=True)[:50])
print(json.dumps({"total": total, "common": [common.value, common.exceeded], "rare": rare, "reps": reps}))
"""


def _probe(url: str) -> dict:
    import json

    env = dict(os.environ, DATABASE_URL=url, DEBUG="1")
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", PROBE], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def run() -> str:
    out = []
    for engine, url in dataset.engines().items():
        spent = dataset.prepare(url)
        info = _probe(url)
        rare_word, rare_count = info["rare"] or ("zzzz", 0)
        common = f"{'>' if info['common'][1] else ''}{info['common'][0]}"
        out.append(
            f"\n### {engine}: {info['total']:,} entities (dataset ready in {spent:.0f} s); "
            f"common word 'associazione' matches {common} (bounded count), rare word '{rare_word}' {rare_count}\n"
        )
        rows = [HEADER]
        env = production_env({"DATABASE_URL": url, "ROOT_URLCONF": "bench.naive_urls"})
        with server(env) as port:
            ours_c = load(port, "register search, common word (ours)", ["/registro/?q=associazione"], requests=REQUESTS)
            naive_c = load(
                port, "naive page, common word", ["/naive/?q=associazione"], requests=REQUESTS // 4, warmup=NAIVE_WARMUP
            )
            ours_r = load(port, "register search, rare word (ours)", [f"/registro/?q={rare_word}"], requests=REQUESTS)
            naive_r = load(
                port, "naive page, rare word", [f"/naive/?q={rare_word}"], requests=REQUESTS // 4, warmup=NAIVE_WARMUP
            )
            deep = load(
                port,
                "register, 5x1000 + section b (ours)",
                ["/registro/?sezione=b&cinque_per_mille=1"],
                requests=REQUESTS,
            )
            entity = load(
                port, "entity page (50 different)", [f"/registro/{r}/" for r in info["reps"]], requests=REQUESTS
            )
            api = load(port, "API search, common word", ["/api/v1/registro/enti?q=associazione"], requests=REQUESTS)
        # The same pages with the anonymous page cache off: every request runs the search and renders the page.
        with server({**env, "PUBLIC_PAGE_CACHE_SECONDS": "0"}) as port:
            cold = [
                load(port, f"{label} (uncached)", paths, requests=REQUESTS // 2)
                for label, paths in (
                    ("register search, common word", ["/registro/?q=associazione"]),
                    ("register search, rare word", [f"/registro/?q={rare_word}"]),
                    ("register, 5x1000 + section b", ["/registro/?sezione=b&cinque_per_mille=1"]),
                    ("entity page (50 different)", [f"/registro/{r}/" for r in info["reps"]]),
                )
            ]
        rows += [r.row() for r in (ours_c, naive_c, ours_r, naive_r, deep, entity, api, *cold)]
        out.append("\n".join(rows))
        out.append(
            f"\nThroughput ratio ours/naive: common word {ours_c.rps / naive_c.rps:.1f}×, "
            f"rare word {ours_r.rps / naive_r.rps:.1f}×; "
            f"uncached: common word {cold[0].rps / naive_c.rps:.1f}×, rare word {cold[1].rps / naive_r.rps:.1f}×."
        )
    return "\n".join(out)
