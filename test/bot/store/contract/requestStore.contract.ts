/**
 * The domain's RequestStore as every store must keep it: each repository's reads and writes, units of work that are
 * all or nothing, copies handed out, and units that touch the same records not interleaving, however many run at
 * once (and, for a shared store, from two instances).
 */
import { expect } from 'chai';
import type { Store } from '../../../../bot/store/store.ts';
import { appendAudit, verifyAuditChain } from '../../../../domain/audit.ts';
import { MailQuota } from '../../../../domain/mailQuota.ts';
import type { Transaction } from '../../../../domain/ports.ts';
import type {
  DailyStatsRecord,
  FeedbackRecord,
  InboxRecord,
  KnowledgeTestCaseRecord,
} from '../../../../domain/records.ts';
import { type PreparedMail, RequestRecorder } from '../../../../domain/requestMail.ts';
import { rejectionOf } from '../../../support/tempDir.ts';
import { at, consent, mail, session, staffMember, T0, ticket, unsubscribe } from './records.ts';
import { restart, type StoreSubject } from './subject.ts';

export function requestStoreContract(subject: StoreSubject): void {
  describe('RequestStore (units of work and repositories)', () => {
    let store: Store;
    const now = () => new Date(T0);
    const unit = <T>(work: (tx: Transaction) => Promise<T>): Promise<T> => store.requests.transaction(work);

    beforeEach(async () => {
      store = await subject.open(now);
    });

    describe('tickets', () => {
      it('adds, finds by id, request key and verification hash, lists oldest first, replaces', async () => {
        const verified = ticket(2, { verification: { tokenHash: 'vh-2', expiresAt: at(60) } });
        await unit(async (tx) => {
          await tx.tickets.add(ticket(1));
          await tx.tickets.add(verified);
        });
        await unit(async (tx) => {
          expect(await tx.tickets.idTaken(ticket(1).id)).to.equal(true);
          expect(await tx.tickets.idTaken('PRV-20250501-9999')).to.equal(false);
          expect(await tx.tickets.get(ticket(2).id)).to.deep.equal(verified);
          expect(await tx.tickets.get('PRV-nope')).to.equal(undefined);
          expect(await tx.tickets.findByRequestKey('req-ticket-1')).to.deep.equal(ticket(1));
          expect(await tx.tickets.findByRequestKey('req-none')).to.equal(undefined);
          expect(await tx.tickets.findByVerificationHash('vh-2')).to.deep.equal(verified);
          expect(await tx.tickets.findByVerificationHash('vh-none')).to.equal(undefined);
          expect((await tx.tickets.list()).map((t) => t.id)).to.deep.equal([ticket(1).id, ticket(2).id]);
        });
        const worked = {
          ...ticket(1),
          status: 'in-progress' as const,
          assigneeId: 'staff-1',
          notes: [{ at: at(5), staffId: 'staff-1', text: 'dicek' }],
        };
        await unit((tx) => tx.tickets.replace(worked));
        await unit((tx) => tx.tickets.replace(ticket(77))); // not stored: nothing happens
        await unit(async (tx) => {
          expect(await tx.tickets.get(ticket(1).id)).to.deep.equal(worked);
          expect((await tx.tickets.list()).map((t) => t.id)).to.deep.equal([ticket(1).id, ticket(2).id]);
        });
      });

      it('keeps the order tickets were added in, whatever their times', async () => {
        await unit(async (tx) => {
          await tx.tickets.add(ticket(3, { createdAt: at(30) }));
          await tx.tickets.add(ticket(1, { createdAt: at(10) }));
        });
        await unit(async (tx) => tx.tickets.add(ticket(2, { createdAt: at(20) })));
        const ids = await unit(async (tx) => (await tx.tickets.list()).map((t) => t.id));
        expect(ids).to.deep.equal([ticket(3).id, ticket(1).id, ticket(2).id]);
      });
    });

    describe('suppression list', () => {
      it('adds, finds by mailbox and request key, lists, removes', async () => {
        await unit(async (tx) => {
          await tx.unsubscribes.add(unsubscribe(1));
          await tx.unsubscribes.add(unsubscribe(2));
        });
        await unit(async (tx) => {
          expect(await tx.unsubscribes.find('user1@example.com')).to.deep.equal(unsubscribe(1));
          expect(await tx.unsubscribes.find('nobody@example.com')).to.equal(undefined);
          expect(await tx.unsubscribes.findByRequestKey('req-unsub-2')).to.deep.equal(unsubscribe(2));
          expect((await tx.unsubscribes.list()).map((u) => u.email)).to.deep.equal([
            'user1@example.com',
            'user2@example.com',
          ]);
          expect(await tx.unsubscribes.remove('user1@example.com')).to.equal(true);
          expect(await tx.unsubscribes.remove('user1@example.com')).to.equal(false);
        });
        expect(await unit((tx) => tx.unsubscribes.list())).to.deep.equal([unsubscribe(2)]);
      });
    });

    describe('consent requests and texts', () => {
      it('adds, finds by id, request key and token hash, records a decision, lists', async () => {
        await unit(async (tx) => {
          await tx.consents.add(consent(1));
          await tx.consents.add(consent(2));
        });
        await unit(async (tx) => {
          expect(await tx.consents.idTaken(consent(1).id)).to.equal(true);
          expect(await tx.consents.idTaken('CNS-none')).to.equal(false);
          expect(await tx.consents.findByRequestKey('req-consent-2')).to.deep.equal(consent(2));
          expect(await tx.consents.findByTokenHash('token-hash-1')).to.deep.equal(consent(1));
          expect(await tx.consents.findByTokenHash('token-hash-x')).to.equal(undefined);
          await tx.consents.decide(consent(1).id, 'approved', at(60), 'Mozilla/5.0');
          await tx.consents.decide(consent(2).id, 'declined', at(61));
          await tx.consents.decide('CNS-none', 'approved', at(62));
        });
        const [one, two] = await unit((tx) => tx.consents.list());
        expect(one).to.deep.equal({
          ...consent(1),
          decision: 'approved',
          decidedAt: at(60),
          decisionUserAgent: 'Mozilla/5.0',
        });
        expect(two).to.deep.equal({ ...consent(2), decision: 'declined', decidedAt: at(61) });
        expect(await unit((tx) => tx.consents.get(consent(2).id))).to.deep.equal(two);
      });

      it('keeps each consent text once, by its hash', async () => {
        const text = { hash: 'h1', lang: 'id' as const, text: 'Saya menyetujui …', firstUsedAt: T0 };
        await unit(async (tx) => {
          await tx.consentTexts.keep(text);
          await tx.consentTexts.keep({ ...text, text: 'another text, same hash', firstUsedAt: at(5) });
        });
        expect(await unit((tx) => tx.consentTexts.get('h1'))).to.deep.equal(text);
        expect(await unit((tx) => tx.consentTexts.get('h2'))).to.equal(undefined);
      });
    });

    describe('staff and sessions', () => {
      it('adds, finds by id and address, lists and replaces staff', async () => {
        await unit(async (tx) => {
          await tx.staff.add(staffMember(1));
          await tx.staff.add(staffMember(2, { role: 'admin' }));
        });
        await unit(async (tx) => {
          expect(await tx.staff.get('staff-2')).to.deep.equal(staffMember(2, { role: 'admin' }));
          expect(await tx.staff.findByEmail('agent1@wowrack.co.id')).to.deep.equal(staffMember(1));
          expect(await tx.staff.findByEmail('nobody@wowrack.co.id')).to.equal(undefined);
          await tx.staff.replace({ ...staffMember(1), disabled: true, totpLastStep: 42 });
        });
        const list = await unit((tx) => tx.staff.list());
        expect(list).to.deep.equal([
          { ...staffMember(1), disabled: true, totpLastStep: 42 },
          staffMember(2, { role: 'admin' }),
        ]);
      });

      it('adds, replaces and removes sessions, per staff member and by last use', async () => {
        await unit(async (tx) => {
          await tx.sessions.add(session(1, { lastSeenAt: at(0) }));
          await tx.sessions.add(session(2, { lastSeenAt: at(30) }));
          await tx.sessions.add(session(3, { staffId: 'staff-2', lastSeenAt: at(60) }));
          await tx.sessions.add(session(4, { staffId: 'staff-2', lastSeenAt: at(90) }));
        });
        await unit(async (tx) => {
          await tx.sessions.replace({ ...session(2), lastSeenAt: at(120), pendingSecondFactor: true });
          expect(await tx.sessions.get('session-hash-2')).to.deep.equal({
            ...session(2),
            lastSeenAt: at(120),
            pendingSecondFactor: true,
          });
          expect(await tx.sessions.prune(new Date(at(61)))).to.equal(2); // 1 and 3
          expect(await tx.sessions.removeForStaff('staff-2')).to.equal(1); // 4
          await tx.sessions.remove('session-hash-9');
        });
        expect(await unit((tx) => tx.sessions.get('session-hash-1'))).to.equal(undefined);
        expect(await unit((tx) => tx.sessions.get('session-hash-4'))).to.equal(undefined);
        await unit((tx) => tx.sessions.remove('session-hash-2'));
        expect(await unit((tx) => tx.sessions.get('session-hash-2'))).to.equal(undefined);
      });
    });

    describe('audit trail and job marks', () => {
      it('appends entries, gives the last, lists in order', async () => {
        expect(await unit((tx) => tx.audit.last())).to.equal(undefined);
        await unit(async (tx) => {
          await appendAudit(tx, { actor: 'system', action: 'retention.run' }, new Date(T0));
          await appendAudit(
            tx,
            { actor: 'staff:1', action: 'ticket.viewed', target: 'PRV-1', details: { a: 'b' } },
            new Date(at(1)),
          );
        });
        const entries = await unit((tx) => tx.audit.list());
        expect(entries.map((e) => e.seq)).to.deep.equal([1, 2]);
        expect(await unit((tx) => tx.audit.last())).to.deep.equal(entries[1]);
        expect(verifyAuditChain(entries)).to.deep.equal({ ok: true, entries: 2 });
      });

      it('remembers job marks by name', async () => {
        expect(await unit((tx) => tx.jobMarks.get('retention'))).to.equal(undefined);
        await unit(async (tx) => {
          await tx.jobMarks.set('retention', '2025-05-01');
          await tx.jobMarks.set('reminders', '2025-04-30');
          await tx.jobMarks.set('retention', '2025-05-02');
        });
        expect(await unit((tx) => tx.jobMarks.get('retention'))).to.equal('2025-05-02');
        expect(await unit((tx) => tx.jobMarks.get('reminders'))).to.equal('2025-04-30');
      });
    });

    describe('feedback', () => {
      it('keeps the newest votes only', async () => {
        const vote = (n: number): FeedbackRecord => ({ entryId: `e${n}`, vote: 'up', lang: 'id', at: T0 });
        for (let n = 1; n <= 5; n += 1) await unit((tx) => tx.feedback.add(vote(n), 3));
        expect(await unit((tx) => tx.feedback.list())).to.deep.equal([vote(3), vote(4), vote(5)]);
        await unit((tx) => tx.feedback.add(vote(6), 1));
        expect(await unit((tx) => tx.feedback.list())).to.deep.equal([vote(6)]);
      });
    });

    describe('the admins’ inbox, daily counts and test questions', () => {
      const record = (n: number, extra: Partial<InboxRecord> = {}): InboxRecord => ({
        id: `inbox-${n}`,
        kind: 'none',
        at: at(n * 60),
        lang: 'id',
        question: `pertanyaan ${n}`,
        ...extra,
      });

      it('inbox: adds in order keeping the newest, records a choice, removes by id and by age', async () => {
        await unit((tx) => tx.inbox.add([record(1), record(2, { kind: 'suggest', offered: ['a', 'b'] })], 10));
        await unit((tx) => tx.inbox.add([record(3), record(4), record(5)], 4));
        expect((await unit((tx) => tx.inbox.list())).map((r) => r.id)).to.deep.equal([
          'inbox-2',
          'inbox-3',
          'inbox-4',
          'inbox-5',
        ]);
        expect(
          await unit(async (tx) => [
            await tx.inbox.setChoice('inbox-2', 'b'),
            await tx.inbox.setChoice('inbox-9', 'a'),
          ]),
          'found, not found',
        ).to.deep.equal([true, false]);
        expect(await unit(async (tx) => (await tx.inbox.list())[0])).to.deep.equal(
          record(2, { kind: 'suggest', offered: ['a', 'b'], choice: 'b' }),
        );
        expect(await unit((tx) => tx.inbox.remove(['inbox-3', 'inbox-9']))).to.equal(1);
        expect(await unit((tx) => tx.inbox.prune(new Date(at(4 * 60))))).to.equal(1); // inbox-2 (3 is gone)
        expect((await unit((tx) => tx.inbox.list())).map((r) => r.id)).to.deep.equal(['inbox-4', 'inbox-5']);
      });

      it('daily counts: one record per day, replaced when put again, listed by day within a range', async () => {
        const day = (d: string, answers: number): DailyStatsRecord => ({
          day: d,
          replies: { answer: answers },
          entries: { share: answers },
          votes: { share: { up: 1, down: 0 } },
          langs: { id: answers },
          flows: { support: { started: 2, completed: 1, cancelled: { name: 1 } } },
        });
        await unit(async (tx) => {
          await tx.dailyStats.put(day('2025-05-03', 3));
          await tx.dailyStats.put(day('2025-05-01', 1));
          await tx.dailyStats.put(day('2025-05-02', 2));
          await tx.dailyStats.put(day('2025-05-02', 20));
        });
        expect(await unit((tx) => tx.dailyStats.get('2025-05-02'))).to.deep.equal(day('2025-05-02', 20));
        expect(await unit((tx) => tx.dailyStats.get('2025-05-09'))).to.equal(undefined);
        expect((await unit((tx) => tx.dailyStats.list('2025-05-01', '2025-05-02'))).map((d) => d.day)).to.deep.equal([
          '2025-05-01',
          '2025-05-02',
        ]);
      });

      it('test questions: added in order, removed by id', async () => {
        const test = (n: number): KnowledgeTestCaseRecord => ({
          id: `test-${n}`,
          q: `apakah data saya dijual ${n}?`,
          expect: n === 2 ? 'out_of_scope' : ['share'],
          addedAt: at(n),
          addedBy: 'staff:1',
        });
        await unit(async (tx) => {
          await tx.knowledgeTests.add(test(1));
          await tx.knowledgeTests.add(test(2));
        });
        expect(await unit((tx) => tx.knowledgeTests.list())).to.deep.equal([test(1), test(2)]);
        expect(await unit((tx) => tx.knowledgeTests.remove('test-1'))).to.equal(true);
        expect(await unit((tx) => tx.knowledgeTests.remove('test-1'))).to.equal(false);
        expect(await unit((tx) => tx.knowledgeTests.list())).to.deep.equal([test(2)]);
      });
    });

    describe('outbox', () => {
      it('adds, gets, lists pending oldest first, replaces, prunes what was sent or failed', async () => {
        await unit(async (tx) => {
          await tx.outbox.add(mail('m3', { createdAt: at(3) }));
          await tx.outbox.add(mail('m1', { createdAt: at(1) }));
          await tx.outbox.add(mail('m2', { createdAt: at(2), status: 'sent', sentAt: at(2) }));
          await tx.outbox.add(mail('m4', { createdAt: at(4), status: 'failed', lastError: 'refused' }));
        });
        await unit(async (tx) => {
          expect(await tx.outbox.get('m1')).to.deep.equal(mail('m1', { createdAt: at(1) }));
          expect(await tx.outbox.get('nope')).to.equal(undefined);
          expect((await tx.outbox.pending()).map((m) => m.id)).to.deep.equal(['m1', 'm3']);
          await tx.outbox.replace({ ...mail('m3', { createdAt: at(3) }), status: 'sent', sentAt: at(5), attempts: 1 });
        });
        expect((await unit((tx) => tx.outbox.pending())).map((m) => m.id)).to.deep.equal(['m1']);
        expect(await unit((tx) => tx.outbox.prune(new Date(at(4))))).to.equal(2); // m2, m3 (sent before 4); m4 not
        expect(await unit((tx) => tx.outbox.get('m4'))).to.have.property('status', 'failed');
        expect(await unit((tx) => tx.outbox.prune(new Date(at(10))))).to.equal(1);
        expect(await unit((tx) => tx.outbox.get('m1'))).to.have.property('status', 'pending');
      });

      it('gives the facts the caps count, for mail queued since a time', async () => {
        await unit(async (tx) => {
          await tx.outbox.add(mail('old', { createdAt: at(0), to: 'old@example.com' }));
          await tx.outbox.add(mail('a', { createdAt: at(10), to: 'a@example.com', conversationId: 'c%1\u0000' }));
          await tx.outbox.add(
            mail('b', { createdAt: at(20), to: 'b@example.com', clientKey: undefined, conversationId: undefined }),
          );
        });
        const facts = await unit((tx) => tx.outbox.createdSince(new Date(at(10))));
        expect(facts).to.deep.equal([
          { to: 'a@example.com', conversationId: 'c%1\u0000', clientKey: 'client-1' },
          { to: 'b@example.com' },
        ]);
      });
    });

    describe('units of work', () => {
      it('keep nothing of a unit that throws', async () => {
        const error = await rejectionOf(
          unit(async (tx) => {
            await tx.tickets.add(ticket(1));
            await tx.outbox.add(mail('m1'));
            await tx.jobMarks.set('x', '1');
            throw new Error('half done');
          }),
        );
        expect(error).to.have.property('message', 'half done');
        await unit(async (tx) => {
          expect(await tx.tickets.list()).to.deep.equal([]);
          expect(await tx.outbox.get('m1')).to.equal(undefined);
          expect(await tx.jobMarks.get('x')).to.equal(undefined);
        });
      });

      it('see their own writes, and hand out copies: changing one changes nothing stored', async () => {
        await unit(async (tx) => {
          await tx.tickets.add(ticket(1));
          const mine = await tx.tickets.get(ticket(1).id);
          expect(mine).to.deep.equal(ticket(1));
          if (mine) Object.assign(mine, { name: 'changed' });
          const listed = await tx.tickets.list();
          (listed[0]?.transcript as string[] | undefined)?.push('changed');
        });
        expect(await unit((tx) => tx.tickets.get(ticket(1).id))).to.deep.equal(ticket(1));
      });

      it('keep their records across a restart', async () => {
        await unit(async (tx) => {
          await tx.tickets.add(ticket(1));
          await tx.consents.add(consent(1));
          await tx.outbox.add(mail('m1'));
        });
        const restarted = await restart(subject, store, now);
        await restarted.requests.transaction(async (tx) => {
          expect(await tx.tickets.get(ticket(1).id)).to.deep.equal(ticket(1));
          expect(await tx.consents.get(consent(1).id)).to.deep.equal(consent(1));
          expect(await tx.outbox.get('m1')).to.deep.equal(mail('m1'));
        });
      });

      it('that read and write the same record do not interleave (20 at once)', async () => {
        await Promise.all(
          Array.from({ length: 20 }, () =>
            unit(async (tx) => {
              const count = Number((await tx.jobMarks.get('counter')) ?? '0');
              await tx.jobMarks.set('counter', String(count + 1));
            }),
          ),
        );
        expect(await unit((tx) => tx.jobMarks.get('counter'))).to.equal('20');
      });

      it('that check for a request and record it record it once, however many race (12 at once)', async () => {
        const outcomes = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            unit(async (tx) => {
              const existing = await tx.tickets.findByRequestKey('req-same');
              if (existing) return existing.id;
              const fresh = ticket(100 + i, { requestKey: 'req-same' });
              await tx.tickets.add(fresh);
              return fresh.id;
            }),
          ),
        );
        const stored = await unit((tx) => tx.tickets.list());
        expect(stored).to.have.length(1);
        expect(new Set(outcomes)).to.deep.equal(new Set([stored[0]?.id]));
      });

      it('keep the audit chain whole when many append at once', async () => {
        await Promise.all(
          Array.from({ length: 15 }, (_, i) =>
            unit((tx) => appendAudit(tx, { actor: 'system', action: `event.${i}` }, new Date(T0))),
          ),
        );
        const entries = await unit((tx) => tx.audit.list());
        expect(verifyAuditChain(entries)).to.deep.equal({ ok: true, entries: 15 });
      });

      it('let the mail caps hold when many requests for one mailbox race', async () => {
        const requests = new RequestRecorder({
          store: store.requests,
          delivery: { wake: () => undefined, waitForDelivery: async () => false },
          quota: new MailQuota(['support@wowrack.co.id']),
          now,
          deliveryWaitMs: 0,
        });
        const outcomes = await Promise.all(
          Array.from({ length: 8 }, (_, i) => {
            const mails: PreparedMail[] = [
              { to: 'target@example.com', subject: 's', text: 't', purpose: 'consent-request' },
            ];
            return requests.record({
              origin: { conversationId: `conv-${i}`, requestKey: `race-${i}`, clientKey: `client-${i}` },
              recipients: ['target@example.com'],
              prepare: async () => ({ record: i, mails, save: async () => undefined }),
            });
          }),
        );
        expect(outcomes.filter((o) => o.status === 'recorded')).to.have.length(3);
        expect(outcomes.filter((o) => o.status === 'limited')).to.have.length(5);
        expect(await unit((tx) => tx.outbox.pending())).to.have.length(3);
      });

      if (subject.shared)
        it('two instances on one database: units from both do not interleave either', async () => {
          const other = await subject.open(now);
          await Promise.all(
            Array.from({ length: 16 }, (_, i) =>
              (i % 2 === 0 ? store : other).requests.transaction(async (tx) => {
                const count = Number((await tx.jobMarks.get('counter')) ?? '0');
                await tx.jobMarks.set('counter', String(count + 1));
                await appendAudit(tx, { actor: 'system', action: `event.${i}` }, new Date(T0));
              }),
            ),
          );
          expect(await unit((tx) => tx.jobMarks.get('counter'))).to.equal('16');
          expect(verifyAuditChain(await unit((tx) => tx.audit.list()))).to.deep.equal({ ok: true, entries: 16 });
        });
    });
  });
}
