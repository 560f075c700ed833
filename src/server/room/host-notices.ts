/**
 * News of hosts' decisions that must reach connections on whichever node holds them: a guest
 * knocking (for hosts), a decision on a waiting guest (for that guest's waiting socket), a host
 * acting on one participant, the meeting ended for everyone. The decisions themselves are in
 * the database (hosting-store.ts); these only wake the sockets concerned.
 */
import { z } from 'zod';
import { moderationSchema, waitingGuestSchema } from '../../shared/signaling.js';

const waitingId = waitingGuestSchema.shape.waitingId;

export const hostNoticeSchema = z.discriminatedUnion('type', [
  /** To hosts: a guest started waiting. */
  z.object({ type: z.literal('knock'), guest: waitingGuestSchema }),
  /** To hosts: a guest stopped waiting. */
  z.object({
    type: z.literal('knockEnded'),
    waitingId,
    outcome: z.enum(['admitted', 'denied', 'left']),
  }),
  /** To the waiting guest's socket: a host decided. */
  z.object({
    type: z.literal('admission'),
    waitingId,
    outcome: z.enum(['admitted', 'denied']),
    by: z.string(),
  }),
  /** To one participant: a host muted, stopped or removed them. */
  z.object({
    type: z.literal('moderated'),
    peerId: z.string(),
    action: moderationSchema,
    by: z.string(),
  }),
  /** To everyone, waiting or in: a host ended the meeting. */
  z.object({ type: z.literal('ended'), by: z.string() }),
]);
export type HostNotice = z.infer<typeof hostNoticeSchema>;
