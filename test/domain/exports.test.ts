import { expect } from 'chai';
import { LowdbRequestStore } from '../../bot/store/lowdb/lowdbRequestStore.ts';
import { AuditTrail, appendAudit } from '../../domain/audit.ts';
import { CSV_BOM } from '../../domain/csv.ts';
import { EXPORT_NAMES, ExportService, isExportName } from '../../domain/exports.ts';
import type { ConsentRecord, TicketRecord, UnsubscribeRecord } from '../../domain/records.ts';
import { MemoryDb } from '../support/memoryDb.ts';

// 23:30 UTC on 1 December is already 2 December in WIB (UTC+7).
const NOW = new Date('2026-12-01T23:30:00.000Z');

const ticket: TicketRecord = {
  id: 'PRV-20261130-0001',
  createdAt: '2026-11-30T02:00:00.000Z',
  dueAt: '2026-12-03T02:00:00.000Z',
  kind: 'access',
  lang: 'id',
  name: '=HYPERLINK("http://evil.example","klik")',
  email: 'budi@example.com',
  question: 'Minta salinan data saya',
  transcript: [],
  conversationId: 'c1',
  status: 'resolved',
  statusChangedAt: '2026-12-01T05:00:00.000Z',
  assigneeId: 'st-1',
  verification: { expiresAt: '2026-12-07T02:00:00.000Z', verifiedAt: '2026-11-30T03:00:00.000Z' },
  replies: [
    { at: '2026-12-01T04:00:00.000Z', staffId: 'st-1', text: 'Terlampir', outboxId: 'o1', messageId: '<m1@x>' },
    { at: '2026-12-01T04:30:00.000Z', staffId: 'st-1', text: 'Lagi', outboxId: 'o2', messageId: '<m2@x>' },
  ],
};

const openTicket: TicketRecord = {
  id: 'PRV-20261201-0002',
  createdAt: '2026-12-01T02:00:00.000Z',
  kind: 'question',
  lang: 'en',
  name: 'Ani, Jr.',
  email: 'ani@example.com',
  question: 'Who sees my data?',
  transcript: [],
  conversationId: 'c2',
};

const consent: ConsentRecord = {
  id: 'CNS-20261120-0001',
  createdAt: '2026-11-20T01:00:00.000Z',
  expiresAt: '2026-11-27T01:00:00.000Z',
  tokenHash: 'a'.repeat(64),
  lang: 'id',
  childName: 'Adi',
  childEmail: 'adi@example.com',
  childAge: 15,
  parentName: 'Budi',
  parentEmail: 'budi@example.com',
  conversationId: 'c3',
  textHash: 'b'.repeat(64),
  decision: 'approved',
  decidedAt: '2026-11-21T01:00:00.000Z',
  decisionUserAgent: '-Mozilla/5.0 (X11; Linux x86_64)',
};

/** Undecided and past its 7 days at NOW. */
const lapsedConsent: ConsentRecord = {
  ...consent,
  id: 'CNS-20261121-0002',
  createdAt: '2026-11-21T01:00:00.000Z',
  expiresAt: '2026-11-28T01:00:00.000Z',
  tokenHash: 'c'.repeat(64),
  decision: undefined,
  decidedAt: undefined,
  decisionUserAgent: undefined,
};

const unsubscribe: UnsubscribeRecord = {
  email: 'promo@example.com',
  createdAt: '2026-11-29T08:00:00.000Z',
  source: 'chat',
  conversationId: 'c4',
};

/** The lines of a CSV without quoted newlines, BOM and final CRLF removed. */
function lines(csv: string): string[] {
  expect(csv.startsWith(CSV_BOM)).to.equal(true);
  expect(csv.endsWith('\r\n')).to.equal(true);
  return csv.slice(1, -2).split('\r\n');
}

