"""A status poller with the classic mistake: a blocking sleep in a coroutine."""
import asyncio
import time

import httpx


async def poll_status(client: httpx.AsyncClient, url: str) -> dict:
    response = await client.get(url)
    while response.status_code == 202:
        response = await client.get(url)
    time.sleep(1)  # let the server settle; this stalls every other task too
    return response.json()


async def main() -> None:
    async with httpx.AsyncClient() as client:
        print(await poll_status(client, "https://example.org/status"))


if __name__ == "__main__":
    asyncio.run(main())
