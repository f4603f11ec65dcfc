"""The local stack behind `make serve`: moto, the dev clock, and a gateway that
turns HTTP requests into API Gateway v2 events for the real handlers. Dev only:
nothing here is packaged or deployed."""
