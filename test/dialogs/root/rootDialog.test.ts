import type { Activity, CardAction } from 'botbuilder';
import { expect } from 'chai';
import type { ReplyMeta } from '../../../dialogs/replies/reply.ts';
import type { KnowledgeService } from '../../../knowledge/knowledgeService.ts';
import type { KnowledgeEntry } from '../../../knowledge/types.ts';
import { buildBot, loadRealKnowledge, SUPPORT_EMAIL, type TestBot } from '../../support/buildBot.ts';

const metaOf = (activity: Partial<Activity> | undefined): ReplyMeta | undefined => {
  const data: unknown = activity?.channelData;
  if (typeof data !== 'object' || data === null || !('wowrack' in data)) return undefined;
  return data.wowrack as ReplyMeta;
};

const actionsOf = (activity: Partial<Activity> | undefined): CardAction[] => activity?.suggestedActions?.actions ?? [];

/** The single message the bot sent in a turn. */
function only(replies: Partial<Activity>[]): Partial<Activity> {
  expect(replies, JSON.stringify(replies.map((r) => r.text))).to.have.length(1);
  const [reply] = replies;
  expect(reply?.type).to.equal('message');
  return reply ?? {};
}

describe('RootDialog through the PrivacyBot', () => {
  let knowledge: KnowledgeService;
  let bot: TestBot;
  /** Every sentence of every policy answer, both languages: none may appear in a reply that is not an answer. */
  let policySentences: string[];

  const entry = (id: string): KnowledgeEntry => {
    const found = knowledge.knowledge.entries.find((e) => e.id === id);
    if (!found) throw new Error(`no entry ${id}`);
    return found;
  };

  const expectNoPolicyText = (text: string | undefined): void => {
    const leaked = policySentences.filter((s) => (text ?? '').includes(s));
    expect(leaked, `policy text in "${text}"`).to.deep.equal([]);
  };

  before(async () => {
    knowledge = await loadRealKnowledge();
    policySentences = knowledge.knowledge.entries
      .flatMap((e) => (e.kind === 'policy' && e.answer ? [e.answer.id, e.answer.en] : []))
      .flatMap((a) => a.replace(/\s+/g, ' ').split(/(?<=[.?!])\s+/))
      .filter((s) => s.length >= 25);
    expect(policySentences.length).to.be.greaterThan(20);
  });

  beforeEach(() => {
    bot = buildBot(knowledge);
  });

  describe('answers', () => {
    it('answers a policy question with the quoted statement text, follow-ups and analytics facts', async () => {
      const reply = only(await bot.send('Apakah data saya dibagikan ke pihak ketiga?'));
      const share = entry('share');
      expect(reply.text).to.include(share.answer?.id);
      expect(reply.text).to.include(share.question.id);
      expect(reply.text).to.include('Pernyataan Privasi Wowrack Indonesia');
      expect(reply.text).not.to.include(share.answer?.en);

      const meta = metaOf(reply);
      expect(meta).to.include({ kind: 'answer', entryId: 'share', lang: 'id' });
      expect(meta?.score).to.be.a('number').within(0.425, 1);

      const actions = actionsOf(reply);
      expect(actions.length).to.be.within(1, 3);
      const relatedTitles = share.related.map((id) => entry(id).question.id);
      for (const a of actions) {
        expect(relatedTitles).to.include(a.title);
        expect(a.value).to.have.property('action', 'faq');
      }
      expect(bot.answered.map((a) => a.meta.kind)).to.deep.equal(['answer']);
      expect(bot.answered[0]?.question).to.equal('Apakah data saya dibagikan ke pihak ketiga?');
    });

    it('answers an English question in English', async () => {
      const reply = only(await bot.send('What are cookies?'));
      const cookie = entry('cookie');
      expect(reply.text).to.include(cookie.answer?.en);
      expect(reply.text).to.include(cookie.question.en);
      expect(reply.text).not.to.include(cookie.answer?.id);
      expect(metaOf(reply)).to.include({ kind: 'answer', entryId: 'cookie', lang: 'en' });
      for (const a of actionsOf(reply))
        expect(knowledge.knowledge.entries.map((e) => e.question.en)).to.include(a.title);
    });

    it('answers informal Indonesian with the Indonesian text', async () => {
      const reply = only(await bot.send('wowrack jual data gw gak sih 🙏'));
      expect(metaOf(reply)).to.include({ kind: 'answer', entryId: 'protect', lang: 'id' });
      expect(reply.text).to.include(entry('protect').answer?.id);
    });
  });

  describe('did you mean', () => {
    it('offers at most three choices plus "Bukan semuanya", and a click answers the chosen entry', async () => {
      const reply = only(await bot.send('pelanggan'));
      expect(metaOf(reply)?.kind).to.equal('suggest');
      expectNoPolicyText(reply.text);
      const actions = actionsOf(reply);
      const choices = actions.slice(0, -1);
      expect(choices.length).to.be.within(1, 3);
      expect(actions.at(-1)?.title).to.equal('Bukan semuanya');
      expect(actions.at(-1)?.value).to.deep.equal({ action: 'none-of-these' });

      const choice = choices[choices.length - 1];
      const value = choice?.value as { action: string; id: string } | undefined;
      expect(value?.action).to.equal('faq');
      const chosen = entry(value?.id ?? '');
      expect(choice?.title).to.equal(chosen.question.id);

      // What a channel sends back for a messageBack click: the title as text and the value.
      const answer = only(await bot.send({ type: 'message', text: choice?.title, value }));
      expect(metaOf(answer)).to.include({ kind: 'answer', entryId: chosen.id, lang: 'id' });
      expect(answer.text).to.include(chosen.answer?.id);
    });

    it('a click answers the chosen entry even when the text alone would match another', async () => {
      const answer = only(
        await bot.send({ type: 'message', text: 'cookie', value: { action: 'faq', id: 'validity' } }),
      );
      expect(metaOf(answer)).to.include({ kind: 'answer', entryId: 'validity' });
      expect(answer.text).to.include(entry('validity').answer?.id);
    });

    it('"Bukan semuanya" offers support and no policy text', async () => {
      const reply = only(
        await bot.send({ type: 'message', text: 'Bukan semuanya', value: { action: 'none-of-these' } }),
      );
      expect(metaOf(reply)?.kind).to.equal('none');
      expect(reply.text).to.include(SUPPORT_EMAIL);
      expectNoPolicyText(reply.text);
    });

    it('ignores a click on an entry that does not exist and reads the text instead', async () => {
      const reply = only(
        await bot.send({ type: 'message', text: 'What are cookies?', value: { action: 'faq', id: 'nope' } }),
      );
      expect(metaOf(reply)).to.include({ kind: 'answer', entryId: 'cookie' });
    });
  });

  describe('no answer', () => {
    it('offers support@wowrack.co.id and contains no policy text', async () => {
      const reply = only(await bot.send('asdkjh qwelkj zxcmnb'));
      expect(metaOf(reply)?.kind).to.equal('none');
      expect(reply.text).to.include(SUPPORT_EMAIL);
      expectNoPolicyText(reply.text);
      for (const a of actionsOf(reply)) expect(a.value).to.have.property('action');
      expect(bot.answered.map((a) => a.meta.kind)).to.deep.equal(['none']);
    });

    it('says an off-topic question is outside the statement, without policy text', async () => {
      const reply = only(await bot.send('berapa harga vps per bulan?'));
      expect(metaOf(reply)).to.include({ kind: 'offtopic', entryId: 'offtopic-sales' });
      expect(reply.text).to.include(SUPPORT_EMAIL);
      expectNoPolicyText(reply.text);
    });

    it('answers in English when asked in English', async () => {
      const reply = only(await bot.send('how do I configure email in outlook'));
      expect(metaOf(reply)?.lang).to.equal('en');
      expect(metaOf(reply)?.kind).to.not.equal('answer');
      expect(reply.text).to.include(SUPPORT_EMAIL);
      expectNoPolicyText(reply.text);
    });
  });

  describe('chit-chat', () => {
    const cases: readonly [string, string, 'id' | 'en'][] = [
      ['selamat pagi', 'Halo!', 'id'],
      ['makasih ya kak', 'Sama-sama', 'id'],
      ['sampai jumpa ya', 'Sampai jumpa', 'id'],
      ['bye', 'Goodbye', 'en'],
      ['kamu bot?', 'bukan manusia', 'id'],
      ['what can you do?', 'I can answer questions', 'en'],
      ['thank you!', "You're welcome", 'en'],
      ['are you a bot?', 'not a person', 'en'],
    ];
    for (const [text, expected, lang] of cases)
      it(`"${text}" gets small talk, never policy text`, async () => {
        const reply = only(await bot.send(text));
        expect(metaOf(reply)).to.deep.equal({ kind: 'smalltalk', lang });
        expect(reply.text).to.include(expected);
        expectNoPolicyText(reply.text);
      });

    it('tells who the assistant is and where to reach a person', async () => {
      const reply = only(await bot.send('kamu bot?'));
      expect(reply.text).to.include(SUPPORT_EMAIL);
    });

    it('a greeting with a real question gets the answer', async () => {
      const reply = only(await bot.send('halo, apakah data saya dijual?'));
      expect(metaOf(reply)?.kind).to.equal('answer');
    });
  });

  describe('welcome', () => {
    const userJoins: Partial<Activity> = {
      type: 'conversationUpdate',
      membersAdded: [{ id: 'user1', name: 'User' }],
    };

    it('greets a user who joins exactly once', async () => {
      const first = await bot.send(userJoins);
      const welcome = only(first);
      expect(metaOf(welcome)?.kind).to.equal('welcome');
      expect(welcome.text).to.include('Halo!');
      expect(actionsOf(welcome).length).to.be.greaterThan(0);
      expectNoPolicyText(welcome.text);

      expect(await bot.send(userJoins)).to.deep.equal([]);
    });

    it('does not greet when only the bot joins', async () => {
      expect(await bot.send({ type: 'conversationUpdate', membersAdded: [{ id: 'bot', name: 'Bot' }] })).to.deep.equal(
        [],
      );
      // The user joining afterwards still gets the welcome.
      expect(metaOf(only(await bot.send(userJoins)))?.kind).to.equal('welcome');
    });

    it('sends one welcome when the bot and the user join together', async () => {
      const replies = await bot.send({
        type: 'conversationUpdate',
        membersAdded: [
          { id: 'bot', name: 'Bot' },
          { id: 'user1', name: 'User' },
        ],
      });
      expect(metaOf(only(replies))?.kind).to.equal('welcome');
    });
  });

  describe('conversation language', () => {
    it('stays English for a one-word follow-up', async () => {
      expect(metaOf(only(await bot.send('Do you sell my personal data?')))?.lang).to.equal('en');
      const follow = only(await bot.send('SSL?'));
      expect(metaOf(follow)).to.include({ kind: 'answer', entryId: 'security', lang: 'en' });
      expect(follow.text).to.include(entry('security').answer?.en);
    });

    it('stays Indonesian for a one-word follow-up', async () => {
      expect(metaOf(only(await bot.send('apakah data saya dijual?')))?.lang).to.equal('id');
      const follow = only(await bot.send('SSL?'));
      expect(metaOf(follow)).to.include({ kind: 'answer', entryId: 'security', lang: 'id' });
    });

    it('answers a clicked suggestion in the conversation language', async () => {
      only(await bot.send('What are cookies?'));
      const reply = only(await bot.send({ type: 'message', text: 'x', value: { action: 'faq', id: 'collect' } }));
      expect(metaOf(reply)).to.include({ kind: 'answer', entryId: 'collect', lang: 'en' });
      expect(reply.text).to.include(entry('collect').answer?.en);
    });

    it('switches when the customer switches language', async () => {
      only(await bot.send('Do you sell my personal data?'));
      const reply = only(await bot.send('apakah data saya dienkripsi?'));
      expect(metaOf(reply)).to.include({ kind: 'answer', entryId: 'security', lang: 'id' });
    });

    it('each conversation has its own language', async () => {
      only(await bot.send('Do you sell my personal data?'));
      const other = buildBot(knowledge);
      expect(metaOf(only(await other.send('SSL?')))?.lang).to.equal('id');
    });

    it('stays Indonesian for the one-word follow-up "cookie?"', async () => {
      expect(metaOf(only(await bot.send('apakah data saya dijual?')))?.lang).to.equal('id');
      const follow = only(await bot.send('cookie?'));
      expect(metaOf(follow)).to.include({ kind: 'answer', entryId: 'cookie', lang: 'id' });
    });
  });
});
