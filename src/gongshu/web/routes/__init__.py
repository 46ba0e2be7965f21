"""Console routes, one module per context; each route opens a unit of work, calls a service, renders."""
