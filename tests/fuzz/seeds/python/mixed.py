# -*- coding: utf-8 -*-
import asyncio, time as t
from concurrent.futures import ThreadPoolExecutor
import requests

class Repo:
    def save(self, x: "Path") -> None:
        open(x).write("1")  # noqa: AL103

    async def run(self):
        self.save(1)
        await asyncio.sleep(0)

async def helper():
    t.sleep(1)
    with open("f") as fh, lock:
        pass

async def main(items):
    tasks = set()
    for i in items:
        task = asyncio.create_task(helper())
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    await asyncio.gather(*[helper() for _ in items])
    try:
        await asyncio.to_thread(t.sleep, 1)
    except asyncio.CancelledError:
        pass
    except* (ValueError, TypeError) as eg:
        raise
    while True:
        await asyncio.sleep(1)
    x = lambda: requests.get(f"{items!r:>{10}}" f'{"nested" + f"{1}"}')
    match items:
        case [1, *rest] if rest:
            asyncio.get_event_loop()
        case {"k": v, **kw}:
            pass
    async with asyncio.timeout(1):
        loop = asyncio.new_event_loop()
    return [y async for y in agen()], {k: v for k, v in {}.items()}

def sync():
    asyncio.run(main([]))
#---
from .a import helper as h
import pkg.a

async def other():
    h()
    await pkg.a.main([])
    type Alias = list[int]
    print(rb'\x00', 0x_1, 1_000.5e-3j, ...)
#---
lazy import json
lazy from os import path as p

def first[T = int](xs: list[T]) -> T:
    try:
        return xs[0]
    except IndexError, KeyError:
        return t"{xs!r:>{len(xs)}} {p.sep}"
