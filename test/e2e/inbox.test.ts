/**
 * The admins' loop end to end on the real server: questions that go wrong reach the inbox, grouped; one action adds
 * the question as an alternate (or marks it out of scope) and the same question gets the new answer through
 * /api/messages without a restart; a hand
 * edit that breaks faq.yaml keeps the last good version serving and /healthz names the problem.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { readLabelled } from '../../knowledge/labelled.ts';
import { Conversation, type RunningApp, startApp } from '../support/appHarness.ts';
import { copyKnowledge, waitFor } from '../support/knowledgeCopy.ts';
import { useTempDir } from '../support/tempDir.ts';

const ADMIN = 'staff:admin-1' as const;
// Not answered now; answered as an alternate of `protect`, with no labelled question answered worse (measured).
const QUESTION = 'apakah kuda poni saya dijaga';
/** The example of a 👎 that an admin marks out of scope (see the test). */
const SOLD = 'data saya dijual gak sih sama kalian';
const QUESTIONS = fileURLToPath(new URL('../fixtures/questions.jsonl', import.meta.url));

interface Health {
  readonly knowledge: { readonly version: string; readonly lastError?: { current: boolean; problems: unknown[] } };
}

describe('admins: inbox → one action → answered live (real server)', function () {
  this.timeout(60_000);
  const dir = useTempDir('wowrack-inbox-e2e-');
  let running: RunningApp | undefined;
  let faq: string;

  beforeEach(async () => {
    faq = await copyKnowledge(dir());
    running = await startApp(
      `${dir()}/data`,
      '',
      { knowledgeWatch: { debounceMs: 100, pollMs: 300 } },
      { KNOWLEDGE_FILE: faq },
    );
  });
  afterEach(async () => {
    await running?.app.close();
    running = undefined;
  });

  const app = () => {
    if (!running) throw new Error('not running');
    return running;
  };
  const health = async (): Promise<Health> => (await (await fetch(`${app().base}/healthz`)).json()) as Health;

  it('groups unanswered wordings, adds the question as an alternate in one action, and answers it next turn', async () => {
    const chat = new Conversation(() => app().base, 'inbox-1');
    const first = await chat.say(QUESTION);
    expect(first.replies[0]?.channelData?.wowrack?.kind).to.equal('none');
    await new Conversation(() => app().base, 'inbox-2').say('Apakah kuda poni saya DIJAGA??');
    await new Conversation(() => app().base, 'inbox-3').say('saya mau unsubscribe');

    const groups = await app().app.admin.inbox.groups();
    const group = groups.find((g) => g.question === QUESTION || g.variants.includes(QUESTION));
    expect(group?.count).to.equal(2);
    expect(group?.kinds).to.deep.equal({ none: 2 });
    expect(group?.guesses.length).to.be.above(0);
    const versionBefore = (await health()).knowledge.version;

    const outcome = await app().app.admin.inbox.act(ADMIN, group?.key ?? '', {
      action: 'alternate',
      entryId: 'protect',
    });
    expect(outcome.status).to.equal('saved');
    expect((await app().app.admin.inbox.groups()).some((g) => g.key === group?.key)).to.equal(false);
    const again = await chat.say(QUESTION);
    expect(again.replies[0]?.channelData?.wowrack).to.deep.include({ kind: 'answer', entryId: 'protect' });
    expect((await health()).knowledge.version).to.not.equal(versionBefore);
    expect(await readFile(faq, 'utf8')).to.include(`        - ${group?.question}\n`);
  });

  it('an answer voted 👎 reaches the inbox, is marked out of scope in one action, and that question is declined next turn', async () => {
    // The example: the blended score answers it (protect 0.92 against offtopic-sales 0.50), and one new
    // phrasing among hundreds barely moves the learned ranker. Should a later matcher not answer it, any labelled
    // question it answers by its scores serves as well: the test is about the admin's loop, not about that question.
    const question = [SOLD, ...readLabelled(QUESTIONS).map((item) => item.q)].find((q) => {
      const result = app().app.knowledge.matcher.match(q);
      return result.kind === 'answer' && result.rule === 'score';
    });
    expect(question).to.be.a('string');
    const chat = new Conversation(() => app().base, 'vote-1');
    const answered = (await chat.say(question ?? '')).replies[0]?.channelData?.wowrack;
    expect(answered?.kind).to.equal('answer');
    const votedDown = answered?.entryId ?? '';
    await chat.vote(votedDown, 'down');

    const group = (await app().app.admin.inbox.groups()).find((g) => g.question === question);
    expect(group?.kinds).to.deep.equal({ downvote: 1 });
    expect(group?.downvoted).to.deep.equal({ [votedDown]: 1 });
    const outcome = await app().app.admin.inbox.act(ADMIN, group?.key ?? '', {
      action: 'out-of-scope',
      entryId: 'offtopic-sales',
      confirmDrop: true, // the labelled sets are not what this test is about
    });
    expect(outcome.status).to.equal('saved');
    expect((await app().app.admin.inbox.groups()).some((g) => g.key === group?.key)).to.equal(false);

    // Without a restart, in the same conversation and in a new one, however it is typed.
    const again = await chat.say(question ?? '');
    expect(again.replies[0]?.channelData?.wowrack).to.deep.include({ kind: 'offtopic', entryId: 'offtopic-sales' });
    const shouted = await new Conversation(() => app().base, 'vote-2').say(`${(question ?? '').toUpperCase()}??`);
    expect(shouted.replies[0]?.channelData?.wowrack).to.deep.include({ kind: 'offtopic', entryId: 'offtopic-sales' });
    // The declines that follow are an admin's decision, not something that went wrong: not in the inbox again.
    expect((await app().app.admin.inbox.groups()).some((g) => g.key === group?.key)).to.equal(false);
  });

  it("a question that is one entry's phrasing, added to another in one action, moves there and is answered there", async () => {
    const protect = app().app.knowledge.knowledge.entries.find((e) => e.id === 'protect');
    const phrasing = protect?.alternates.id[0] ?? '';
    const chat = new Conversation(() => app().base, 'move-1');
    const answered = (await chat.say(phrasing)).replies[0]?.channelData?.wowrack;
    expect(answered).to.deep.include({ kind: 'answer', entryId: 'protect' }); // its own entry, by the file
    await chat.vote('protect', 'down');
    const group = (await app().app.admin.inbox.groups()).find((g) => g.question === phrasing);
    const outcome = await app().app.admin.inbox.act(ADMIN, group?.key ?? '', {
      action: 'alternate',
      entryId: 'share',
      confirmDrop: true,
    });
    expect(outcome.status).to.equal('saved');
    if (outcome.status === 'saved') expect(outcome.version.summary).to.include('(taken from protect)');
    const served = app().app.knowledge.knowledge.entries;
    expect(served.find((e) => e.id === 'protect')?.alternates.id).to.not.include(phrasing);
    expect(served.find((e) => e.id === 'share')?.alternates.id).to.include(phrasing);
    const again = await chat.say(phrasing);
    expect(again.replies[0]?.channelData?.wowrack).to.deep.include({ kind: 'answer', entryId: 'share' });
  });

  it('records a cancelled flow with its step, and exports the inbox as CSV (audited)', async () => {
    const chat = new Conversation(() => app().base, 'cancel-1');
    await chat.say('saya mau berhenti terima email promosi');
    await chat.say('batal');
    const groups = await app().app.admin.inbox.groups();
    expect(groups.find((g) => g.key === 'flow:unsubscribe:email')).to.deep.include({
      count: 1,
      flow: 'unsubscribe',
      step: 'email',
    });
    const csv = await app().app.admin.inbox.csv(ADMIN);
    expect(csv.startsWith('\uFEFFquestion,count,kinds,')).to.equal(true);
    expect(csv).to.include('unsubscribe:email');
  });

  it('a change that answers fewer labelled questions right waits for a confirmation; the group stays until then', async () => {
    const question = 'zebra belang berlari kencang';
    await new Conversation(() => app().base, 'drop-1').say(question);
    // Admins' own test questions say it is out of scope: answering them from `protect` is two fewer right (more than
    // a related borderline question the new phrasing may also fix).
    await app().app.admin.tests.add(ADMIN, question, 'out_of_scope');
    await app().app.admin.tests.add(ADMIN, `${question} sekali`, 'out_of_scope');
    const group = (await app().app.admin.inbox.groups()).find((g) => g.question === question);
    const waiting = await app().app.admin.inbox.act(ADMIN, group?.key ?? '', {
      action: 'alternate',
      entryId: 'protect',
    });
    expect(waiting.status).to.equal('needs-confirmation');
    if (waiting.status === 'needs-confirmation')
      expect(waiting.regression.newlyWrong).to.deep.include({
        q: question,
        expect: 'out_of_scope',
        before: 'none',
        now: 'protect',
      });
    expect((await app().app.admin.inbox.groups()).some((g) => g.key === group?.key)).to.equal(true);
    const saved = await app().app.admin.inbox.act(ADMIN, group?.key ?? '', {
      action: 'alternate',
      entryId: 'protect',
      confirmDrop: true,
    });
    expect(saved.status).to.equal('saved');
    const ignored = await app().app.admin.inbox.act(ADMIN, 'no such key', { action: 'ignore' });
    expect(ignored.status).to.equal('no-group');
  });

  it('keeps serving the last good version after an invalid hand edit; /healthz names the problem until fixed', async () => {
    const good = (await health()).knowledge.version;
    const original = await readFile(faq, 'utf8');
    await writeFile(faq, original.replace('  - id: cookie\n', '  - id: Cookie!\n'));
    await waitFor(async () => (await health()).knowledge.lastError?.current === true, 10_000, 'the error in /healthz');
    const status = await health();
    expect(status.knowledge.version).to.equal(good);
    expect(JSON.stringify(status.knowledge.lastError?.problems)).to.include('"field":"id"');
    const turn = await new Conversation(() => app().base, 'bad-1').say('apa itu cookie');
    expect(turn.replies[0]?.channelData?.wowrack).to.deep.include({ kind: 'answer', entryId: 'cookie' });
    await writeFile(faq, original);
    await waitFor(async () => (await health()).knowledge.lastError?.current === false, 10_000, 'the fix');
  });
});
