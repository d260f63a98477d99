/**
 * A conflict found by the service itself that running the transaction again resolves, as the
 * database's serialization failures and deadlocks are (TransactionRunner retries all of them).
 */
export class TransientConflict extends Error {}
