"""Fetches reports with a blocking HTTP client and writes them synchronously."""
import asyncio

import requests


async def fetch_report(name: str) -> str:
    response = requests.get(f"https://example.org/reports/{name}")
    with open(f"/tmp/{name}.txt", "w") as out:
        out.write(response.text)
    return response.text


async def fetch_report_properly(name: str) -> str:
    response = await asyncio.to_thread(requests.get, f"https://example.org/reports/{name}")
    return response.text
