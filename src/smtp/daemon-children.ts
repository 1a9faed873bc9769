// MaxDaemonChildren, as real sendmail 8.17 keeps it: when the open SMTP
// sessions reach the limit every listener is closed, so a new client gets
// "connection refused" (not a greeting), and the mail log says "rejecting
// connections on daemon NAME: N children, max M".  When a session ends
// below the limit the listeners are opened again ("accepting connections
// again for daemon NAME").  sendmail looks again after its refusal sleep
// (about 15 s); here the listeners open as soon as a session slot is free.

import type { Server, Socket } from 'node:net';

export interface LimitedListener {
  /** The daemon's Name= (for the log). */
  name: string;
  server: Server;
  port: number;
  addr: string;
}

export interface DaemonChildrenEvents {
  refusing?: (daemon: string, children: number, max: number) => void;
  accepting?: (daemon: string) => void;
}

export class DaemonChildren {
  private readonly listeners: LimitedListener[] = [];
  private open = 0;
  private refusing = false;
  private stopped = false;

  /** `max` 0 or less: no limit. */
  constructor(
    private readonly max: number,
    private readonly events: DaemonChildrenEvents = {},
  ) {}

  /** A listener the limit closes and opens (after it is bound: `port` is the bound one). */
  add(listener: LimitedListener): void {
    this.listeners.push(listener);
  }

  /** A connection was accepted: it counts until its socket closes. */
  opened(socket: Socket): void {
    if (this.max <= 0) return;
    this.open++;
    socket.once('close', () => {
      this.open--;
      this.update();
    });
    this.update();
  }

  /** The daemon is stopping: listeners are not opened again. */
  stop(): void {
    this.stopped = true;
  }

  private update(): void {
    if (this.stopped) return;
    if (!this.refusing && this.open >= this.max) {
      this.refusing = true;
      for (const l of this.listeners) {
        l.server.close();
        this.events.refusing?.(l.name, this.open, this.max);
      }
    } else if (this.refusing && this.open < this.max) {
      this.refusing = false;
      for (const l of this.listeners) {
        l.server.listen(l.port, l.addr);
        this.events.accepting?.(l.name);
      }
    }
  }
}
