/** The HTTP request logger (createHttpLogger), which also carries the root pino logger. */
export const HTTP_LOGGER = Symbol('HTTP_LOGGER');
