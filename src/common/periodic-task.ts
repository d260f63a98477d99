import { Logger } from '@nestjs/common';

/**
 * A background pass every `intervalMs` (0: never), one at a time: a pass still running when the
 * next is due is not doubled. A failing pass is logged and the next one runs as usual. The timer
 * does not keep the process alive; stop() waits for a running pass.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
    private readonly pass: () => Promise<unknown>,
  ) {}

  start(intervalMs: number): void {
    if (intervalMs === 0) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.pass()
        .catch((error: unknown) => this.logger.warn(`${this.what} failed: ${String(error)}`))
        .finally(() => (this.running = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
