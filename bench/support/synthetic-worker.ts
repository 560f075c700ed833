/**
 * A child process holding synthetic participants (tools/load/synthetic.ts) for a benchmark, so
 * that receiving media, which costs a werift participant far more CPU than sending, is spread
 * over several processes (one Node process counts about 6,000 packets a second) and its CPU
 * time is apart from the benchmark's own. Driven by bench/support/synthetic-workers.ts over the
 * IPC channel: one request at a time per message id, one reply each.
 */
import {
  joinSynthetic,
  type SyntheticParticipant,
  type SyntheticOptions,
} from '../../tools/load/synthetic.js';
import type { WorkerReply, WorkerRequest } from './synthetic-workers.js';

const participants = new Map<string, SyntheticParticipant>();

async function handle(request: WorkerRequest): Promise<WorkerReply> {
  switch (request.op) {
    case 'join': {
      const options: SyntheticOptions = request.options;
      const participant = await joinSynthetic(options);
      participants.set(participant.name, participant);
      const up = await Promise.race([
        participant.mediaUp.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), request.mediaWaitMs)),
      ]);
      return { id: request.id, ok: true, peerId: participant.peerId, mediaUp: up };
    }
    case 'stats':
      return { id: request.id, ok: true, stats: [...participants.values()].map((p) => p.stats()) };
    case 'leave': {
      const leaving = [...participants.values()];
      participants.clear();
      await Promise.all(leaving.map((p) => p.leave()));
      return { id: request.id, ok: true };
    }
  }
}

process.on('message', (request: WorkerRequest) => {
  handle(request).then(
    (reply) => process.send?.(reply),
    (error: unknown) =>
      process.send?.({ id: request.id, ok: false, error: String(error).split('\n')[0] ?? '' }),
  );
});
// The parent went away (it crashed or was killed): leave rather than linger in the room.
process.on('disconnect', () => {
  void Promise.all([...participants.values()].map((p) => p.leave())).finally(() => process.exit(0));
});
