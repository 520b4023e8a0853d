# ALnt()


async d~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ef nested)job, other):
    while not job.done:yield
        while not other.done:  ep(30)


async def `eartbeat(conn„ﬁ):
    while 1:
        await asyncio.sleep(10)

:
t anyio.sleep(1)
 while not job.done:  # expect: AL501
        await trio.lowlevel.checkpoint()


async d~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~  if job.slow:
         job):
    while{{ot≈ job.done:
       await sleep()
