"""The HTTP edge: request limits and deadlines, authentication as FastAPI dependencies, problem
details and the errors they map, OpenAPI documentation, metrics, CORS, and how uvicorn serves the
app. It speaks HTTP; what a request does is the services' (app/services/)."""
