/**
 * The writer DataSource, used only by TransactionRunner. The default DataSource (what
 * @InjectRepository and DataSource inject) is the reader: on SQLite a read-only connection that
 * sees committed data only, on PostgreSQL a pool whose sessions are read-only. A write outside
 * a transaction therefore fails on both.
 */
export const WRITER = Symbol('WRITER_DATA_SOURCE');
