"""Development tools the tests, the benchmarks, the evaluation and the docs share: a fake
OpenAI-compatible model server, a webhook receiver that misbehaves on purpose, sample domain
objects, `claims dev` and worker processes started as the tests start them, the embedded
servers, and the configuration page's generator. A development install only: nothing the image
or the wheel carries imports this package (an import contract says so)."""
