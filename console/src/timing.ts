/**
 * The live stream brings every request change, and each event reloads the board. Operators and
 * sources edited elsewhere (another console, the API) bring no event: read again this often, when
 * the tab comes back into view, and after the console's own changes. The browser tests import it.
 */
export const POLL_MS = 30_000;

/** The desk reads this often when its key may not read the event stream (an operator key). */
export const DESK_POLL_MS = 2000;