describe('domain/exports', () => {
  let store: LowdbRequestStore;
  let exports: ExportService;

  beforeEach(async () => {
    store = new LowdbRequestStore(new MemoryDb());
    exports = new ExportService({ store, now: () => new Date(NOW) });
    await store.transaction(async (tx) => {
      await tx.tickets.add(ticket);
      await tx.tickets.add(openTicket);
      await tx.consents.add(consent);
      await tx.consents.add(lapsedConsent);
      await tx.unsubscribes.add(unsubscribe);
      await appendAudit(
        tx,
        { actor: 'staff:st-1', action: 'ticket.status', target: ticket.id, details: { to: 'resolved', from: 'new' } },
        new Date('2026-12-01T05:00:00.000Z'),
      );
    });
  });

  const auditEntries = () => store.transaction((tx) => tx.audit.list());

  it('tickets: one row per ticket, oldest first, named by the day in WIB; formula cells neutralised', async () => {
    const file = await exports.export('tickets', 'staff:st-1');
    expect(file.filename).to.equal('tickets-2026-12-02.csv');
    expect(file.rows).to.equal(2);
    expect(lines(file.csv)).to.deep.equal([
      'id,received,kind,status,due,verified,assignee id,name,email,replies,closed at,anonymised at',
      'PRV-20261130-0001,2026-11-30T02:00:00.000Z,access,resolved,2026-12-03T02:00:00.000Z,yes,st-1,' +
        `"'=HYPERLINK(""http://evil.example"",""klik"")",budi@example.com,2,2026-12-01T05:00:00.000Z,`,
      'PRV-20261201-0002,2026-12-01T02:00:00.000Z,question,new,,no,,"Ani, Jr.",ani@example.com,0,,',
    ]);
  });

  it('consents: status as of the export (a lapsed request is expired), text hash and user agent', async () => {
    const file = await exports.export('consents', 'staff:st-1');
    expect(file.filename).to.equal('consents-2026-12-02.csv');
    expect(lines(file.csv)).to.deep.equal([
      'id,requested,expires,status,decided at,child age,parent email,consent text hash,decision user agent',
      `CNS-20261120-0001,2026-11-20T01:00:00.000Z,2026-11-27T01:00:00.000Z,approved,2026-11-21T01:00:00.000Z,15,budi@example.com,${'b'.repeat(64)},'-Mozilla/5.0 (X11; Linux x86_64)`,
      `CNS-20261121-0002,2026-11-21T01:00:00.000Z,2026-11-28T01:00:00.000Z,expired,,15,budi@example.com,${'b'.repeat(64)},`,
    ]);
  });

  it('unsubscribes: the address first, for a marketing tool to import', async () => {
    const file = await exports.export('unsubscribes', 'staff:st-1');
    expect(lines(file.csv)).to.deep.equal(['email,added,source', 'promo@example.com,2026-11-29T08:00:00.000Z,chat']);
    expect(file.rows).to.equal(1);
  });

  it('audit: details as sorted key=value pairs, the hash of each entry; the trail up to the export itself', async () => {
    const [entry] = await auditEntries();
    const file = await exports.export('audit', 'staff:st-1');
    expect(lines(file.csv)).to.deep.equal([
      'seq,at,actor,action,target,details,hash',
      `1,2026-12-01T05:00:00.000Z,staff:st-1,ticket.status,PRV-20261130-0001,from=new; to=resolved,${entry?.hash}`,
    ]);
    expect(file.rows).to.equal(1);
  });

  it('audits every export, with the rows it held, and the chain still verifies', async () => {
    for (const name of EXPORT_NAMES) await exports.export(name, 'staff:st-1');
    const entries = await auditEntries();
    expect(entries.slice(1).map((e) => [e.actor, e.action, e.details, e.at])).to.deep.equal([
      ['staff:st-1', 'export.tickets', { rows: '2' }, NOW.toISOString()],
      ['staff:st-1', 'export.consents', { rows: '2' }, NOW.toISOString()],
      ['staff:st-1', 'export.unsubscribes', { rows: '1' }, NOW.toISOString()],
      ['staff:st-1', 'export.audit', { rows: '4' }, NOW.toISOString()],
    ]);
    expect(await new AuditTrail(store, () => NOW).verify()).to.deep.equal({ ok: true, entries: 5 });
  });

  it('an empty store exports just the header (and is still audited)', async () => {
    const empty = new LowdbRequestStore(new MemoryDb());
    const file = await new ExportService({ store: empty, now: () => NOW }).export('unsubscribes', 'cli');
    expect(file).to.deep.equal({
      filename: 'unsubscribes-2026-12-02.csv',
      csv: `${CSV_BOM}email,added,source\r\n`,
      rows: 0,
    });
    expect((await empty.transaction((tx) => tx.audit.list())).map((e) => e.action)).to.deep.equal([
      'export.unsubscribes',
    ]);
  });

  it('knows its export names (for the URL /console/export/<name>.csv)', () => {
    expect(EXPORT_NAMES.filter(isExportName)).to.deep.equal(['tickets', 'consents', 'unsubscribes', 'audit']);
    expect(isExportName('staff')).to.equal(false);
    expect(isExportName('tickets.csv')).to.equal(false);
  });
});
