import { Injectable } from '@nestjs/common';

/**
 * In-process wake-up after request events commit: the webhook dispatcher and the console's
 * stream read the events from the database, and this only tells them to look now instead of at
 * their next poll (other instances find the rows by polling).
 */
@Injectable()
export class EventNotifier {
  private readonly listeners = new Set<() => void>();

  /** Returns a function that removes the listener. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(): void {
    for (const listener of this.listeners) listener();
  }
}
