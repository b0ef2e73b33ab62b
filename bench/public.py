"""Benchmark: the public progress page (政务公开, issue 17) under load, from the cache, against gunicorn.

    make bench-public                           # or: python bench/public.py
    BENCH_PUBLIC_SECONDS=20 BENCH_PUBLIC_RATE=300 python bench/public.py

What it does, as production would:
1. a scratch SQLite database (or ``BENCH_PUBLIC_DATABASE_URL``, which it migrates and fills: give
   it one you can throw away), migrated and filled with the demo (``seed_demo``: 示范市's plan with
   a year of activity, published by ``public.demo``); ``collectstatic`` into a temporary directory;
2. gunicorn with ``config/gunicorn.conf.py`` (DEBUG=0, 2 sync workers by default, a free local
   port). The cache is the deployment's: each worker's memory, or Redis with ``CACHE_URL``;
3. warms the cache (each worker builds the page once), then
   - with ``wrk`` (Debian package ``wrk``) when installed: as many requests as it can for
     BENCH_PUBLIC_SECONDS with 16 connections, the capacity of the two cores;
   - always: a paced Python client at BENCH_PUBLIC_RATE requests/s (default 200) for
     BENCH_PUBLIC_SECONDS (default 10), each request on a new connection (gunicorn's sync workers
     close it), with latency percentiles and errors;
4. prints::

       PUBLIC wrk requests_per_s=… p50_ms=… p99_ms=… errors=…
       PUBLIC paced rate=200 sent=… ok=… errors=… achieved_per_s=… p50_ms=… p95_ms=… p99_ms=… max_ms=…
       PUBLIC target 200 requests/s from the cache: met | NOT met

   The load generator runs on the same two cores as gunicorn, so the figures are a floor.
Environment: BENCH_PUBLIC_SECONDS, BENCH_PUBLIC_RATE, BENCH_PUBLIC_WORKERS (gunicorn workers, 2),
BENCH_PUBLIC_CONNECTIONS (wrk's, 16), BENCH_PUBLIC_DATABASE_URL, CACHE_URL, BENCH_PUBLIC_KEEP=1,
BENCH_PUBLIC_QUICK=1 (the demo plan without its year of activity: built in seconds, a smaller page).
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import cpu_seconds, free_port, percentile, start_gunicorn, stop_gunicorn  # noqa: E402


def log(message: str) -> None:
    print(f"[public] {message}", flush=True)


def fetch(port: int, path: str, timeout: float = 10) -> tuple[int, bytes, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        conn.close()


def wait_for(port: int, process: subprocess.Popen, log_path: Path, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            if fetch(port, "/public/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer in {seconds} s:\n{log_path.read_text()[-3000:]}")


def worker_pids(arbiter: subprocess.Popen) -> list[int]:
    try:
        return [int(pid) for pid in Path(f"/proc/{arbiter.pid}/task/{arbiter.pid}/children").read_text().split()]
    except OSError:
        return []


def run_wrk(url: str, seconds: int, connections: int) -> dict | None:
    wrk = shutil.which("wrk")
    if wrk is None:
        log("wrk is not installed (apt-get install wrk): only the paced Python client runs")
        return None
    out = subprocess.run(
        [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s", url],
        capture_output=True, text=True, timeout=seconds + 30, check=False,
    ).stdout

    def ms(label: str) -> float:
        found = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not found:
            return float("nan")
        value, unit = float(found.group(1)), found.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = 0
    for found in re.finditer(r"(connect|read|write|timeout) (\d+)", out):
        errors += int(found.group(2))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(non2xx.group(1)) if non2xx else 0
    return {"requests_per_s": float(rate.group(1)) if rate else 0.0, "p50_ms": ms("50"), "p99_ms": ms("99"), "errors": errors}


def _paced_share(args: tuple[int, str, float, int, float, int]) -> tuple[list[float], int]:
    """One client process's share: ``rate`` requests a second for ``seconds`` from ``start`` (a
    wall-clock time shared by all), each sent at its scheduled time by a pool of threads."""
    port, path, rate, seconds, start, threads = args
    total = int(rate * seconds)
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    next_index = [0]

    def worker() -> None:
        while True:
            with lock:
                index = next_index[0]
                next_index[0] += 1
            if index >= total:
                return
            pause = start + index / rate - time.time()
            if pause > 0:
                time.sleep(pause)
            began = time.perf_counter()
            try:
                status, body, _headers = fetch(port, path)
                ok = status == 200 and len(body) > 1000
            except OSError:
                ok = False
            took = (time.perf_counter() - began) * 1000
            with lock:
                if ok:
                    latencies.append(took)
                else:
                    failures[0] += 1

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=seconds + 60)
    return latencies, total - len(latencies)


def run_paced(port: int, path: str, rate: int, seconds: int, processes: int = 4, threads: int = 16) -> dict:
    """``rate`` requests a second for ``seconds``, from ``processes`` client processes (a Python
    client in one process cannot send 200 a second on a busy machine)."""
    import multiprocessing

    start = time.time() + 1.0
    shares = [(port, path, rate / processes, seconds, start, threads) for _ in range(processes)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        results = pool.map(_paced_share, shares)
    elapsed = time.time() - start
    latencies = [ms for share, _failed in results for ms in share]
    return {
        "rate": rate, "sent": rate * seconds, "ok": len(latencies), "errors": sum(failed for _share, failed in results),
        "achieved_per_s": len(latencies) / elapsed if elapsed > 0 else 0.0,
        "p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95), "p99_ms": percentile(latencies, 99),
        "max_ms": max(latencies, default=float("nan")),
    }


def main() -> int:
    seconds = int(os.environ.get("BENCH_PUBLIC_SECONDS", "10"))
    rate = int(os.environ.get("BENCH_PUBLIC_RATE", "200"))
    workers = int(os.environ.get("BENCH_PUBLIC_WORKERS", "2"))
    connections = int(os.environ.get("BENCH_PUBLIC_CONNECTIONS", "16"))
    keep = os.environ.get("BENCH_PUBLIC_KEEP") == "1"
    tmp = Path(tempfile.mkdtemp(prefix="plansup-public-"))
    database_url = os.environ.get("BENCH_PUBLIC_DATABASE_URL") or f"sqlite:///{tmp / 'public.sqlite3'}"
    env = {
        **{k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "USER", "CACHE_URL"}},
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": "",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "STATIC_ROOT": str(tmp / "staticfiles"),
        "MEDIA_ROOT": str(tmp / "media"),
        "WEB_CONCURRENCY": str(workers),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update({k: v for k, v in env.items() if k not in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "USER"}})
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections as db_connections

    process = None
    try:
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        quick = ["--no-activity"] if os.environ.get("BENCH_PUBLIC_QUICK") == "1" else []
        call_command("seed_demo", *quick, stdout=open(os.devnull, "w"))  # noqa: SIM115
        from public.selectors import published_plans

        plan = published_plans().first()
        if plan is None:
            raise SystemExit("seed_demo published no plan")
        db_connections.close_all()
        log(f"demo built, static collected in {time.perf_counter() - t0:.1f} s; plan {plan.pk} {plan.title}")

        port = free_port()
        env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
        log_path = tmp / "gunicorn.log"
        process = start_gunicorn(env, log_path)
        wait_for(port, process, log_path)
        path = f"/public/{plan.pk}/"
        status, body, headers = fetch(port, path)
        if status != 200:
            raise SystemExit(f"GET {path}: {status}")
        cookies = headers.get("Set-Cookie", "")
        log(f"gunicorn: {workers} workers on 127.0.0.1:{port}; {path}: {len(body)} bytes, "
            f"Cache-Control {headers.get('Cache-Control')!r}, Set-Cookie {cookies!r}")
        for _ in range(8 * workers):  # every worker builds (and then caches) the page
            fetch(port, path)

        load_before = os.getloadavg()[0]

        def cpu_per_request(pids: list[int], before: float, served: float) -> float:
            # gunicorn recycles a worker after max_requests: then its CPU is lost, and no figure is given.
            if worker_pids(process) != pids or not served:
                return float("nan")
            return (cpu_seconds(pids) - before) * 1000 / served

        pids = worker_pids(process)
        cpu_before = cpu_seconds(pids)
        figures = run_wrk(f"http://127.0.0.1:{port}{path}", seconds, connections)
        if figures:
            figures["cpu_ms"] = cpu_per_request(pids, cpu_before, figures["requests_per_s"] * seconds)
            print("PUBLIC wrk requests_per_s={requests_per_s:.0f} p50_ms={p50_ms:.1f} p99_ms={p99_ms:.1f} errors={errors} "
                  "server_cpu_ms_per_request={cpu_ms:.2f}".format(**figures), flush=True)
        pids = worker_pids(process)
        cpu_before = cpu_seconds(pids)
        paced = run_paced(port, path, rate, seconds)
        paced["cpu_ms"] = cpu_per_request(pids, cpu_before, paced["ok"])
        cpu_ms = paced["cpu_ms"] if paced["cpu_ms"] == paced["cpu_ms"] else figures["cpu_ms"] if figures else float("nan")
        # What the two cores could serve if gunicorn had them to itself (the CPU a request costs it).
        paced["capacity"] = 2000 / cpu_ms if cpu_ms == cpu_ms and cpu_ms > 0 else float("nan")
        print(
            "PUBLIC paced rate={rate} sent={sent} ok={ok} errors={errors} achieved_per_s={achieved_per_s:.0f} "
            "p50_ms={p50_ms:.1f} p95_ms={p95_ms:.1f} p99_ms={p99_ms:.1f} max_ms={max_ms:.1f} "
            "server_cpu_ms_per_request={cpu_ms:.2f} two_core_capacity_per_s={capacity:.0f}".format(**paced),
            flush=True,
        )
        print(f"PUBLIC machine: {os.cpu_count()} CPUs, load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after", flush=True)
        met = paced["errors"] == 0 and paced["achieved_per_s"] >= 0.95 * rate and paced["p95_ms"] < 1000
        if figures:
            met = met and figures["requests_per_s"] >= rate and figures["errors"] == 0
        print(f"PUBLIC target {rate} requests/s from the cache: {'met' if met else 'NOT met'}"
              f"{'' if met else ' (measured on a shared machine: see the load average)'}; "
              f"server CPU allows {paced['capacity']:.0f}/s on two cores", flush=True)
        return 0
    finally:
        if process is not None:
            stop_gunicorn(process)
        db_connections.close_all()
        if keep:
            log(f"kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
