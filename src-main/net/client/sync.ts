/**
 * State sync on the client: a ClientSyncReplica fed by the server's pushes
 * (snapshot, batches), asking GAME_STATE_REQUEST on a gap, sending the
 * client's own changes as GAME_STATE_UPDATE requests and applying their
 * acknowledgements, across reconnects.
 */
import { MessageType, type DecodedFrame, type ResponseOf } from '../../../src-shared/protocol';
import { ClientSyncReplica, timerScheduler, type ClientSyncOptions, type StateRequest, type StateBatch, type StateSnapshot } from '../../../src-shared/sync';
import type { UpClient } from './client';

export class ClientSync {
  readonly replica: ClientSyncReplica;
  gaps = 0;
  batches = 0;
  snapshots = 0;
  private readonly off: (() => void)[] = [];

  constructor(
    private readonly client: UpClient,
    options: Partial<ClientSyncOptions> & { node: string },
  ) {
    this.replica = new ClientSyncReplica({ scheduler: timerScheduler, ...options });
    this.off.push(
      this.replica.on('update', (u) => {
        const conn = this.client.connection;
        if (!conn?.isOpen) {
          this.replica.updateLost(u.id);
          return;
        }
        conn.request(MessageType.GAME_STATE_UPDATE, u.body as object, { priority: u.priority }).then(
          (res) => {
            const r = this.replica.acknowledge(u.id, res.body as ResponseOf<'GAME_STATE_UPDATE'> as never);
            if (r.request) this.request(r.request);
          },
          () => this.replica.updateLost(u.id),
        );
      }),
    );
    const onPush = (f: DecodedFrame): void => this.onPush(f);
    client.on('push', onPush);
    this.off.push(() => client.off('push', onPush));
    const onResumed = (): void => {
      // The server continues from our version; anything unacknowledged is sent again.
      this.replica.cancelResync();
    };
    client.on('resumed', onResumed);
    this.off.push(() => client.off('resumed', onResumed));
    const onReconnecting = (): void => this.replica.connectionLost();
    client.on('reconnecting', onReconnecting);
    this.off.push(() => client.off('reconnecting', onReconnecting));
  }

  get version(): number {
    return this.replica.version;
  }

  private onPush(f: DecodedFrame): void {
    if (f.header.type === MessageType.GAME_STATE_SYNC) this.applySnapshot(f.body as unknown as StateSnapshot);
    else if (f.header.type === MessageType.GAME_STATE_UPDATE) this.applyBatch(f.body as unknown as StateBatch);
    this.client.stateVersion = this.replica.version;
  }

  private applySnapshot(s: StateSnapshot): void {
    this.snapshots++;
    this.replica.applySnapshot(s);
  }

  private applyBatch(b: StateBatch): void {
    this.batches++;
    const out = this.replica.applyBatch(b);
    if (out.status === 'gap' || out.status === 'invalid') {
      this.gaps++;
      if (out.request) this.request(out.request);
    }
  }

  /** GAME_STATE_REQUEST: answered by a snapshot or one catch-up batch. */
  request(req: StateRequest): void {
    const conn = this.client.connection;
    if (!conn?.isOpen) {
      this.replica.cancelResync();
      return;
    }
    conn.request(MessageType.GAME_STATE_REQUEST, req as object, { priority: 0 }).then(
      (res) => {
        if (res.header.type === MessageType.GAME_STATE_SYNC) this.applySnapshot(res.body as unknown as StateSnapshot);
        else this.applyBatch(res.body as unknown as StateBatch);
        this.client.stateVersion = this.replica.version;
      },
      () => this.replica.cancelResync(),
    );
  }

  dispose(): void {
    for (const f of this.off) f();
    this.replica.dispose();
  }
}
