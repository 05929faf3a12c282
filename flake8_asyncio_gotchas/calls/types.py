"""Type names shared by the catalogues."""
LOOP = "asyncio.AbstractEventLoop"
